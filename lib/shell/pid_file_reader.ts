/**
 * Reading the PID file (behaviour §11.2) without ever leaving the path as written: its
 * directories are opened one at a time without following a link, the file is looked at before
 * it is opened (a regular file with one name: no link, no FIFO to wait on, no device), opened
 * without following a link and without waiting, checked to be the file looked at (device and
 * inode), and read up to a bound. The permission set judged the path at start-up; a link could
 * lead the read outside it, so none is followed.
 *
 * A service may be writing the file at that moment (Redis truncates its `pidfile` and writes
 * it again; a new instance replaces one with `rename(2)`), so the file is read until two reads
 * in a row give the same, a few times at most.
 *
 * @module
 */

import { messageFileProblem } from "../core/file_type.ts";
import { PID_FILE_MAX_BYTES, PID_FILE_MISSING, type PidFileRead } from "../core/pid_file.ts";
import { cString, errnoName, type Libc, LINUX, statusAt } from "./libc.ts";
import { openDirectoryOf, sameFile } from "./overwrite_file.ts";

const {
  O_RDONLY,
  O_NOCTTY,
  O_NONBLOCK,
  O_NOFOLLOW,
  O_CLOEXEC,
  AT_SYMLINK_NOFOLLOW,
  AT_EMPTY_PATH,
} = LINUX;

// O_NONBLOCK: a FIFO put there after the look is never waited for.
const FILE_FLAGS = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC;
// Two reads in a row that agree, within this many reads; a file rewritten faster than that is
// read again at the next poll (behaviour §11.2).
const READS = 4;

function readAll(libc: Libc, fd: number): Uint8Array | string {
  // One byte more than allowed tells a file that is too long.
  const buffer = new Uint8Array(PID_FILE_MAX_BYTES + 1);
  let length = 0;
  while (length < buffer.length) {
    const read = Number(libc.read(fd, buffer.subarray(length), BigInt(buffer.length - length)));
    if (read < 0) return `cannot read: ${errnoName(libc)}`;
    if (read === 0) break;
    length += read;
  }
  if (length > PID_FILE_MAX_BYTES) return `is larger than ${PID_FILE_MAX_BYTES} bytes`;
  return buffer.subarray(0, length);
}

/** One read of the PID file at `path`: its text, or why there is none. */
export function readPidFileOnce(libc: Libc, path: string): PidFileRead {
  let directory: { dirfd: number; name: string };
  try {
    directory = openDirectoryOf(libc, path);
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
  const { dirfd, name } = directory;
  try {
    const before = statusAt(libc, dirfd, name, AT_SYMLINK_NOFOLLOW);
    if (before === "ENOENT") return { problem: PID_FILE_MISSING };
    if (typeof before === "string") return { problem: `cannot look at it: ${before}` };
    const problem = messageFileProblem(before.mode, before.links);
    if (problem !== undefined) return { problem };
    const fd = libc.openat(dirfd, cString(name), FILE_FLAGS);
    if (fd < 0) {
      const errno = errnoName(libc);
      return { problem: errno === "ENOENT" ? PID_FILE_MISSING : `cannot open: ${errno}` };
    }
    try {
      const opened = statusAt(libc, fd, "", AT_EMPTY_PATH);
      if (typeof opened === "string") return { problem: `cannot open: ${opened}` };
      if (!sameFile(before, opened)) return { problem: "was replaced while it was opened" };
      const bytes = readAll(libc, fd);
      if (typeof bytes === "string") return { problem: bytes };
      return { text: new TextDecoder().decode(bytes) };
    } finally {
      libc.close(fd);
    }
  } finally {
    libc.close(dirfd);
  }
}

const same = (a: PidFileRead, b: PidFileRead) =>
  "text" in a ? "text" in b && a.text === b.text : "problem" in b && a.problem === b.problem;

/**
 * Reads the PID file at `path` through libc until two reads in a row agree: its text, or why
 * there is none. `read` is one read (a test may replace the file between two of them).
 */
export function readPidFile(
  libc: Libc,
  path: string,
  read: (libc: Libc, path: string) => PidFileRead = readPidFileOnce,
): PidFileRead {
  let previous = read(libc, path);
  for (let reads = 1; reads < READS; reads++) {
    const next = read(libc, path);
    if (same(previous, next)) return next;
    previous = next;
  }
  return { problem: `kept changing while it was read (${READS} reads, no two alike in a row)` };
}
