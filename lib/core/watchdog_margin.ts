/**
 * How close a service runs to its watchdog deadline (behaviour §4.6), the figure that predicts
 * a false restart and that systemd does not expose: at each `WATCHDOG=1`, the time since the
 * watchdog last started and the time that was left before its deadline, each as a fraction of
 * the timeout, counted in two histograms for `/metrics`, the last ones kept for `/status`.
 *
 * The watchdog "last started" as systemd's `watchdog_timestamp` does: at the previous
 * `WATCHDOG=1`, or at the `READY=1` or `WATCHDOG_USEC=` that armed it. `STOPPING=1`,
 * `WATCHDOG=trigger` and `WATCHDOG_USEC=0` stop it on purpose: the ping after them starts it
 * again and is not measured. An expiry does not: the late ping after it is measured, with no
 * time left.
 *
 * @module
 */

import type { Draft, StateCopy } from "./draft.ts";

/**
 * The buckets' upper bounds (`le`), as fractions of the watchdog timeout, the same for both
 * histograms. Fractions rather than seconds: timeouts differ from service to service and can
 * change at run time (`WATCHDOG_USEC=`), while Prometheus needs fixed bounds; a fraction means
 * the same for every service. sd_watchdog_enabled(3) advises a ping every half timeout and
 * sd-event pings between 1/2 and 3/4 of it, so a healthy service sits around 0.5; the bounds
 * are finer towards the deadline (0.9, 0.95, 1), where false restarts come from, and symmetric
 * about 0.5, so that an interval bound pairs with a margin bound (an interval ≤ 0.9 of the
 * timeout is a margin ≥ 0.1 of it, unless `EXTEND_TIMEOUT_USEC=` moved the deadline). A margin
 * of 0 is a ping that came after the deadline; an interval above 1, the same ping.
 */
// Not frozen, nor the bucket arrays: V8 reads a frozen array 2.5 times slower and copies it 20
// times slower (27 ns against 520 ns an observation, `deno bench`), and every ping does both.
export const WATCHDOG_RATIO_BOUNDS: readonly number[] = [
  0,
  0.05,
  0.1,
  0.25,
  0.5,
  0.75,
  0.9,
  0.95,
  1,
];

/** Observed fractions, counted by bucket of `WATCHDOG_RATIO_BOUNDS`, and their sum. */
export interface RatioHistogram {
  /**
   * Observations per bucket, not cumulative: `counts[i]` those above bound i - 1 and at most
   * bound i; the last entry, those above every bound.
   */
  readonly counts: readonly number[];
  /** The sum of the observed fractions. */
  readonly sum: number;
}

/** One measured ping, in milliseconds. */
export interface MeasuredPing {
  /** Since the watchdog last started. */
  readonly intervalMs: number;
  /** Left before the deadline; 0 when it had passed. */
  readonly marginMs: number;
  /** The watchdog timeout in force at the ping. */
  readonly timeoutMs: number;
}

/** What the adapter measured of the pings, and where it measures the next one from. */
export interface WatchdogMargin {
  /**
   * Monotonic milliseconds at which the watchdog last started; `null` when the next ping will
   * not be measured (no watchdog, never started, or stopped on purpose).
   */
  readonly since: number | null;
  /** The last measured ping; `null` before any. */
  readonly last: MeasuredPing | null;
  /** Time since the watchdog last started, over the timeout, at each measured ping. */
  readonly interval: RatioHistogram;
  /** Time left before the deadline, over the timeout, at each measured ping. */
  readonly margin: RatioHistogram;
}

const EMPTY_HISTOGRAM: RatioHistogram = Object.freeze({
  counts: WATCHDOG_RATIO_BOUNDS.map(() => 0).concat(0),
  sum: 0,
});

/**
 * Nothing measured yet: the start of every adapter.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { NO_WATCHDOG_MARGIN, WATCHDOG_RATIO_BOUNDS } from "./watchdog_margin.ts";
 *
 * assert.equal(NO_WATCHDOG_MARGIN.last, null);
 * assert.equal(NO_WATCHDOG_MARGIN.margin.counts.length, WATCHDOG_RATIO_BOUNDS.length + 1);
 * ```
 */
export const NO_WATCHDOG_MARGIN: WatchdogMargin = Object.freeze({
  since: null,
  last: null,
  interval: EMPTY_HISTOGRAM,
  margin: EMPTY_HISTOGRAM,
});

/**
 * The histogram with one more observation. Copies the bucket array, so that no earlier state
 * changes (the lone-ping shortcut and the general path are run on the same state by a
 * property test, and must give the same).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { NO_WATCHDOG_MARGIN, observeRatio } from "./watchdog_margin.ts";
 *
 * const histogram = observeRatio(NO_WATCHDOG_MARGIN.interval, 0.5);
 * assert.deepEqual(histogram.counts, [0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
 * assert.equal(histogram.sum, 0.5);
 * assert.equal(observeRatio(histogram, 1.5).counts[9], 1);
 * ```
 */
export function observeRatio(histogram: RatioHistogram, ratio: number): RatioHistogram {
  let bucket = 0;
  while (bucket < WATCHDOG_RATIO_BOUNDS.length && ratio > WATCHDOG_RATIO_BOUNDS[bucket]) bucket++;
  const counts = histogram.counts.slice();
  counts[bucket]++;
  return { counts, sum: histogram.sum + ratio };
}

/**
 * Measures a `WATCHDOG=1` at `now`, before it re-arms the watchdog: reads the deadline it met,
 * and starts the watchdog's clock from now. The one call both the general path and the
 * shortcut for a lone ping make. Without a watchdog it does nothing.
 *
 * @example A ping 6 s into a 10 s watchdog, 4 s before the deadline
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * import { NO_WATCHDOG_MARGIN, observeWatchdogPing } from "./watchdog_margin.ts";
 *
 * const { config } = parseConfig({ ADAPTER_UNIT_WATCHDOG_SEC: "10s" });
 * const state = {
 *   ...initialState(config),
 *   watchdogDeadlineMs: 11_000,
 *   watchdogMargin: { ...NO_WATCHDOG_MARGIN, since: 1_000 },
 * };
 * const draft = draftOf(state, 7_000);
 * observeWatchdogPing(draft, draft.now);
 * assert.deepEqual(draft.watchdogMargin.last, { intervalMs: 6_000, marginMs: 4_000, timeoutMs: 10_000 });
 * assert.equal(draft.watchdogMargin.since, 7_000);
 * ```
 */
export function observeWatchdogPing(target: StateCopy, now: number): void {
  // Its cost, by `deno bench bench/reducer.bench.ts` against the code before it (median of the
  // minimum of 5 interleaved runs): a lone WATCHDOG=1 with the watchdog armed, 129 → 174 ns;
  // with no watchdog, 118 → 122 ns. One array for both histograms saves about 15 ns more.
  const { watchdogTimeoutMs: timeoutMs, watchdogDeadlineMs: deadline, watchdogMargin } = target;
  if (timeoutMs === 0) return;
  const { since } = watchdogMargin;
  if (since === null) {
    target.watchdogMargin = { ...watchdogMargin, since: now };
    return;
  }
  const intervalMs = now - since;
  // No deadline while the watchdog has a clock: it expired, and this ping came too late.
  const marginMs = deadline === null ? 0 : Math.max(0, deadline - now);
  target.watchdogMargin = {
    since: now,
    last: { intervalMs, marginMs, timeoutMs },
    interval: observeRatio(watchdogMargin.interval, intervalMs / timeoutMs),
    margin: observeRatio(watchdogMargin.margin, marginMs / timeoutMs),
  };
}

/**
 * `READY=1` or `WATCHDOG_USEC=` armed the watchdog: the next ping is measured from now.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * import { measureFromNow } from "./watchdog_margin.ts";
 *
 * const { config } = parseConfig({ ADAPTER_UNIT_WATCHDOG_SEC: "10s" });
 * const draft = draftOf(initialState(config), 2_000);
 * measureFromNow(draft);
 * assert.equal(draft.watchdogMargin.since, 2_000);
 * ```
 */
export function measureFromNow(draft: Draft): void {
  const since = draft.watchdogTimeoutMs === 0 ? null : draft.now;
  if (draft.watchdogMargin.since !== since) {
    draft.watchdogMargin = { ...draft.watchdogMargin, since };
  }
}

/**
 * The watchdog was stopped on purpose (`STOPPING=1`, `WATCHDOG=trigger`, `WATCHDOG_USEC=0`):
 * the next ping starts it again, and is not measured.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * import { NO_WATCHDOG_MARGIN, stopMeasuring } from "./watchdog_margin.ts";
 *
 * const state = { ...initialState(parseConfig({}).config), watchdogMargin: { ...NO_WATCHDOG_MARGIN, since: 1_000 } };
 * const draft = draftOf(state, 2_000);
 * stopMeasuring(draft);
 * assert.equal(draft.watchdogMargin.since, null);
 * ```
 */
export function stopMeasuring(draft: Draft): void {
  if (draft.watchdogMargin.since !== null) {
    draft.watchdogMargin = { ...draft.watchdogMargin, since: null };
  }
}
