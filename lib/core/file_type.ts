/**
 * The type of a file, from the type bits of its Unix mode (`S_IFMT`), in words, for messages
 * that say why a file was refused (behaviour §9.5).
 *
 * @module
 */

/** The mask of the type bits in a file mode. */
export const S_IFMT = 0o170000;

/** The regular file type, the only one the termination message is written to. */
export const S_IFREG = 0o100000;

/** The directory type. */
export const S_IFDIR = 0o040000;

/** The symbolic link type. */
export const S_IFLNK = 0o120000;

// The Linux values, the same on every architecture (include/uapi/linux/stat.h).
const FILE_TYPES: Readonly<Record<number, string>> = Object.freeze({
  [S_IFREG]: "a regular file",
  [S_IFDIR]: "a directory",
  [S_IFLNK]: "a symbolic link",
  0o140000: "a socket",
  0o060000: "a block device",
  0o020000: "a character device",
  0o010000: "a FIFO",
});

/**
 * The type of a file with `mode` in words, such as `a FIFO`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { fileType } from "./file_type.ts";
 *
 * assert.equal(fileType(0o100644), "a regular file");
 * assert.equal(fileType(0o010600), "a FIFO");
 * ```
 */
export function fileType(mode: number): string {
  const type = mode & S_IFMT;
  return FILE_TYPES[type] ?? `a file of type 0o${type.toString(8)}`;
}

/**
 * Why a file with `mode` and `links` hard links must not take the termination message, or
 * undefined: it must be a regular file (opening a FIFO or a device can wait or act) with one
 * name, so that no other file is written through it.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { messageFileProblem } from "./file_type.ts";
 *
 * assert.equal(messageFileProblem(0o100644, 1), undefined);
 * assert.equal(messageFileProblem(0o120777, 1), "is a symbolic link");
 * assert.equal(messageFileProblem(0o010600, 1), "is a FIFO, not a regular file");
 * assert.equal(messageFileProblem(0o100644, 2), "has 2 hard links, not 1");
 * ```
 */
export function messageFileProblem(mode: number, links: number): string | undefined {
  const type = mode & S_IFMT;
  if (type === S_IFLNK) return "is a symbolic link";
  if (type !== S_IFREG) return `is ${fileType(mode)}, not a regular file`;
  if (links !== 1) return `has ${links} hard links, not 1`;
  return undefined;
}
