/**
 * Effects: what the reducer asks the shell to do, as plain data the tests compare with
 * `deepEqual`. The shell carries them out in one exhaustive `switch`.
 *
 * @module
 */

import type { SignalName } from "./signals.ts";

/** Severity of a log record, as the logger names it. */
export type LogLevel = "info" | "warning" | "error";

/** The structured fields of a log record, written at the top level of its JSON line. */
export type LogFields = Readonly<Record<string, unknown>>;

/** One thing for the shell to do. */
export type Effect =
  /** Write these accepted lines, in order, one per line, to stdout (behaviour §6). */
  | { readonly kind: "echo"; readonly lines: readonly string[] }
  /** Write one structured record to the log (behaviour §6). */
  | {
    readonly kind: "log";
    readonly level: LogLevel;
    readonly message: string;
    readonly fields: LogFields;
  }
  /** Set the one timer to this monotonic time, or cancel it (`null`). */
  | { readonly kind: "armTimer"; readonly at: number | null }
  /** Wrapper mode: start `COMMAND` (behaviour §9.1); the shell answers `spawned` or `spawnFailed`. */
  | { readonly kind: "spawn"; readonly command: readonly string[] }
  /** Wrapper mode: send the main process this signal (behaviour §9.2–§9.4). */
  | { readonly kind: "signalChild"; readonly signal: SignalName; readonly reason: string }
  /**
   * Watch the process `pid`, a learned main process (behaviour §11), instead of any watched
   * before; the shell answers `mainUnseen` when it cannot, `mainExited` once it ends.
   */
  | { readonly kind: "watchMain"; readonly pid: number }
  /** Stop watching the learned main process: the child is the main process again. */
  | { readonly kind: "unwatchMain" }
  /** Read `ADAPTER_UNIT_PID_FILE` now; the shell answers `pidFile`. */
  | { readonly kind: "readPidFile" }
  /** Shutdown began: close the socket and stop the HTTP server (behaviour §7.2). */
  | { readonly kind: "shutdown" }
  /** Wrapper mode: write the termination message over the file at `path` (behaviour §9.5). */
  | { readonly kind: "writeTerminationMessage"; readonly path: string; readonly text: string }
  /**
   * Flush the outputs and exit with this status (behaviour §7.2, §7.4); `startupFailure` is
   * the failure to start `COMMAND`, written even with `ADAPTER_LOG=false`.
   */
  | {
    readonly kind: "exit";
    readonly exitStatus: number;
    readonly startupFailure: string | null;
  };
