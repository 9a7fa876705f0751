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
  /** Wrapper mode: send the service process this signal (behaviour §9). */
  | { readonly kind: "signalChild"; readonly signal: SignalName; readonly reason: string }
  /** Shut down gracefully (behaviour §7) and exit with this status. */
  | { readonly kind: "shutdown"; readonly exitStatus: number; readonly reason: string };
