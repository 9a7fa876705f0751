/**
 * A fake monotonic clock and timer queue for the shell's in-process tests: time moves only
 * when the test says so, and scheduled callbacks run in deadline order as it passes.
 *
 * @module
 */

interface Scheduled {
  readonly at: number;
  readonly fire: () => void;
  cancelled: boolean;
}

/** Monotonic milliseconds under the test's control. */
export class FakeClock {
  #now: number;
  #queue: Scheduled[] = [];
  /** Every delay ever scheduled, in order. */
  readonly delays: number[] = [];

  constructor(start = 0) {
    this.#now = start;
  }

  /** The current time; bound, so it can be passed around as a function. */
  readonly now = (): number => this.#now;

  /** Schedules `fire` after `delayMs`; bound, in the shape of `Schedule`. */
  readonly schedule = (delayMs: number, fire: () => void): () => void => {
    const entry = { at: this.#now + delayMs, fire, cancelled: false };
    this.delays.push(delayMs);
    this.#queue.push(entry);
    return () => entry.cancelled = true;
  };

  /** Callbacks scheduled and neither run nor cancelled. */
  get pending(): number {
    return this.#queue.filter((entry) => !entry.cancelled).length;
  }

  /** Moves time to `at`, running what falls due on the way, earliest first. */
  advanceTo(at: number): void {
    while (true) {
      const due = this.#queue
        .filter((entry) => !entry.cancelled && entry.at <= at)
        .sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.#queue = this.#queue.filter((entry) => entry !== due);
      this.#now = Math.max(this.#now, due.at);
      due.fire();
    }
    this.#now = Math.max(this.#now, at);
    this.#queue = this.#queue.filter((entry) => !entry.cancelled);
  }
}
