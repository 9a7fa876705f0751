/**
 * The one timer: wakes the adapter at the earliest deadline the reducer armed (behaviour §4).
 * Native timers take at most a signed 32-bit delay, so later deadlines are reached in hops;
 * a later deadline needs no new timer, since the earlier wake-up finds nothing due and the
 * reducer arms the next one.
 *
 * @module
 */

import type { Schedule } from "./schedule.ts";

const MAX_DELAY_MS = 2 ** 31 - 1;

/** A one-shot timer for monotonic deadlines. */
export class DeadlineTimer {
  #now: () => number;
  #schedule: Schedule;
  #onDue: () => void;
  #at: number | null = null;
  #cancel: (() => void) | undefined;

  /** `onDue` runs once the armed deadline is reached on the monotonic clock `now`. */
  constructor(now: () => number, schedule: Schedule, onDue: () => void) {
    this.#now = now;
    this.#schedule = schedule;
    this.#onDue = onDue;
  }

  /** The armed deadline, if any. */
  get at(): number | null {
    return this.#at;
  }

  /** Arms the timer for `at`, or cancels it (`null`). */
  arm(at: number | null): void {
    if (at !== null && this.#at !== null && this.#at <= at) return;
    this.#cancel?.();
    this.#cancel = undefined;
    this.#at = at;
    if (at !== null) this.#wait(at);
  }

  #wait(at: number) {
    // Not rounded: schedule() rounds up once, for its native millisecond timer, so the wake-up
    // is never before the deadline. Rounded here too, a wake-up came up to 1 ms later still.
    const delay = Math.min(MAX_DELAY_MS, Math.max(0, at - this.#now()));
    this.#cancel = this.#schedule(delay, () => {
      this.#cancel = undefined;
      if (this.#now() < at) return this.#wait(at);
      this.#at = null;
      this.#onDue();
    });
  }
}
