/**
 * The native one-shot timer behind `Schedule`. Deno 2.9.6's global `setTimeout` is Node's
 * implementation, whose first call costs milliseconds and megabytes of start-up (measured on
 * a shared 2-core machine: the call itself 6 ms, a whole `deno run` 5.1 ms longer and 3.6 MB
 * more RSS from /proc/self/status, median and mean of 30 runs; `AbortSignal.timeout` 0.35 ms
 * and 0.2 MB). An `AbortSignal.timeout` is Deno's own timer. It cannot be cancelled: it
 * fires in its time whatever happens, and firing builds a `DOMException` with a stack trace.
 * It keeps the process alive only while its signal has an `abort` listener, though, so a timer
 * nobody waits for any more lets the process end. Taking the listener off and putting it back
 * adds 0.45 µs to a schedule-and-cancel pair when nothing else waits (0.3 → 0.75 µs).
 *
 * The reader's bounded output wait schedules and cancels a timer every few datagrams of a
 * flood, so callbacks wait in a queue here, and one native timer at a time keeps the process
 * alive, for the earliest of them: a callback cancelled before its time costs no timer at all.
 * Once no callback waits, the armed timer loses its listener, and with it its hold on the
 * process (a `notify` or `probe` that is done ends at once); a later callback due no sooner
 * than it takes it back, which costs no new timer either.
 *
 * @module
 */

/** Schedules `fire` after `delayMs`; returns how to cancel it. */
export type Schedule = (delayMs: number, fire: () => void) => () => void;

interface Entry {
  readonly at: number;
  readonly fire: () => void;
  cancelled: boolean;
}

/** A native timer, and whether its listener is on (it then keeps the process alive). */
interface Armed {
  readonly at: number;
  readonly signal: AbortSignal;
  readonly onAbort: () => void;
  held: boolean;
}

// Pending callbacks in deadline order (ties in the order scheduled); a handful at most.
const queue: Entry[] = [];
// The native timer for the earliest deadline; none once it has fired.
let armed: Armed | undefined;

function hold(timer: Armed): void {
  if (timer.held) return;
  timer.held = true;
  timer.signal.addEventListener("abort", timer.onAbort, { once: true });
}

function release(timer: Armed): void {
  if (!timer.held) return;
  timer.held = false;
  timer.signal.removeEventListener("abort", timer.onAbort);
}

function fired(timer: Armed): void {
  timer.held = false;
  if (armed === timer) armed = undefined;
  const now = performance.now();
  while (queue.length > 0 && (queue[0].cancelled || queue[0].at <= now)) {
    const entry = queue.shift()!;
    if (entry.cancelled) continue;
    // As if each callback had its own timer: one that throws does not hold up the others.
    try {
      entry.fire();
    } catch (error) {
      reportError(error);
    }
  }
  arm();
}

function arm(): void {
  while (queue.length > 0 && queue[0].cancelled) queue.shift();
  if (queue.length === 0) return;
  const at = queue[0].at;
  // A timer that fired while released has nothing more to give.
  if (armed?.signal.aborted) armed = undefined;
  if (armed !== undefined && armed.at <= at) return hold(armed);
  // An earlier deadline: the later timer lets go, and fires into nothing.
  if (armed !== undefined) release(armed);
  const signal = AbortSignal.timeout(Math.max(0, Math.ceil(at - performance.now())));
  const timer: Armed = { at, signal, onAbort: () => fired(timer), held: false };
  armed = timer;
  hold(timer);
}

/**
 * Runs `fire` after `delayMs` milliseconds unless cancelled; keeps the process alive until
 * then, and no longer once cancelled.
 *
 * @example A cancelled callback never runs
 * ```ts
 * import assert from "node:assert/strict";
 * import { schedule, sleep } from "./schedule.ts";
 *
 * const fired: string[] = [];
 * const cancel = schedule(10, () => fired.push("cancelled"));
 * schedule(20, () => fired.push("kept"));
 * cancel();
 * await sleep(40);
 * assert.deepEqual(fired, ["kept"]);
 * ```
 */
export const schedule: Schedule = (delayMs, fire): () => void => {
  const entry: Entry = { at: performance.now() + delayMs, fire, cancelled: false };
  let index = queue.length;
  while (index > 0 && queue[index - 1].at > entry.at) index--;
  queue.splice(index, 0, entry);
  arm();
  return () => {
    if (entry.cancelled) return;
    entry.cancelled = true;
    // The common case, a wait that ended at once: the newest entry goes at once. A queue
    // whose last entry is live still has a callback to keep the process alive for.
    while (queue.length > 0 && queue[queue.length - 1].cancelled) queue.pop();
    if (queue.length === 0 && armed !== undefined) release(armed);
  };
};

/** Resolves after `delayMs` milliseconds. */
export function sleep(delayMs: number): Promise<void> {
  return new Promise((resolve) => schedule(delayMs, resolve));
}
