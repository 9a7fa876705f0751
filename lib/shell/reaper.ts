/**
 * Reaping orphans as PID 1 (behaviour §9.6), as tini does: processes the service leaves behind
 * are re-parented to PID 1 when their parent exits, and their zombies pile up unless PID 1
 * waits for them. Deno waits only for the children it started, so the reaper looks first
 * (`waitid` with `WNOWAIT`, which leaves the zombie in place) and reaps only a process that is
 * not one of those: Deno's own wait for the service is never raced.
 *
 * The calls go to libc (`libc.ts`), which wrapper mode loads at start.
 *
 * @module
 */

import type { Schedule } from "./schedule.ts";
import type { Libc } from "./libc.ts";

const P_ALL = 0;
const WNOHANG = 1;
const WEXITED = 4;
const WNOWAIT = 0x01000000;
// siginfo_t on 64-bit Linux (x86-64, arm64): three ints, padding, then si_pid.
const SIGINFO_BYTES = 128;
const SI_PID_OFFSET = 16;
// SIGCHLD signals merge: a slow sweep catches what a merged signal left behind.
const SWEEP_MS = 1_000;

/** A running reaper. */
export interface Reaper {
  /** Reaps what is waitable now. */
  sweep(): void;
  /** Stops reaping: no more sweeps, on SIGCHLD or on the timer. */
  stop(): void;
}

/** Starts reaping orphans through `libc`, never the processes `ours` returns (Deno's). */
export function startReaper(
  libc: Libc,
  ours: () => ReadonlySet<number>,
  schedule: Schedule,
): Reaper {
  const info = new Uint8Array(SIGINFO_BYTES);
  const view = new DataView(info.buffer);
  const status = new Uint8Array(4);
  let stopped = false;
  const sweep = () => {
    while (!stopped) {
      info.fill(0);
      if (libc.waitid(P_ALL, 0, info, WEXITED | WNOHANG | WNOWAIT) !== 0) return;
      const pid = view.getInt32(SI_PID_OFFSET, true);
      // Nothing waitable, or Deno's own child: Deno waits for it.
      if (pid === 0 || ours().has(pid)) return;
      if (libc.waitpid(pid, status, WNOHANG) !== pid) return;
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
