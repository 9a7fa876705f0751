/**
 * The few calls of the C library that the adapter needs and Deno does not offer (behaviour §9.5,
 * §9.6, §10.2, §11): looking at and reaping orphaned children as PID 1, and writing the
 * termination message to `/dev/termination-log`, a path under `/dev` that Deno 2.9.6 opens only
 * with `--allow-all`, one directory at a time without following links; watching a main process
 * the adapter did not start (a pidfd), and reading its PID file the same careful way; seeing a
 * connection wait in the HTTP listener's accept queue during a flood (§2.5). libc is
 * loaded once, at start, and the right to load libraries is given up at once: what the process
 * can no longer load, an attacker in it cannot either. Calls to it keep working after that.
 *
 * @module
 */

import { ERRNO_NAMES } from "../core/errno_names.ts";
import { LIBC_PATHS } from "./permissions.ts";

// One C `int` (or one 64-bit integer) in a struct is returned in the same register as the
// integer itself, on x86-64 (System V) and on arm64 (AAPCS64). Declared so, a symbol is called
// through libffi: Deno compiles a fast-call trampoline (with Cranelift) for every symbol whose
// result and parameters are not structs, and that cost 3.4 MB of idle RSS and 2.8 ms of
// start-up for these symbols against 1.8 MB and 1.4 ms through libffi (7 spawns each, medians,
// a dlopen of the same symbols and three calls; `deno task bench -- --only=breakdown`, rung
// "libc", measures it as the adapter loads it). A call through libffi costs about 1 µs (a
// poll(2) of the HTTP listener's accept queue, bench of 100 000 calls): the adapter makes a few
// a second, and in a flood one every eight datagrams, a fortieth of a datagram's 4 µs.
const INT = { struct: ["i32"] } as const;
const LONG = { struct: ["i64"] } as const;

/** The libc functions the adapter calls, with their C signatures as Deno's FFI spells them. */
export const LIBC_SYMBOLS = {
  // Every adapter mode: raising the open-files limit at start (open_files_limit.ts).
  getrlimit: { parameters: ["i32", "buffer"], result: INT },
  setrlimit: { parameters: ["i32", "buffer"], result: INT },
  waitid: { parameters: ["i32", "u32", "buffer", "i32"], result: INT },
  waitpid: { parameters: ["i32", "buffer", "i32"], result: INT },
  // openat() takes a mode after the flags only with O_CREAT, which the adapter never passes.
  openat: { parameters: ["i32", "buffer", "i32"], result: INT },
  statx: { parameters: ["i32", "buffer", "i32", "u32", "buffer"], result: INT },
  ftruncate: { parameters: ["i32", "i64"], result: INT },
  write: { parameters: ["i32", "buffer", "usize"], result: LONG },
  close: { parameters: ["i32"], result: INT },
  // Addresses are 64-bit integers on both architectures: the pointer, as a number.
  __errno_location: { parameters: [], result: LONG },
  memcpy: { parameters: ["buffer", "u64", "usize"], result: LONG },
  // Following a main process the adapter did not start (behaviour §11): a pidfd, polled.
  // glibc exports pidfd_open from 2.36 on; where it does not, the symbol is null.
  pidfd_open: { parameters: ["i32", "u32"], result: INT, optional: true },
  poll: { parameters: ["buffer", "usize", "i32"], result: INT },
  read: { parameters: ["i32", "buffer", "usize"], result: LONG },
  // Watching the HTTP listener's accept queue in a flood (accept_queue.ts).
  getsockopt: { parameters: ["i32", "i32", "i32", "buffer", "buffer"], result: INT },
  getsockname: { parameters: ["i32", "buffer", "buffer"], result: INT },
} as const;

/** The symbols as Deno's FFI gives them: results in one-integer structs. */
export type LibcSymbols = Deno.DynamicLibrary<typeof LIBC_SYMBOLS>["symbols"];
/** What Deno's FFI takes for a `buffer` parameter: any typed array, or null. */
export type LibcBuffer = Parameters<LibcSymbols["read"]>[1];

/** libc, as the adapter uses it: each function returns its C result as a number or bigint. */
export interface Libc {
  /** getrlimit(2) into `limits` (rlim_cur, rlim_max). */
  getrlimit(resource: number, limits: LibcBuffer): number;
  /** setrlimit(2) from `limits`. */
  setrlimit(resource: number, limits: LibcBuffer): number;
  /** waitid(2). */
  waitid(idtype: number, id: number, info: LibcBuffer, options: number): number;
  /** waitpid(2). */
  waitpid(pid: number, status: LibcBuffer, options: number): number;
  /** openat(2) without O_CREAT. */
  openat(dirfd: number, path: LibcBuffer, flags: number): number;
  /** statx(2). */
  statx(
    dirfd: number,
    path: LibcBuffer,
    flags: number,
    mask: number,
    buffer: LibcBuffer,
  ): number;
  /** ftruncate(2). */
  ftruncate(fd: number, length: bigint): number;
  /** write(2): the bytes written, or -1. */
  write(fd: number, bytes: LibcBuffer, count: bigint): bigint;
  /** close(2). */
  close(fd: number): number;
  /** The address of the calling thread's `errno`. */
  __errno_location(): bigint;
  /** memcpy(3) from the address `source` into `target`. */
  memcpy(target: LibcBuffer, source: bigint, count: bigint): bigint;
  /** pidfd_open(2), or null where glibc has none (before 2.36). */
  pidfd_open: ((pid: number, flags: number) => number) | null;
  /** poll(2). */
  poll(fds: LibcBuffer, count: bigint, timeoutMs: number): number;
  /** read(2): the bytes read, or -1. */
  read(fd: number, buffer: LibcBuffer, count: bigint): bigint;
  /** getsockopt(2). */
  getsockopt(
    fd: number,
    level: number,
    option: number,
    value: LibcBuffer,
    length: LibcBuffer,
  ): number;
  /** getsockname(2). */
  getsockname(fd: number, address: LibcBuffer, length: LibcBuffer): number;
}

// The integer in the struct a symbol returned (see INT and LONG above).
function int(bytes: Uint8Array): number {
  return new Int32Array(bytes.buffer, bytes.byteOffset, 1)[0];
}
function long(bytes: Uint8Array): bigint {
  return new BigInt64Array(bytes.buffer, bytes.byteOffset, 1)[0];
}

// The symbols with their results as integers again.
function integerResults(c: LibcSymbols): Libc {
  const pidfdOpen = c.pidfd_open;
  return {
    getrlimit: (resource, limits) => int(c.getrlimit(resource, limits)),
    setrlimit: (resource, limits) => int(c.setrlimit(resource, limits)),
    waitid: (idtype, id, info, options) => int(c.waitid(idtype, id, info, options)),
    waitpid: (pid, status, options) => int(c.waitpid(pid, status, options)),
    openat: (dirfd, path, flags) => int(c.openat(dirfd, path, flags)),
    statx: (dirfd, path, flags, mask, buffer) => int(c.statx(dirfd, path, flags, mask, buffer)),
    ftruncate: (fd, length) => int(c.ftruncate(fd, length)),
    write: (fd, bytes, count) => long(c.write(fd, bytes, count)),
    close: (fd) => int(c.close(fd)),
    __errno_location: () => long(c.__errno_location()),
    memcpy: (target, source, count) => long(c.memcpy(target, source, count)),
    pidfd_open: pidfdOpen === null ? null : (pid, flags) => int(pidfdOpen(pid, flags)),
    poll: (fds, count, timeoutMs) => int(c.poll(fds, count, timeoutMs)),
    read: (fd, buffer, count) => long(c.read(fd, buffer, count)),
    getsockopt: (fd, level, option, value, length) =>
      int(c.getsockopt(fd, level, option, value, length)),
    getsockname: (fd, address, length) => int(c.getsockname(fd, address, length)),
  };
}

/** Loads libc from the first of LIBC_PATHS that works; an Error says why none did. */
export function loadLibc(): Libc | Error {
  const failures: string[] = [];
  for (const path of LIBC_PATHS) {
    try {
      return integerResults(Deno.dlopen(path, LIBC_SYMBOLS).symbols);
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error));
    }
  }
  return new Error(failures.at(-1) ?? "no path to try");
}

/** The name of the calling thread's `errno`, such as `ENOENT`. */
export function errnoName(libc: Libc): string {
  const bytes = new Uint8Array(4);
  libc.memcpy(bytes, libc.__errno_location(), 4n);
  const errno = new DataView(bytes.buffer).getInt32(0, true);
  return Object.keys(ERRNO_NAMES).find((name) => ERRNO_NAMES[name] === errno) ?? `errno ${errno}`;
}

/** The open(2) flags whose values differ between architectures. */
export type ArchOpenFlag = "O_DIRECTORY" | "O_NOFOLLOW";

/** The names of the Linux constants wrapper mode uses with open(2), the *at() calls, statx(2). */
export type LinuxConstant =
  | ArchOpenFlag
  | "O_RDONLY"
  | "O_WRONLY"
  | "O_NOCTTY"
  | "O_NONBLOCK"
  | "O_CLOEXEC"
  | "O_PATH"
  | "AT_FDCWD"
  | "AT_SYMLINK_NOFOLLOW"
  | "AT_EMPTY_PATH"
  | "STATX_TYPE"
  | "STATX_NLINK"
  | "STATX_INO";

/** The Linux flags of open(2) that differ between the architectures Deno runs on. */
export const OPEN_FLAGS_BY_ARCH: Readonly<
  Record<typeof Deno.build.arch, Readonly<Record<ArchOpenFlag, number>>>
> = Object.freeze({
  // include/uapi/asm-generic/fcntl.h, which x86-64 uses as it is
  x86_64: Object.freeze({ O_DIRECTORY: 0o200000, O_NOFOLLOW: 0o400000 }),
  // arch/arm64/include/uapi/asm/fcntl.h overrides these two (and O_DIRECT, O_LARGEFILE)
  aarch64: Object.freeze({ O_DIRECTORY: 0o40000, O_NOFOLLOW: 0o100000 }),
});

/** The Linux constants of open(2), the *at() calls and statx(2), for this architecture. */
export const LINUX: Readonly<Record<LinuxConstant, number>> = Object.freeze({
  O_RDONLY: 0,
  O_WRONLY: 0o1,
  O_NOCTTY: 0o400,
  O_NONBLOCK: 0o4000,
  O_CLOEXEC: 0o2000000,
  O_PATH: 0o10000000,
  ...OPEN_FLAGS_BY_ARCH[Deno.build.arch],
  AT_FDCWD: -100,
  AT_SYMLINK_NOFOLLOW: 0x100,
  AT_EMPTY_PATH: 0x1000,
  STATX_TYPE: 0x1,
  STATX_NLINK: 0x4,
  STATX_INO: 0x100,
});

/** What statx(2) tells of a file: its mode (type bits included), links, device and inode. */
export interface FileStatus {
  /** `st_mode`: the type bits and the permission bits. */
  readonly mode: number;
  /** The number of hard links. */
  readonly links: number;
  /** The device, as `major:minor`. */
  readonly device: string;
  /** The inode number. */
  readonly inode: bigint;
}

// struct statx (include/uapi/linux/stat.h) is the same on every architecture, unlike struct
// stat: 256 bytes, with these fields at these offsets.
const STATX_SIZE = 256;
const STATX_MASK_AT = 0;
const STATX_NLINK_AT = 16;
const STATX_MODE_AT = 28;
const STATX_INO_AT = 32;
const STATX_DEV_MAJOR_AT = 136;
const STATX_DEV_MINOR_AT = 140;

/**
 * statx(2) of `name` in the directory `dirfd` (with `AT_EMPTY_PATH` and `""`: of `dirfd`
 * itself): the file's status, or the errno name when it fails.
 */
export function statusAt(
  libc: Libc,
  dirfd: number,
  name: string,
  flags: number,
): FileStatus | string {
  const buffer = new Uint8Array(STATX_SIZE);
  const mask = LINUX.STATX_TYPE | LINUX.STATX_NLINK | LINUX.STATX_INO;
  if (libc.statx(dirfd, cString(name), flags, mask, buffer) !== 0) return errnoName(libc);
  const view = new DataView(buffer.buffer);
  // stx_mask says which fields the file system filled in: without these, nothing is known.
  if ((view.getUint32(STATX_MASK_AT, true) & mask) !== mask) return "no type, links or inode";
  return {
    mode: view.getUint16(STATX_MODE_AT, true),
    links: view.getUint32(STATX_NLINK_AT, true),
    device: `${view.getUint32(STATX_DEV_MAJOR_AT, true)}:${
      view.getUint32(STATX_DEV_MINOR_AT, true)
    }`,
    inode: view.getBigUint64(STATX_INO_AT, true),
  };
}

/** `text` as a NUL-terminated C string. */
export function cString(text: string): Uint8Array {
  return new TextEncoder().encode(`${text}\0`);
}

// <poll.h>; struct pollfd { int fd; short events; short revents; }, the same on every Linux
// architecture.
const POLLIN = 0x1;
const POLLFD_BYTES = 8;
const EVENTS_AT = 4;
const REVENTS_AT = 6;

/**
 * A check of whether `fd` is readable now: one poll(2) with a timeout of 0, which never waits.
 * The pollfd is built once; each check only clears `revents`.
 */
export function readableNow(libc: Libc, fd: number): () => boolean {
  const pollfd = new Uint8Array(POLLFD_BYTES);
  const view = new DataView(pollfd.buffer);
  view.setInt32(0, fd, true);
  view.setInt16(EVENTS_AT, POLLIN, true);
  return () => {
    view.setInt16(REVENTS_AT, 0, true);
    return libc.poll(pollfd, 1n, 0) > 0 && (view.getInt16(REVENTS_AT, true) & POLLIN) !== 0;
  };
}
