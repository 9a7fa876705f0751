/**
 * The few calls of the C library that wrapper mode needs and Deno does not offer (behaviour §9.5,
 * §9.6, §10.2): looking at and reaping orphaned children as PID 1, and writing the termination
 * message to `/dev/termination-log`, a path under `/dev` that Deno 2.9.6 opens only with
 * `--allow-all`. libc is loaded once, at start, and the right to load libraries is given up at
 * once: what the process can no longer load, an attacker in it cannot either.
 *
 * @module
 */

import { ERRNO_NAMES } from "../core/errno_names.ts";
import { LIBC_PATHS } from "./permissions.ts";

/** The libc functions wrapper mode calls, with their C signatures as Deno's FFI spells them. */
export const LIBC_SYMBOLS = {
  // Every adapter mode: raising the open-files limit at start (open_files_limit.ts).
  getrlimit: { parameters: ["i32", "buffer"], result: "i32" },
  setrlimit: { parameters: ["i32", "buffer"], result: "i32" },
  waitid: { parameters: ["i32", "u32", "buffer", "i32"], result: "i32" },
  waitpid: { parameters: ["i32", "buffer", "i32"], result: "i32" },
  open: { parameters: ["buffer", "i32"], result: "i32" },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  close: { parameters: ["i32"], result: "i32" },
  __errno_location: { parameters: [], result: "pointer" },
  memcpy: { parameters: ["buffer", "pointer", "usize"], result: "pointer" },
} as const;

/** libc, as wrapper mode uses it. */
export type Libc = Deno.DynamicLibrary<typeof LIBC_SYMBOLS>["symbols"];

/** Loads libc from the first of LIBC_PATHS that works; an Error says why none did. */
export function loadLibc(): Libc | Error {
  const failures: string[] = [];
  for (const path of LIBC_PATHS) {
    try {
      return Deno.dlopen(path, LIBC_SYMBOLS).symbols;
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

// Linux open(2) flags; O_NOFOLLOW differs between x86-64 and arm64.
const O_WRONLY = 0o1;
const O_NOCTTY = 0o400;
const O_TRUNC = 0o1000;
const O_NONBLOCK = 0o4000;
const O_CLOEXEC = 0o2000000;
const O_NOFOLLOW = Deno.build.arch === "aarch64" ? 0o100000 : 0o400000;

/**
 * Writes `bytes` over an existing file at `path`: never creates it, never follows a link at
 * it, and never waits for a reader (a FIFO nobody reads fails at once). Throws an Error naming
 * the errno.
 */
export function overwriteFile(libc: Libc, path: string, bytes: Uint8Array): void {
  const flags = O_WRONLY | O_TRUNC | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | O_NOFOLLOW;
  const fd = libc.open(new TextEncoder().encode(`${path}\0`), flags);
  if (fd < 0) throw new Error(`cannot open: ${errnoName(libc)}`);
  try {
    while (bytes.length > 0) {
      const written = Number(libc.write(fd, bytes, BigInt(bytes.length)));
      if (written < 0) throw new Error(`cannot write: ${errnoName(libc)}`);
      if (written === 0) throw new Error("cannot write: no progress");
      bytes = bytes.subarray(written);
    }
  } finally {
    libc.close(fd);
  }
}
