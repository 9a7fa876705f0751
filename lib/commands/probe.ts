/**
 * The `probe` client (behaviour §8.2): GET one endpoint of the adapter on this host, for exec probes
 * and image HEALTHCHECKs where there is no curl. One new TCP connection per probe, as kubelet
 * makes, and plain HTTP/1.1 written by hand: `fetch()` would send it to `HTTP_PROXY` when the
 * Pod's environment sets one, and a probe of loopback must never leave the Pod.
 *
 * @module
 */

import { errorText } from "../core/error_text.ts";
import { cutCodePoints, printable } from "../core/printable.ts";
import type { ProbeName } from "../core/probes.ts";
import { SETTINGS } from "../core/config.ts";
import { schedule } from "../shell/schedule.ts";

/**
 * How long a probe waits for connection and answer together: under kubelet's default
 * exec-probe `timeoutSeconds: 1`, with 200 ms left for the process to start, so that a probe
 * of an adapter that hangs fails with its own reason rather than kubelet's kill. An image
 * HEALTHCHECK (3 s in the Containerfile) has no limit of its own to rely on, and must not pile
 * up probes on an adapter that hangs. The adapter answers in milliseconds, even in a flood.
 */
export const PROBE_TIMEOUT_MS = 800;
// The body only feeds a one-line reason.
const MAX_RESPONSE_BYTES = 64 * 1024;
// A wildcard listen address is reached over loopback.
const WILDCARD_HOSTS: Readonly<Record<string, string>> = {
  "::": "127.0.0.1",
  "0.0.0.0": "127.0.0.1",
};

/** The outcome of one probe: `ok` when the endpoint answered 200, and a one-line reason. */
export interface ProbeResult {
  /** Whether the endpoint answered 200. */
  readonly ok: boolean;
  /** One line for the exec probe's output: the endpoint, then the answer or the failure. */
  readonly reason: string;
}

/** Where a probe connects, and the path it asks for. */
export interface ProbeTarget {
  /** The address to connect to: an IP literal, loopback for a wildcard listen address. */
  readonly hostname: string;
  /** The adapter's HTTP port, from `ADAPTER_PORT`. */
  readonly port: number;
  /** The endpoint's path: `/healthz`, `/livez` or `/readyz`. */
  readonly path: string;
  /** `127.0.0.1:8089` or `[::1]:8089`, for messages and the Host header. */
  readonly authority: string;
}

/** The target: ADAPTER_HOST when it names one address, else loopback; ADAPTER_PORT. */
export function probeTarget(
  endpoint: ProbeName,
  env: Readonly<Record<string, string | undefined>>,
): ProbeTarget | ProbeResult {
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
  const hostname = WILDCARD_HOSTS[host] ?? host;
  const authority = `${hostname.includes(":") ? `[${hostname}]` : hostname}:${port.value}`;
  return { hostname, port: port.value, path: `/${endpoint}`, authority };
}

/** The request bytes: a GET that asks the server to close the connection after answering. */
export function probeRequest(target: ProbeTarget): Uint8Array {
  return new TextEncoder().encode(
    `GET ${target.path} HTTP/1.1\r\nHost: ${target.authority}\r\n` +
      "User-Agent: sd-notify-adapter-probe\r\nAccept: application/json\r\nConnection: close\r\n\r\n",
  );
}

/** A parsed response head and body, or why the bytes are not (yet) one. */
export type ParsedResponse =
  | { readonly kind: "complete"; readonly status: number; readonly text: string }
  | { readonly kind: "incomplete" }
  | { readonly kind: "invalid" };

const HEAD_END = "\r\n\r\n";

/**
 * Reads an HTTP/1.1 response from the bytes received so far; `ended` says the peer closed.
 * The reason is `STATUS REASON-PHRASE BODY`, the body on one line and cut at 200 characters.
 */
export function parseResponse(bytes: Uint8Array, ended: boolean): ParsedResponse {
  // One character per byte, so string offsets are byte offsets.
  const raw = new TextDecoder("latin1").decode(bytes);
  const headEnd = raw.indexOf(HEAD_END);
  if (headEnd < 0) return ended ? { kind: "invalid" } : { kind: "incomplete" };
  const [statusLine, ...headerLines] = raw.slice(0, headEnd).split("\r\n");
  const status = statusLine.match(/^HTTP\/1\.[01] (\d{3})(?: (.*))?$/);
  if (status === null) return { kind: "invalid" };
  const length = headerLines
    .map((line) => line.match(/^content-length:\s*(\d+)\s*$/i)?.[1])
    .find((value) => value !== undefined);
  const body = bytes.subarray(headEnd + HEAD_END.length);
  const complete = ended || (length !== undefined && body.length >= Number(length));
  if (!complete) return { kind: "incomplete" };
  const bodyText = new TextDecoder().decode(
    length === undefined ? body : body.subarray(0, Number(length)),
  );
  const text = [status[1], status[2] ?? "", oneLine(bodyText)].filter((part) => part !== "");
  return { kind: "complete", status: Number(status[1]), text: printable(text.join(" ")) };
}

// What a server answers is printed where a terminal shows it (an exec probe's output reaches
// `kubectl describe pod`): escaped as the adapter escapes a service's text (behaviour §6.5).
function oneLine(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return printable(cutCodePoints(flat, max));
}

// "Connection refused (os error 111)" says it all without the errno.
function describe(error: unknown): string {
  const message = errorText(error);
  return oneLine(message.replace(/ \(os error \d+\)$/, ""));
}

/** Sends the request and reads the answer; throws on a network error. */
async function exchange(conn: Deno.Conn, target: ProbeTarget): Promise<ParsedResponse> {
  const request = probeRequest(target);
  for (let written = 0; written < request.length;) {
    written += await conn.write(request.subarray(written));
  }
  const received = new Uint8Array(MAX_RESPONSE_BYTES);
  let length = 0;
  while (true) {
    const count = length < received.length ? await conn.read(received.subarray(length)) : null;
    if (count !== null) length += count;
    const parsed = parseResponse(received.subarray(0, length), count === null);
    if (parsed.kind !== "incomplete") return parsed;
  }
}

/** GETs `/endpoint` on this host's ADAPTER_PORT (from `env`). */
export async function probe(
  endpoint: ProbeName,
  env: Readonly<Record<string, string | undefined>>,
): Promise<ProbeResult> {
  const target = probeTarget(endpoint, env);
  if ("ok" in target) return target;
  const fail = (why: string): ProbeResult => ({ ok: false, reason: `${endpoint}: ${why}` });
  let conn: Deno.Conn | undefined;
  let cancelTimer: () => void = () => {};
  const timedOut = new Promise<"timeout">((resolve) => {
    cancelTimer = schedule(PROBE_TIMEOUT_MS, () => resolve("timeout"));
  });
  try {
    const connecting = Deno.connect({ hostname: target.hostname, port: target.port });
    const connected = await Promise.race([connecting, timedOut]);
    if (connected === "timeout") {
      // Close a connection that comes up after all, so the process can exit.
      connecting.then((late) => late.close(), () => {});
      return fail(`cannot connect to ${target.authority}: no answer within ${PROBE_TIMEOUT_MS} ms`);
    }
    conn = connected;
  } catch (error) {
    cancelTimer();
    return fail(`cannot connect to ${target.authority}: ${describe(error)}`);
  }
  try {
    const answer = await Promise.race([exchange(conn, target), timedOut]);
    if (answer === "timeout") {
      return fail(`${target.authority} gave no full answer within ${PROBE_TIMEOUT_MS} ms`);
    }
    if (answer.kind !== "complete") {
      return fail(`${target.authority} did not answer in HTTP`);
    }
    return { ok: answer.status === 200, reason: `${endpoint}: ${answer.text}` };
  } catch (error) {
    return fail(`${target.authority}: ${describe(error)}`);
  } finally {
    cancelTimer();
    try {
      conn.close();
    } catch {
      // Already closed by a failed read.
    }
  }
}
