/**
 * The native one-shot timer behind `Schedule`. Deno 2.9.6's global `setTimeout` is Node's
 * implementation, whose first call costs milliseconds and megabytes of start-up; an
 * `AbortSignal.timeout` is Deno's own timer. It cannot be cancelled, though: removing its
 * listener leaves the timer to fire, and firing builds a `DOMException` with a stack trace.
 * The reader's bounded output wait schedules and cancels a timer every few datagrams of a
 * flood, so callbacks wait in a queue here, and one native timer at a time is armed, for the
 * earliest of them: a callback cancelled before its time costs no timer at all.
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

// Pending callbacks in deadline order (ties in the order scheduled); a handful at most.
const queue: Entry[] = [];
// The deadline of the earliest native timer armed, Infinity when none is.
let armedAt = Number.POSITIVE_INFINITY;

function arm(): void {
  while (queue.length > 0 && queue[0].cancelled) queue.shift();
  if (queue.length === 0) return;
  const at = queue[0].at;
  if (at >= armedAt) return;
  armedAt = at;
  AbortSignal.timeout(Math.max(0, Math.ceil(at - performance.now()))).addEventListener(
    "abort",
    () => {
      if (armedAt === at) armedAt = Number.POSITIVE_INFINITY;
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
    },
    { once: true },
  );
}

/** Runs `fire` after `delayMs` milliseconds unless cancelled; keeps the process alive meanwhile. */
export const schedule: Schedule = (delayMs, fire): () => void => {
  const entry: Entry = { at: performance.now() + delayMs, fire, cancelled: false };
  let index = queue.length;
  while (index > 0 && queue[index - 1].at > entry.at) index--;
  queue.splice(index, 0, entry);
  arm();
  return () => {
    if (entry.cancelled) return;
    entry.cancelled = true;
    // The common case, a wait that ended at once: the newest entry goes at once.
    if (queue[queue.length - 1] === entry) queue.pop();
  };
};

/** Resolves after `delayMs` milliseconds. */
export function sleep(delayMs: number): Promise<void> {
  return new Promise((resolve) => schedule(delayMs, resolve));
}
