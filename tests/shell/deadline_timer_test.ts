import assert from "node:assert/strict";
import { DeadlineTimer } from "../../lib/shell/deadline_timer.ts";
import { FakeClock } from "../helpers/fake_clock.ts";

Deno.test("DeadlineTimer fires once at the deadline, never before", () => {
  const clock = new FakeClock(1_000);
  let fired = 0;
  const timer = new DeadlineTimer(clock.now, clock.schedule, () => fired++);
  timer.arm(1_250.5);
  // The delay as it is: schedule() rounds up, once, for its native timer.
  assert.deepEqual(clock.delays, [250.5]);
  clock.advanceTo(1_250);
  assert.equal(fired, 0);
  clock.advanceTo(1_251);
  assert.equal(fired, 1);
  assert.equal(timer.at, null);
  clock.advanceTo(5_000);
  assert.equal(fired, 1);
});

Deno.test("DeadlineTimer keeps the earlier deadline and moves to an earlier one", () => {
  const clock = new FakeClock(0);
  const fires: number[] = [];
  const timer = new DeadlineTimer(clock.now, clock.schedule, () => fires.push(clock.now()));
  timer.arm(500);
  timer.arm(900); // later: the 500 wake-up stays; the reducer re-arms then
  assert.equal(timer.at, 500);
  timer.arm(200);
  assert.equal(timer.at, 200);
  clock.advanceTo(1_000);
  assert.deepEqual(fires, [200]);
  assert.equal(clock.pending, 0);
});

Deno.test("DeadlineTimer cancels on null", () => {
  const clock = new FakeClock(0);
  let fired = 0;
  const timer = new DeadlineTimer(clock.now, clock.schedule, () => fired++);
  timer.arm(100);
  timer.arm(null);
  clock.advanceTo(1_000);
  assert.equal(fired, 0);
  assert.equal(clock.pending, 0);
});

Deno.test("DeadlineTimer reaches a deadline beyond a 32-bit delay in hops", () => {
  const clock = new FakeClock(0);
  let fired = 0;
  const timer = new DeadlineTimer(clock.now, clock.schedule, () => fired++);
  const weeks = 5 * 7 * 86_400_000; // 35 days: over 2^31 - 1 ms
  timer.arm(weeks);
  assert.deepEqual(clock.delays, [2 ** 31 - 1]);
  clock.advanceTo(weeks - 1);
  assert.equal(fired, 0);
  clock.advanceTo(weeks);
  assert.equal(fired, 1);
});
