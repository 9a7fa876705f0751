/**
 * The clocks an answer is rendered with (behaviour §5): wall time for timestamps, monotonic
 * time for deadlines, and the wall time at which monotonic time began, for start times.
 *
 * @module
 */

/** The clocks at the time of a request, in milliseconds. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  readonly wall: number;
  /** Monotonic milliseconds, the reducer's clock. */
  readonly monotonic: number;
  /**
   * Unix milliseconds at monotonic 0 (the process's `performance.timeOrigin`). Fixed for the
   * process, so a start time derived from it never moves, whatever the wall clock does; one
   * derived from `wall` would change a little at every scrape.
   */
  readonly origin: number;
}
