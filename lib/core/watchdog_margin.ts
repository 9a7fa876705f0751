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
// times slower (27 ns against 520 ns an observation, `deno bench`), and every fold does both.
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

/** Measured pings that the histograms do not count yet, newest first. */
export interface UnfoldedPings {
  /** The newest of them. */
  readonly ping: MeasuredPing;
  /** The ones before it; `null` after the oldest. */
  readonly earlier: UnfoldedPings | null;
}

/**
 * What the adapter measured of the pings, and where it measures the next one from. The
 * histograms are counted FOLD_EVERY pings at a time: the pings since are kept as they came, in
 * `unfolded`, and `histogramsOf` counts them too.
 */
export interface WatchdogMargin {
  /**
   * Monotonic milliseconds at which the watchdog last started; `null` when the next ping will
   * not be measured (no watchdog, never started, or stopped on purpose).
   */
  readonly since: number | null;
  /** The last measured ping; `null` before any. */
  readonly last: MeasuredPing | null;
  /** The measured pings that `interval` and `margin` do not count yet; `null` when none. */
  readonly unfolded: UnfoldedPings | null;
  /** How many pings `unfolded` holds, at most FOLD_EVERY - 1. */
  readonly unfoldedCount: number;
  /**
   * Time since the watchdog last started, over the timeout, at each measured ping before
   * `unfolded`.
   */
  readonly interval: RatioHistogram;
  /** Time left before the deadline, over the timeout, at each measured ping before `unfolded`. */
  readonly margin: RatioHistogram;
}

/**
 * How many measured pings are counted into the histograms at once: a ping that copied both
 * bucket arrays allocated 514 B, one kept as it came 281 B, and `histogramsOf` walks at most 31
 * of them when `/metrics` is scraped (the figures for the whole step: counters.ts).
 */
export const FOLD_EVERY = 32;

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
  unfolded: null,
  unfoldedCount: 0,
  interval: EMPTY_HISTOGRAM,
  margin: EMPTY_HISTOGRAM,
});

function bucketOf(ratio: number): number {
  let bucket = 0;
  while (bucket < WATCHDOG_RATIO_BOUNDS.length && ratio > WATCHDOG_RATIO_BOUNDS[bucket]) bucket++;
  return bucket;
}

/**
 * Both histograms with every measured ping counted, the unfolded ones included: what
 * `/metrics` shows. The sums add the ratios in the order the pings came.
 *
 * @example Two pings of a 10 s watchdog, neither folded yet
 * ```ts
 * import assert from "node:assert/strict";
 * import { histogramsOf, NO_WATCHDOG_MARGIN } from "./watchdog_margin.ts";
 *
 * const first = { intervalMs: 5_000, marginMs: 5_000, timeoutMs: 10_000 };
 * const second = { intervalMs: 9_200, marginMs: 800, timeoutMs: 10_000 };
 * const { interval, margin } = histogramsOf({
 *   ...NO_WATCHDOG_MARGIN,
 *   unfolded: { ping: second, earlier: { ping: first, earlier: null } },
 *   unfoldedCount: 2,
 * });
 * assert.deepEqual(interval.counts, [0, 0, 0, 0, 1, 0, 0, 1, 0, 0]);
 * assert.deepEqual(margin.counts, [0, 0, 1, 0, 1, 0, 0, 0, 0, 0]);
 * assert.equal(interval.sum, 0.5 + 0.92);
 * ```
 */
export function histogramsOf(
  watchdogMargin: WatchdogMargin,
): { readonly interval: RatioHistogram; readonly margin: RatioHistogram } {
  const { unfolded, interval, margin } = watchdogMargin;
  if (unfolded === null) return { interval, margin };
  const pings: MeasuredPing[] = [];
  for (let node: UnfoldedPings | null = unfolded; node !== null; node = node.earlier) {
    pings.push(node.ping);
  }
  const intervalCounts = interval.counts.slice();
  const marginCounts = margin.counts.slice();
  let intervalSum = interval.sum;
  let marginSum = margin.sum;
  for (let index = pings.length - 1; index >= 0; index--) {
    const { intervalMs, marginMs, timeoutMs } = pings[index];
    const intervalRatio = intervalMs / timeoutMs;
    const marginRatio = marginMs / timeoutMs;
    intervalCounts[bucketOf(intervalRatio)]++;
    marginCounts[bucketOf(marginRatio)]++;
    intervalSum += intervalRatio;
    marginSum += marginRatio;
  }
  return {
    interval: { counts: intervalCounts, sum: intervalSum },
    margin: { counts: marginCounts, sum: marginSum },
  };
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
  const last: MeasuredPing = { intervalMs, marginMs, timeoutMs };
  const unfolded: UnfoldedPings = { ping: last, earlier: watchdogMargin.unfolded };
  const unfoldedCount = watchdogMargin.unfoldedCount + 1;
  if (unfoldedCount < FOLD_EVERY) {
    target.watchdogMargin = {
      since: now,
      last,
      unfolded,
      unfoldedCount,
      interval: watchdogMargin.interval,
      margin: watchdogMargin.margin,
    };
    return;
  }
  const { interval, margin } = histogramsOf({ ...watchdogMargin, unfolded });
  target.watchdogMargin = { since: now, last, unfolded: null, unfoldedCount: 0, interval, margin };
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
