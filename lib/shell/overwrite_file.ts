/**
 * Writing over an existing file without ever leaving the path as written (behaviour §9.5,
 * §10.2): no component of the path may be a symbolic link, the file must be a regular file
 * with one name, and it is never created. The permission set is checked against the path as
 * written, so a link anywhere on it could lead the write outside the set; refusing every link
 * keeps the file written the file checked.
 *
 * With libc the path is walked one directory at a time, each opened relative to the last with
 * `O_NOFOLLOW`, and the file is looked at before it is opened (opening a FIFO can wait, opening
 * a device can act), then checked again once open, so that a file put in its place in between
 * is never written. Deno offers no `O_NOFOLLOW`; its fallback looks first and compares after,
 * as far as Deno allows (the races left are in behaviour §9.5).
 *
 * @module
 */

import { fileType, messageFileProblem, S_IFDIR, S_IFLNK, S_IFMT } from "../core/file_type.ts";
import { cString, errnoName, type FileStatus, type Libc, LINUX, statusAt } from "./libc.ts";

const {
  O_RDONLY,
  O_WRONLY,
  O_NOCTTY,
  O_NONBLOCK,
  O_CLOEXEC,
  O_PATH,
  O_DIRECTORY,
  O_NOFOLLOW,
  AT_FDCWD,
  AT_SYMLINK_NOFOLLOW,
  AT_EMPTY_PATH,
} = LINUX;

// O_PATH: a directory needs to be searchable only, as for any path lookup, not readable.
const DIRECTORY_FLAGS = O_RDONLY | O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
// O_NONBLOCK: a FIFO put there after the look is never waited for (ENXIO without a reader).
const FILE_FLAGS = O_WRONLY | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC;

/** The directories of an absolute path without empty, `.` or `..` components, and its name. */
function split(path: string): { directories: string[]; name: string } {
  const names = path.split("/").slice(1);
  const name = names.pop() ?? "";
  return { directories: names.map((_, i) => `/${names.slice(0, i + 1).join("/")}`), name };
}

function directoryProblem(directory: string, mode: number): string | undefined {
  const type = mode & S_IFMT;
  if (type === S_IFDIR) return undefined;
  if (type === S_IFLNK) return `a directory on the path is a symbolic link: ${directory}`;
  return `a directory on the path is ${fileType(mode)}: ${directory}`;
}

// The open failed: say why in the words of the file's type when it is the reason.
function whyNotOpened(libc: Libc, dirfd: number, name: string, directory: string): string {
  const errno = errnoName(libc);
  const status = statusAt(libc, dirfd, name, AT_SYMLINK_NOFOLLOW);
  const problem = typeof status === "string" ? undefined : directoryProblem(directory, status.mode);
  return problem ?? `cannot open the directory ${directory}: ${errno}`;
}

function writeAll(libc: Libc, fd: number, bytes: Uint8Array) {
  if (libc.ftruncate(fd, 0n) !== 0) throw new Error(`cannot truncate: ${errnoName(libc)}`);
  while (bytes.length > 0) {
    const written = Number(libc.write(fd, bytes, BigInt(bytes.length)));
    if (written < 0) throw new Error(`cannot write: ${errnoName(libc)}`);
    if (written === 0) throw new Error("cannot write: no progress");
    bytes = bytes.subarray(written);
  }
}

/** Whether two looks at a file saw the same file: the same device and inode. */
export const sameFile = (a: FileStatus, b: FileStatus): boolean =>
  a.device === b.device && a.inode === b.inode;

/**
 * Opens the directory of `path` (absolute, without empty, `.` or `..` components) through libc,
 * one directory at a time from `/`, each relative to the one before and never through a link;
 * returns its descriptor, which the caller closes, and the file's name in it. Throws an Error
 * saying why not.
 */
export function openDirectoryOf(libc: Libc, path: string): { dirfd: number; name: string } {
  const { directories, name } = split(path);
  let dirfd = libc.openat(AT_FDCWD, cString("/"), DIRECTORY_FLAGS);
  if (dirfd < 0) throw new Error(`cannot open the directory /: ${errnoName(libc)}`);
  try {
    for (const directory of directories) {
      const component = directory.slice(directory.lastIndexOf("/") + 1);
      const next = libc.openat(dirfd, cString(component), DIRECTORY_FLAGS);
      if (next < 0) throw new Error(whyNotOpened(libc, dirfd, component, directory));
      libc.close(dirfd);
      dirfd = next;
    }
  } catch (error) {
    libc.close(dirfd);
    throw error;
  }
  return { dirfd, name };
}

/**
 * Writes `bytes` over the existing regular file at `path` (absolute, without empty, `.` or
 * `..` components) through libc: never creates it, never follows a link on the path, never
 * opens anything but a regular file with one name, never waits. Throws an Error saying why not.
 */
export function overwriteFile(libc: Libc, path: string, bytes: Uint8Array): void {
  const { dirfd, name } = openDirectoryOf(libc, path);
  try {
    const before = statusAt(libc, dirfd, name, AT_SYMLINK_NOFOLLOW);
    if (typeof before === "string") throw new Error(`cannot open: ${before}`);
    const problem = messageFileProblem(before.mode, before.links);
    if (problem !== undefined) throw new Error(problem);
    const fd = libc.openat(dirfd, cString(name), FILE_FLAGS);
    if (fd < 0) throw new Error(`cannot open: ${errnoName(libc)}`);
    try {
      const opened = statusAt(libc, fd, "", AT_EMPTY_PATH);
      if (typeof opened === "string") throw new Error(`cannot open: ${opened}`);
      if (!sameFile(before, opened)) throw new Error("was replaced while it was opened");
      writeAll(libc, fd, bytes);
    } finally {
      libc.close(fd);
    }
  } finally {
    libc.close(dirfd);
  }
}

// Deno's errors carry the errno name as `code`; NotCapable is the permission set's refusal,
// which the start-up check leaves only for /dev/termination-log (behaviour §9.5).
function denoReason(error: unknown): string {
  if (error instanceof Deno.errors.NotCapable) {
    return "the permission set does not let Deno open it, and libc is not loaded";
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string") return code;
  return error instanceof Error ? error.message : String(error);
}

async function attempt<T>(what: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw new Error(`${what}: ${denoReason(error)}`);
  }
}

// undefined where the permission set does not let Deno look: the ancestors of the allowed
// directories, such as the /var of /var/run.
async function lookAtDirectory(directory: string): Promise<Deno.FileInfo | undefined> {
  try {
    return await Deno.lstat(directory);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) return undefined;
    throw new Error(`cannot open the directory ${directory}: ${denoReason(error)}`);
  }
}

async function realPathOrSelf(path: string): Promise<string> {
  try {
    return await Deno.realPath(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) return path;
    throw new Error(`cannot open the directory ${path}: ${denoReason(error)}`);
  }
}

/**
 * Writes `bytes` over the existing regular file at `path` with Deno's file API, where libc is
 * not loaded: every directory on the path is looked at (a link or a non-directory refused),
 * then the file (a regular file with one name); the file is opened without truncating,
 * checked to be the file looked at (device and inode), then truncated and written. Deno cannot
 * open without following links, so a directory replaced by a link between the look and the
 * open is followed: the race behaviour §9.5 names. Deno's open may wait (a FIFO put there in
 * that instant): the caller bounds the time.
 */
export async function overwriteFileWithDeno(path: string, bytes: Uint8Array): Promise<void> {
  const { directories } = split(path);
  for (const directory of directories) {
    const info = await lookAtDirectory(directory);
    const problem = info && directoryProblem(directory, info.mode ?? 0);
    if (problem !== undefined) throw new Error(problem);
  }
  // Where Deno may not look (the /var of /var/run), the parent's real path tells.
  const parent = directories.at(-1) ?? "/";
  const real = await realPathOrSelf(parent);
  if (real !== parent) {
    throw new Error(`a directory on the path is a symbolic link: ${parent} is really ${real}`);
  }
  const before = await attempt("cannot open", () => Deno.lstat(path));
  const problem = messageFileProblem(before.mode ?? 0, before.nlink ?? 1);
  if (problem !== undefined) throw new Error(problem);
  const file = await attempt("cannot open", () => Deno.open(path, { write: true }));
  try {
    const opened = await attempt("cannot open", () => file.stat());
    if (opened.dev !== before.dev || opened.ino !== before.ino) {
      throw new Error("was replaced while it was opened");
    }
    await attempt("cannot truncate", () => file.truncate(0));
    while (bytes.length > 0) {
      bytes = bytes.subarray(await attempt("cannot write", () => file.write(bytes)));
    }
  } finally {
    file.close();
  }
}
