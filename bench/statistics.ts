/**
 * The few statistics the benchmark reports: quantiles (medians over rounds, probe p99) and the
 * least-squares slope of the soak's RSS samples.
 *
 * @module
 */

/**
 * The `q` quantile (0 to 1) of `values` by the nearest-rank method, NaN for none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(quantile([5, 1, 4, 2, 3], 0.5), 3);
 * assert.equal(quantile([1, 2, 3, 4], 0.99), 4);
 * ```
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/**
 * The median of `values` (the mean of the two middle ones of an even count), NaN for none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(median([30, 10, 20]), 20);
 * assert.equal(median([4, 1, 3, 2]), 2.5);
 * ```
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * The least-squares slope of `y` over `x`, NaN with fewer than two distinct `x`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(slope([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 5 }]), 2);
 * ```
 */
export function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  const meanX = points.reduce((sum, { x }) => sum + x, 0) / n;
  const meanY = points.reduce((sum, { y }) => sum + y, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const { x, y } of points) {
    covariance += (x - meanX) * (y - meanY);
    variance += (x - meanX) ** 2;
  }
  return variance === 0 ? Number.NaN : covariance / variance;
}
