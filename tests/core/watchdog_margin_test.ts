// The watchdog margin (behaviour §4.6), through the reducer with explicit times.
import assert from "node:assert/strict";
import type { AdapterState } from "../../lib/core/reducer.ts";
import {
  FOLD_EVERY,
  histogramsOf,
  NO_WATCHDOG_MARGIN,
  WATCHDOG_RATIO_BOUNDS,
} from "../../lib/core/watchdog_margin.ts";
import { running, send as sendAt, tick } from "../helpers/reducer_fixtures.ts";

const send = (state: AdapterState, text: string, now: number) => sendAt(state, text, now).state;

/** A 10 s watchdog, no start timer, READY=1 at 1 s: the watchdog runs from 1 s. */
function ready(env: Record<string, string> = {}): AdapterState {
  const base = { ADAPTER_UNIT_WATCHDOG_SEC: "10", ADAPTER_UNIT_TIMEOUT_START_SEC: "0", ...env };
  return send(running(base, 0), "READY=1", 1_000);
}

/** The bucket (by its bound, "+Inf" above the last) of each observation in a histogram. */
function observed(counts: readonly number[]): Record<string, number> {
  const found: Record<string, number> = {};
  counts.forEach((count, bucket) => {
    if (count > 0) found[String(WATCHDOG_RATIO_BOUNDS[bucket] ?? "+Inf")] = count;
  });
  return found;
}

Deno.test("`histogramsOf()` counts a ratio in the first bucket whose bound is at least it", () => {
  const cases: [number, string][] = [
    [0, "0"],
    [0.01, "0.05"],
    [0.05, "0.05"],
    [0.5, "0.5"],
    [0.5001, "0.75"],
    [0.95, "0.95"],
    [1, "1"],
    [1.0001, "+Inf"],
    [7, "+Inf"],
  ];
  for (const [ratio, bucket] of cases) {
    const ping = { intervalMs: ratio * 10_000, marginMs: 0, timeoutMs: 10_000 };
    const unfolded = { ping, earlier: null };
    const { interval } = histogramsOf({ ...NO_WATCHDOG_MARGIN, unfolded, unfoldedCount: 1 });
    assert.deepEqual(observed(interval.counts), { [bucket]: 1 }, String(ratio));
    assert.equal(interval.sum, ratio);
  }
  // The histograms it was given are left as they were.
  assert.deepEqual(observed(NO_WATCHDOG_MARGIN.interval.counts), {});
});

Deno.test("step() measures a ping from the READY=1 that armed the watchdog, and each ping from the one before", () => {
  let state = ready();
  assert.equal(state.watchdogMargin.since, 1_000);
  assert.equal(state.watchdogMargin.last, null);
  // A lone ping: the shortcut of step().
  state = send(state, "WATCHDOG=1", 6_000);
  assert.deepEqual(state.watchdogMargin.last, {
    intervalMs: 5_000,
    marginMs: 5_000,
    timeoutMs: 10_000,
  });
  // A ping with another line: the general path.
  state = send(state, "WATCHDOG=1\nSTATUS=busy", 15_000);
  assert.deepEqual(state.watchdogMargin.last, {
    intervalMs: 9_000,
    marginMs: 1_000,
    timeoutMs: 10_000,
  });
  state = send(state, "WATCHDOG=1", 17_500);
  assert.equal(state.watchdogMargin.since, 17_500);
  const { interval, margin } = histogramsOf(state.watchdogMargin);
  assert.deepEqual(observed(interval.counts), { "0.25": 1, "0.5": 1, "0.9": 1 });
  assert.deepEqual(observed(margin.counts), { "0.1": 1, "0.5": 1, "0.75": 1 });
  assert.equal(interval.sum, 0.5 + 0.9 + 0.25);
  assert.equal(margin.sum, 0.5 + 0.1 + 0.75);
});

Deno.test("step() counts the pings into the histograms 32 at a time, and `histogramsOf()` counts the rest", () => {
  assert.equal(FOLD_EVERY, 32);
  // Pings every 4.9 s, 5.1 s, 5.3 s, … of a 10 s watchdog, lone and with another line.
  let state = ready();
  let now = 1_000;
  let intervalSum = 0;
  for (let ping = 1; ping <= 70; ping++) {
    const intervalMs = 4_900 + 200 * (ping % 3);
    now += intervalMs;
    state = send(state, ping % 5 === 0 ? "WATCHDOG=1\nSTATUS=x" : "WATCHDOG=1", now);
    intervalSum += intervalMs / 10_000;
    const margin = state.watchdogMargin;
    assert.equal(margin.unfoldedCount, ping % FOLD_EVERY, `ping ${ping}`);
    assert.equal(margin.unfolded === null, ping % FOLD_EVERY === 0, `ping ${ping}`);
    const folded = margin.interval.counts.reduce((sum, count) => sum + count);
    assert.equal(folded, ping - (ping % FOLD_EVERY), `ping ${ping}`);
    const { interval } = histogramsOf(margin);
    assert.equal(interval.sum, intervalSum, `ping ${ping}`);
  }
  // 70 pings: 4.9 s (ratio 0.49, bucket 0.5; margin 0.51, bucket 0.75) at every third ping, 5.1
  // and 5.3 s (bucket 0.75; margins 0.49 and 0.47, bucket 0.5) at the others.
  const { interval, margin } = histogramsOf(state.watchdogMargin);
  assert.deepEqual(observed(interval.counts), { "0.5": 23, "0.75": 47 });
  assert.deepEqual(observed(margin.counts), { "0.5": 47, "0.75": 23 });
  assert.deepEqual(state.watchdogMargin.last, {
    intervalMs: 5_100,
    marginMs: 4_900,
    timeoutMs: 10_000,
  });
});

Deno.test("step() does not measure the ping that starts the watchdog, before READY=1", () => {
  const state = running({ ADAPTER_UNIT_WATCHDOG_SEC: "10" }, 0);
  const first = send(state, "WATCHDOG=1", 500);
  assert.equal(first.watchdogMargin.last, null);
  assert.equal(first.watchdogMargin.since, 500);
  const second = send(first, "WATCHDOG=1", 3_000);
  assert.deepEqual(second.watchdogMargin.last, {
    intervalMs: 2_500,
    marginMs: 7_500,
    timeoutMs: 10_000,
  });
});

Deno.test("step() measures the late ping after a watchdog timeout: no time left", () => {
  const expired = tick(ready(), 11_000).state;
  assert.equal(expired.watchdogDeadlineMs, null);
  assert.equal(expired.watchdogMargin.since, 1_000);
  const late = send(expired, "WATCHDOG=1", 13_000);
  assert.deepEqual(late.watchdogMargin.last, {
    intervalMs: 12_000,
    marginMs: 0,
    timeoutMs: 10_000,
  });
  const { interval, margin } = histogramsOf(late.watchdogMargin);
  assert.deepEqual(observed(margin.counts), { "0": 1 });
  assert.deepEqual(observed(interval.counts), { "+Inf": 1 });
  // Judged after its deadline (behaviour §4.5) but before the timer: no time left either.
  const judgedLate = send(ready(), "WATCHDOG=1", 11_004);
  assert.equal(judgedLate.watchdogMargin.last?.marginMs, 0);
});

Deno.test("step() does not measure the first ping after STOPPING=1 or WATCHDOG=trigger", () => {
  for (const stop of ["STOPPING=1", "WATCHDOG=trigger"]) {
    const stopped = send(ready(), stop, 2_000);
    assert.equal(stopped.watchdogMargin.since, null, stop);
    const restarted = send(stopped, "WATCHDOG=1", 4_000);
    assert.equal(restarted.watchdogMargin.last, null, stop);
    assert.equal(restarted.watchdogMargin.since, 4_000, stop);
  }
  // STOPPING=1 after a timeout stops it too: the next ping is a new start, not a late one.
  const expired = tick(ready(), 11_000).state;
  const stopped = send(expired, "STOPPING=1", 12_000);
  assert.equal(send(stopped, "WATCHDOG=1", 13_000).watchdogMargin.last, null);
});

Deno.test("step() measures against the timeout and deadline in force at the ping", () => {
  // WATCHDOG_USEC= arms from now with the new timeout: the next ping is measured from it.
  const changed = send(
    ready({ ADAPTER_ALLOW_MESSAGE_WATCHDOG_USEC: "true" }),
    "WATCHDOG_USEC=4000000",
    2_000,
  );
  assert.equal(changed.watchdogMargin.since, 2_000);
  assert.deepEqual(send(changed, "WATCHDOG=1", 5_000).watchdogMargin.last, {
    intervalMs: 3_000,
    marginMs: 1_000,
    timeoutMs: 4_000,
  });
  // WATCHDOG_USEC=0: no watchdog, nothing measured.
  const off = send(
    ready({ ADAPTER_ALLOW_MESSAGE_WATCHDOG_USEC: "true" }),
    "WATCHDOG_USEC=0",
    2_000,
  );
  assert.equal(off.watchdogMargin.since, null);
  assert.equal(send(off, "WATCHDOG=1", 3_000).watchdogMargin, off.watchdogMargin);
  // EXTEND_TIMEOUT_USEC= moves the deadline, not the start: more margin than the timeout.
  const extended = send(ready(), "EXTEND_TIMEOUT_USEC=30000000", 2_000);
  assert.deepEqual(send(extended, "WATCHDOG=1", 4_000).watchdogMargin.last, {
    intervalMs: 3_000,
    marginMs: 28_000,
    timeoutMs: 10_000,
  });
});

Deno.test("step() measures nothing without a watchdog, and keeps the same record", () => {
  const state = send(running({ ADAPTER_UNIT_TIMEOUT_START_SEC: "0" }, 0), "READY=1", 1_000);
  const pinged = send(send(state, "WATCHDOG=1", 2_000), "WATCHDOG=1\nSTATUS=x", 3_000);
  assert.equal(pinged.watchdogMargin, NO_WATCHDOG_MARGIN);
});

Deno.test("step() measures a ping in the datagram of the READY=1 that arms the watchdog at interval 0", () => {
  // READY=1 is applied before WATCHDOG=1 whatever their order (behaviour §2.4).
  const state = running(
    { ADAPTER_UNIT_WATCHDOG_SEC: "10", ADAPTER_UNIT_TIMEOUT_START_SEC: "0" },
    0,
  );
  const both = send(state, "WATCHDOG=1\nREADY=1", 1_000);
  assert.deepEqual(both.watchdogMargin.last, {
    intervalMs: 0,
    marginMs: 10_000,
    timeoutMs: 10_000,
  });
});
