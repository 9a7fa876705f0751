/**
 * Effects: what the reducer asks the shell to do, as plain data the tests compare with
 * `deepEqual`. The shell carries them out in one exhaustive `switch`.
 *
 * @module
 */

/** Severity of a log record, as the logger names it. */
export type LogLevel = "debug" | "info" | "warning" | "error";

/** One thing for the shell to do. */
export type Effect =
  /** Write these accepted lines, in order, one per line, to stdout (SPEC §6). */
  | { readonly kind: "echo"; readonly lines: readonly string[] }
  /** Write one structured record to the log (SPEC §6). */
  | {
    readonly kind: "log";
    readonly level: LogLevel;
    readonly message: string;
    readonly fields: Readonly<Record<string, unknown>>;
  }
  /** Set the one timer to this monotonic time, or cancel it (`null`). */
  | { readonly kind: "armTimer"; readonly at: number | null }
  /** Shut down gracefully (SPEC §7) and exit with this status. */
  | { readonly kind: "shutdown"; readonly exitStatus: number; readonly reason: string };
