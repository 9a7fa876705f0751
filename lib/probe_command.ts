/**
 * The `probe` client (SPEC §8): GET one endpoint of the adapter on this host, for exec probes
 * and image HEALTHCHECKs where there is no curl.
 *
 * @module
 */

import type { ProbeEndpoint } from "./cli.ts";

/** The outcome of one probe: `ok` when the endpoint answered 200, and a one-line reason. */
export interface ProbeResult {
  readonly ok: boolean;
  readonly reason: string;
}

/** GETs `/endpoint` on this host's ADAPTER_PORT (from `env`). */
export function probe(
  endpoint: ProbeEndpoint,
  _env: Readonly<Record<string, string | undefined>>,
): Promise<ProbeResult> {
  return Promise.resolve({ ok: false, reason: `probe ${endpoint}: not built yet` });
}
