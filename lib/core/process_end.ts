/**
 * How a process ended (behaviour §7.4, §9.4): the code it exited with, or the signal that ended
 * it, any signal from 1 to 64, real-time signals included; and the exit status a shell reports
 * for it, which the adapter passes on: the code, or 128 + the signal's number.
 *
 * @module
 */

import { SIGNAL_NUMBERS, type SignalName, signalName } from "./signals.ts";

/** A process's end: it exited with `code`, or `signal` (its number) ended it. */
export type ProcessEnd =
  | { readonly kind: "exited"; readonly code: number }
  | { readonly kind: "killed"; readonly signal: number };

/**
 * The end a runtime reports as an exit code and a signal name (Deno's `ChildProcess.status`).
 * A name without a Linux number keeps the runtime's code, which is already 128 + its number.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { processEnd } from "./process_end.ts";
 *
 * assert.deepEqual(processEnd(3, null), { kind: "exited", code: 3 });
 * assert.deepEqual(processEnd(143, "SIGTERM"), { kind: "killed", signal: 15 });
 * ```
 */
export function processEnd(code: number, signal: SignalName | null): ProcessEnd {
  if (signal === null) return { kind: "exited", code };
  return { kind: "killed", signal: SIGNAL_NUMBERS[signal] ?? code - 128 };
}

/**
 * The exit status a shell reports for `end`: the code, or 128 + the signal's number.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { exitStatusOf } from "./process_end.ts";
 *
 * assert.equal(exitStatusOf({ kind: "exited", code: 7 }), 7);
 * assert.equal(exitStatusOf({ kind: "killed", signal: 36 }), 164);
 * ```
 */
export function exitStatusOf(end: ProcessEnd): number {
  return end.kind === "exited" ? end.code : 128 + end.signal;
}

/**
 * Why the adapter stops when its child ended so, as the log's `reason` says it.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { endReason } from "./process_end.ts";
 *
 * assert.equal(endReason({ kind: "exited", code: 0 }), "child exited with status 0");
 * assert.equal(endReason({ kind: "killed", signal: 6 }), "child killed by SIGABRT");
 * ```
 */
export function endReason(end: ProcessEnd): string {
  return end.kind === "exited"
    ? `child exited with status ${end.code}`
    : `child killed by ${signalName(end.signal)}`;
}

/**
 * How the service ended, for a person: `exited with status 3`, `ended by SIGABRT (exit status
 * 134)`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeEnd } from "./process_end.ts";
 *
 * assert.equal(describeEnd({ kind: "killed", signal: 36 }), "ended by SIGRTMIN+2 (exit status 164)");
 * ```
 */
export function describeEnd(end: ProcessEnd): string {
  return end.kind === "exited"
    ? `exited with status ${end.code}`
    : `ended by ${signalName(end.signal)} (exit status ${exitStatusOf(end)})`;
}
