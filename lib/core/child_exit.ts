/**
 * How a wrapped command's end becomes the adapter's exit status (behaviour §8): its own
 * status, or 128 + the signal number when a signal ended it, as a shell reports it.
 *
 * @module
 */

import { signalExitStatus, type SignalName } from "./signals.ts";

/** A child's end as `Deno.ChildProcess.status` reports it. */
export interface ChildStatus {
  /** The exit code; for a signal, Deno's 128 + its number. */
  readonly code: number;
  /** The signal that ended the child, or `null` when it exited. */
  readonly signal: SignalName | null;
}

/** The exit status the adapter ends with, and the reason it logs. */
export interface ChildExit {
  /** The child's own status, or 128 + the number of the signal that ended it. */
  readonly exitStatus: number;
  /** How the child ended, for the log: `child exited with status 3`. */
  readonly reason: string;
}

/**
 * The adapter's exit status for a child that ended with `status`, and why.
 *
 * @example A child ended by a signal
 * ```ts
 * import assert from "node:assert/strict";
 * import { childExit } from "./child_exit.ts";
 *
 * assert.deepEqual(childExit({ code: 134, signal: "SIGABRT" }), {
 *   exitStatus: 134,
 *   reason: "child killed by SIGABRT",
 * });
 * ```
 */
export function childExit({ code, signal }: ChildStatus): ChildExit {
  if (signal === null) return { exitStatus: code, reason: `child exited with status ${code}` };
  // An unknown name keeps the code Deno computed, which is already 128 + the number.
  return { exitStatus: signalExitStatus(signal) ?? code, reason: `child killed by ${signal}` };
}
