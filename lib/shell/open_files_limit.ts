/**
 * The open-files limit (behaviour §5.6): every HTTP connection holds a descriptor, so the soft
 * `RLIMIT_NOFILE` bounds how many clients the adapter can hold at once. Container runtimes
 * often set a low soft limit under a high hard one; the adapter raises the soft limit to the
 * hard one at start, as Go's runtime does (the `deno` command does too, the compiled binary
 * does not), logs both, and caps its HTTP connections below what is left. A child in wrapper
 * mode gets the limit found at start.
 *
 * @module
 */

import { errnoName, type Libc } from "./libc.ts";
import { HTTP_LIMITS } from "./http_server.ts";
import type { Logger } from "./logging.ts";

/** The limit in force after the raise, and the soft limit found at start. */
export interface OpenFilesLimit {
  /** The soft limit now: the hard limit, unless raising it failed. */
  readonly soft: number;
  /** The hard limit, which only a privileged process can raise. */
  readonly hard: number;
  /** The soft limit before the adapter raised it. */
  readonly raisedFrom: number;
}

// Linux's RLIMIT_NOFILE, the same on x86-64 and arm64.
const RLIMIT_NOFILE = 7;

/**
 * Raises the soft open-files limit to the hard limit through `libc`; returns the limits, or
 * an Error saying why not (libc not loaded, or the call failed).
 */
export function raiseOpenFilesLimit(libc: Libc | Error): OpenFilesLimit | Error {
  if (libc instanceof Error) return libc;
  // struct rlimit: rlim_cur, rlim_max, both 64-bit on the platforms the adapter runs on.
  const limits = new BigUint64Array(2);
  if (libc.getrlimit(RLIMIT_NOFILE, limits) !== 0) {
    return new Error(`getrlimit(RLIMIT_NOFILE) failed: ${errnoName(libc)}`);
  }
  const [raisedFrom, hard] = [Number(limits[0]), Number(limits[1])];
  if (raisedFrom < hard) {
    limits[0] = limits[1];
    if (libc.setrlimit(RLIMIT_NOFILE, limits) !== 0) {
      return new Error(`setrlimit(RLIMIT_NOFILE) to ${hard} failed: ${errnoName(libc)}`);
    }
  }
  return { soft: Math.max(raisedFrom, hard), hard, raisedFrom };
}

/**
 * Runs `spawn` (a synchronous fork and exec) under the soft limit the adapter found at start,
 * then raises it again: the process started inherits the limit it would have had without the
 * adapter, as Go restores it for the processes it starts. A service that uses `select()` must
 * not be handed descriptors above 1023 it never asked for. Without libc, or with nothing
 * raised, `spawn` runs as it is.
 */
export function withLimitFoundAtStart<T>(
  libc: Libc | undefined,
  limit: OpenFilesLimit | Error,
  spawn: () => T,
): T {
  if (libc === undefined || limit instanceof Error || limit.raisedFrom === limit.soft) {
    return spawn();
  }
  const limits = new BigUint64Array([BigInt(limit.raisedFrom), BigInt(limit.hard)]);
  libc.setrlimit(RLIMIT_NOFILE, limits);
  try {
    return spawn();
  } finally {
    limits[0] = BigInt(limit.soft);
    libc.setrlimit(RLIMIT_NOFILE, limits);
  }
}

/**
 * Descriptors left for everything but HTTP connections: Deno's own (about 26 in an idle
 * adapter), the sockets, the outputs, a child's, and a margin.
 */
export const RESERVED_DESCRIPTORS = 64;
/** The fewest connections allowed, however low the limit: probes need a few at once. */
export const MIN_CONNECTIONS = 8;

/**
 * How many HTTP connections the adapter holds at most: HTTP_LIMITS.maxConnections, fewer when
 * the soft limit leaves less than that beside RESERVED_DESCRIPTORS.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { connectionCap } from "./open_files_limit.ts";
 *
 * assert.equal(connectionCap({ soft: 1_048_576, hard: 1_048_576, raisedFrom: 1024 }), 256);
 * assert.equal(connectionCap({ soft: 128, hard: 128, raisedFrom: 128 }), 64);
 * assert.equal(connectionCap(new Error("libc not loaded")), 256);
 * ```
 */
export function connectionCap(limit: OpenFilesLimit | Error): number {
  const max = HTTP_LIMITS.maxConnections;
  if (limit instanceof Error) return max;
  return Math.min(max, Math.max(MIN_CONNECTIONS, limit.soft - RESERVED_DESCRIPTORS));
}

/** Logs the limit in force and the connection cap it leads to ("Open files limit"). */
export function logOpenFilesLimit(logger: Logger, limit: OpenFilesLimit | Error): void {
  const maxConnections = connectionCap(limit);
  if (limit instanceof Error) {
    logger.log("warning", "Open files limit not raised", { error: limit.message, maxConnections });
  } else {
    logger.log("info", "Open files limit", { ...limit, maxConnections });
  }
}
