import assert from "node:assert/strict";
import { median, quantile, slope } from "../../bench/statistics.ts";

Deno.test("quantile() takes the nearest rank, NaN for no values", () => {
  const values = [7, 1, 9, 3, 5, 2, 8, 4, 6, 10];
  assert.equal(quantile(values, 0), 1);
  assert.equal(quantile(values, 0.5), 6);
  assert.equal(quantile(values, 0.99), 10);
  assert.equal(quantile(values, 1), 10);
  assert.ok(Number.isNaN(quantile([], 0.5)));
});

Deno.test("median() is the middle value, the mean of the two middle ones for an even count", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([40, 10, 30, 20]), 25);
  assert.equal(median([5]), 5);
  assert.ok(Number.isNaN(median([])));
});

Deno.test("slope() is the least-squares slope, NaN without two distinct x", () => {
  // y = 3x + 1 with noise that cancels out: +1, -1, -1, +1.
  const points = [{ x: 0, y: 2 }, { x: 1, y: 3 }, { x: 2, y: 6 }, { x: 3, y: 11 }];
  assert.equal(slope(points), 3);
  assert.equal(slope([{ x: 0, y: 5 }, { x: 10, y: 5 }]), 0);
  assert.ok(Number.isNaN(slope([{ x: 1, y: 1 }, { x: 1, y: 2 }])));
  assert.ok(Number.isNaN(slope([])));
});
