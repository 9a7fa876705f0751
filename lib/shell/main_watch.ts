/**
 * The shell's half of following a main process the adapter did not start (behaviour §11): it
 * watches the process the core names (a pidfd, `pidfd.ts`), reads the PID file when the core
 * asks and whenever what it holds changes (`pid_file_reader.ts`), and reports; the core decides
 * what any of it means.
 *
 * One periodic wake-up every `MAIN_WATCH_PERIOD_MS` does both, from the shell's one timer
 * queue, and only while there is something to watch: a process, or a PID file. An idle sidecar
 * without either has no wake-up at all. Each wake-up costs one `poll()` on the pidfd (about
 * 1 µs) and one read of the PID file (a few `openat()`, two `statx()`, one `read()`: about
 * 50 µs, 17 µs at best, on a loaded 2-core machine), read again only when it changed: at 4
 * wake-ups a second, about 0.02 % of a core (bench/main_watch.bench.ts).
 *
 * The PID file is compared by what it holds, not by its times: Deno reports times in whole
 * milliseconds, and a file rewritten in place with another PID of the same length within one
 * would look unchanged.
 *
 * @module
 */

import type { Input } from "../core/reducer.ts";
import type { PidFileRead } from "../core/pid_file.ts";
import type { Libc } from "./libc.ts";
import { readPidFile, readPidFileOnce } from "./pid_file_reader.ts";
import { type WatchedProcess, watchProcess } from "./pidfd.ts";
import type { Schedule } from "./schedule.ts";

/** How often the watched process and the PID file are looked at: an end is seen within it. */
export const MAIN_WATCH_PERIOD_MS = 250;

/** What the main watch needs. */
export interface MainWatchPorts {
  /** libc, or why it could not be loaded. */
  readonly libc: Libc | Error;
  /** `ADAPTER_UNIT_PID_FILE`, or `null`. */
  readonly pidFile: string | null;
  /** The shell's one timer queue. */
  readonly schedule: Schedule;
  /** Posts an input to the reducer. */
  readonly report: (input: Input) => void;
  /** Posts an input once the datagrams queued now have been judged (a process's end). */
  readonly reportAfterQueued: (input: Input) => void;
}

/** The running main watch. */
export interface MainWatch {
  /** Watches `pid` instead of any process before; reports `mainUnseen` when it cannot. */
  watch(pid: number): void;
  /** Stops watching the process. */
  unwatch(): void;
  /** Reads the PID file now and reports it (after `READY=1`). */
  readPidFile(): void;
  /** Stops everything: no more wake-ups, no more reports. */
  stop(): void;
}

/**
 * Starts the main watch. What the PID file holds at start is only remembered: a file left by an
 * earlier instance is read when the service says `READY=1`, or once it changes.
 */
export function startMainWatch(ports: MainWatchPorts): MainWatch {
  const { libc, pidFile, schedule, report, reportAfterQueued } = ports;
  let watched: WatchedProcess | undefined;
  let stopped = false;
  let cancelWake: (() => void) | undefined;

  const read = (): PidFileRead =>
    libc instanceof Error
      ? { problem: `cannot be read without libc: ${libc.message}` }
      : readPidFile(libc, pidFile!);
  const key = (result: PidFileRead) => JSON.stringify(result);
  // Without libc the file cannot be read safely, and a change would be reported for nothing.
  const polled = pidFile !== null && !(libc instanceof Error) ? { libc, pidFile } : undefined;
  let lastRead = polled ? key(read()) : "";

  const look = () => {
    if (watched?.hasEnded()) {
      const { pid } = watched;
      watched.close();
      watched = undefined;
      reportAfterQueued({ kind: "mainExited", pid });
    }
    // One read tells that nothing changed, the common case; a change is read until it agrees.
    if (polled && key(readPidFileOnce(polled.libc, polled.pidFile)) !== lastRead) {
      const result = read();
      const now = key(result);
      if (now !== lastRead) {
        lastRead = now;
        report({ kind: "pidFile", cause: "change", read: result });
      }
    }
  };
  const wake = () => {
    cancelWake = undefined;
    if (stopped) return;
    // Whatever went wrong (a bug: it reaches the core as "failed"), the next look still comes.
    try {
      look();
    } finally {
      keepWaking();
    }
  };
  const keepWaking = () => {
    if (stopped || cancelWake !== undefined || (watched === undefined && !polled)) return;
    cancelWake = schedule(MAIN_WATCH_PERIOD_MS, wake);
  };
  const unwatch = () => {
    watched?.close();
    watched = undefined;
  };

  keepWaking();
  return {
    watch(pid) {
      unwatch();
      if (stopped) return;
      if (libc instanceof Error) {
        return report({
          kind: "mainUnseen",
          pid,
          reason: "error",
          detail: `libc not loaded (${libc.message})`,
        });
      }
      const opened = watchProcess(libc, pid);
      if ("hasEnded" in opened) {
        watched = opened;
        keepWaking();
      } else report({ kind: "mainUnseen", pid, reason: opened.reason, detail: opened.detail });
    },
    unwatch,
    readPidFile() {
      if (stopped || pidFile === null) return;
      const result = read();
      lastRead = key(result);
      report({ kind: "pidFile", cause: "READY=1", read: result });
    },
    stop() {
      stopped = true;
      cancelWake?.();
      cancelWake = undefined;
      unwatch();
    },
  };
}
