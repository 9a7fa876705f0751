/**
 * The native one-shot timer behind `Schedule`. Deno 2.9.6's global `setTimeout` is Node's
 * implementation, whose first call costs milliseconds and megabytes of start-up; an
 * `AbortSignal.timeout` is Deno's own timer, and removing its listener releases it.
 *
 * @module
 */

import type { Schedule } from "./deadline_timer.ts";

/** Runs `fire` after `delayMs` milliseconds unless cancelled; keeps the process alive meanwhile. */
export const schedule: Schedule = (delayMs, fire): () => void => {
  const signal = AbortSignal.timeout(delayMs);
  const onAbort = () => fire();
  signal.addEventListener("abort", onAbort, { once: true });
  return () => signal.removeEventListener("abort", onAbort);
};

/** Resolves after `delayMs` milliseconds. */
export function sleep(delayMs: number): Promise<void> {
  return new Promise((resolve) => schedule(delayMs, resolve));
}
