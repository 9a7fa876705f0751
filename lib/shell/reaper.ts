/**
 * Reaping orphans as PID 1 (behaviour §9.6), as tini does: processes the service leaves behind
 * are re-parented to PID 1 when their parent exits, and their zombies pile up unless PID 1
 * waits for them. Deno waits only for the children it started, so the reaper looks first
 * (`waitid` with `WNOWAIT`, which leaves the zombie in place) and reaps only a process that is
 * not one of those: Deno's own wait for the service is never raced.
 *
 * libc is loaded through Deno's FFI, which only wrapper mode as PID 1 uses: the right is
 * given up as soon as libc is loaded.
 *
 * @module
 */

import { errorText, type Logger } from "./logging.ts";
import { dropPermissions, LIBC_PATHS } from "./permissions.ts";
import type { Schedule } from "./deadline_timer.ts";

const P_ALL = 0;
const WNOHANG = 1;
const WEXITED = 4;
const WNOWAIT = 0x01000000;
// siginfo_t on 64-bit Linux (x86-64, arm64): three ints, padding, then si_pid.
const SIGINFO_BYTES = 128;
const SI_PID_OFFSET = 16;
// SIGCHLD signals merge: a slow sweep catches what a merged signal left behind.
const SWEEP_MS = 1_000;

const SYMBOLS = {
  waitid: { parameters: ["i32", "u32", "buffer", "i32"], result: "i32" },
  waitpid: { parameters: ["i32", "buffer", "i32"], result: "i32" },
} as const;

type Libc = Deno.DynamicLibrary<typeof SYMBOLS>;

function openLibc(): Libc | Error {
  let failure: unknown;
  for (const path of LIBC_PATHS) {
    try {
      return Deno.dlopen(path, SYMBOLS);
    } catch (error) {
      failure = error;
    }
  }
  return new Error(errorText(failure));
}

/** A running reaper. */
export interface Reaper {
  /** Reaps what is waitable now. */
  sweep(): void;
  /** Stops reaping: no more sweeps, on SIGCHLD or on the timer. */
  stop(): void;
}

/**
 * Starts reaping orphans, never the processes `ours` returns (those Deno started). Returns
 * undefined, after a warning, when libc cannot be loaded.
 */
export function startReaper(
  ours: () => ReadonlySet<number>,
  logger: Logger,
  schedule: Schedule,
): Reaper | undefined {
  const libc = openLibc();
  dropPermissions("ffi");
  if (libc instanceof Error) {
    logger.log("warning", "Cannot reap orphans as PID 1: libc not loaded", { error: libc.message });
    return undefined;
  }
  const info = new Uint8Array(SIGINFO_BYTES);
  const view = new DataView(info.buffer);
  const status = new Uint8Array(4);
  let stopped = false;
  const sweep = () => {
    while (!stopped) {
      info.fill(0);
      if (libc.symbols.waitid(P_ALL, 0, info, WEXITED | WNOHANG | WNOWAIT) !== 0) return;
      const pid = view.getInt32(SI_PID_OFFSET, true);
      // Nothing waitable, or Deno's own child: Deno waits for it.
      if (pid === 0 || ours().has(pid)) return;
      if (libc.symbols.waitpid(pid, status, WNOHANG) !== pid) return;
    }
  };
  const periodic = () => {
    if (stopped) return;
    sweep();
    schedule(SWEEP_MS, periodic);
  };
  Deno.addSignalListener("SIGCHLD", sweep);
  schedule(SWEEP_MS, periodic);
  return {
    sweep,
    stop: () => {
      stopped = true;
    },
  };
}
