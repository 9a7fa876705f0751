/**
 * The three probes (behaviour §3, §5): what kubelet asks, and what the `probe` command can ask.
 *
 * @module
 */

/** The probes, in the order they come to life: the adapter, the service, its readiness. */
export const PROBE_NAMES = Object.freeze(["healthz", "livez", "readyz"] as const);

/** One of `healthz`, `livez`, `readyz`. */
export type ProbeName = typeof PROBE_NAMES[number];

/** Tells whether `name` is one of the probes. */
export function isProbeName(name: string): name is ProbeName {
  return (PROBE_NAMES as readonly string[]).includes(name);
}
