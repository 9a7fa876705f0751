/**
 * The three probes (behaviour §3, §5): what kubelet asks, and what the `probe` command can ask.
 *
 * @module
 */

/** The probes, in the order they come to life: the adapter, the service, its readiness. */
export const PROBE_NAMES: readonly ["healthz", "livez", "readyz"] = Object.freeze(
  ["healthz", "livez", "readyz"] as const,
);

/** One of `healthz`, `livez`, `readyz`. */
export type ProbeName = typeof PROBE_NAMES[number];

/**
 * Tells whether `name` is one of the probes.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { isProbeName } from "./probes.ts";
 *
 * assert.equal(isProbeName("readyz"), true);
 * assert.equal(isProbeName("status"), false);
 * ```
 */
export function isProbeName(name: string): name is ProbeName {
  return (PROBE_NAMES as readonly string[]).includes(name);
}
