/**
 * The `probe` client (SPEC §8): GET one endpoint of the adapter on this host, for exec probes
 * and image HEALTHCHECKs where there is no curl. A new connection per probe, as kubelet makes.
 *
 * @module
 */

import type { ProbeEndpoint } from "./cli.ts";
import { SETTINGS } from "./config.ts";

// Below kubelet's default probe timeout of 1 s would fail a slow but healthy adapter; above
// a HEALTHCHECK's usual interval would pile probes up.
const PROBE_TIMEOUT_MS = 2_000;
// A wildcard listen address is reached over loopback.
const WILDCARD_HOSTS: Readonly<Record<string, string>> = {
  "::": "127.0.0.1",
  "0.0.0.0": "127.0.0.1",
};

/** The outcome of one probe: `ok` when the endpoint answered 200, and a one-line reason. */
export interface ProbeResult {
  readonly ok: boolean;
  readonly reason: string;
}

/** The URL to probe: ADAPTER_HOST when it names one address, else loopback; ADAPTER_PORT. */
export function probeUrl(
  endpoint: ProbeEndpoint,
  env: Readonly<Record<string, string | undefined>>,
): URL | ProbeResult {
  const portText = env.ADAPTER_PORT ?? SETTINGS.port.default;
  const port = SETTINGS.port.parse(portText);
  if ("expected" in port || port.value === 0) {
    const expected = "expected" in port ? port.expected : "a fixed port, not 0";
    return {
      ok: false,
      reason: `${endpoint}: cannot parse ADAPTER_PORT "${portText}": ${expected}`,
    };
  }
  const host = env.ADAPTER_HOST ?? SETTINGS.host.default;
  const target = WILDCARD_HOSTS[host] ?? host;
  const authority = target.includes(":") ? `[${target}]` : target;
  return new URL(`http://${authority}:${port.value}/${endpoint}`);
}

function oneLine(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

// fetch() says only "fetch failed"; the cause says "Connection refused".
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}

/** GETs `/endpoint` on this host's ADAPTER_PORT (from `env`). */
export async function probe(
  endpoint: ProbeEndpoint,
  env: Readonly<Record<string, string | undefined>>,
): Promise<ProbeResult> {
  const url = probeUrl(endpoint, env);
  if (!(url instanceof URL)) return url;
  const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
  try {
    const response = await fetch(url, {
      client,
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
      headers: { connection: "close" },
    });
    const body = oneLine(await response.text());
    return {
      ok: response.status === 200,
      reason: `${endpoint}: ${response.status} ${response.statusText} ${body}`.trimEnd(),
    };
  } catch (error) {
    const detail = error instanceof DOMException && error.name === "TimeoutError"
      ? `no answer within ${PROBE_TIMEOUT_MS} ms`
      : oneLine(describe(error));
    return { ok: false, reason: `${endpoint}: cannot GET ${url.href}: ${detail}` };
  } finally {
    client.close();
  }
}
