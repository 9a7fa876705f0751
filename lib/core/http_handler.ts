/**
 * HTTP (behaviour §5) as a function of the request and the adapter's state: no port, no I/O.
 * Every answer comes from memory, so no probe waits on the socket, a timer or a disk.
 *
 * @module
 */

import type { Clock } from "./clock.ts";
import { countsOf, total } from "./counters.ts";
import { followedMainProcess } from "./main_process.ts";
import type { HttpResponse } from "./http_response.ts";
import {
  type DroppedLines,
  METRICS_CONTENT_TYPE,
  NO_DROPPED_LINES,
  renderMetrics,
} from "./metrics.ts";
import { PROBE_NAMES, type ProbeName } from "./probes.ts";
import { requestPath } from "./request_path.ts";
import type { AdapterState } from "./state.ts";
import { rfc3339 } from "./timestamp.ts";
import { VERSION } from "./version.ts";
import type { MeasuredPing } from "./watchdog_margin.ts";

export type { Clock } from "./clock.ts";

/** What the handler needs of a request: its method and its target, as sent. */
export interface HttpRequest {
  /** `GET`, `HEAD`, … as sent (methods are case-sensitive). */
  readonly method: string;
  /** The request target: `/livez?x=1`, or an absolute form such as `http://host/livez`. */
  readonly target: string;
}

// Frozen and shared: every answer of a kind carries the same object.
const JSON_HEADERS = Object.freeze({
  "content-type": "application/json",
  "cache-control": "no-store",
});
const METHOD_NOT_ALLOWED_HEADERS = Object.freeze({ ...JSON_HEADERS, allow: "GET, HEAD" });
const METRICS_HEADERS = Object.freeze({
  "content-type": METRICS_CONTENT_TYPE,
  "cache-control": "no-store",
});

function json(
  body: unknown,
  status: number,
  headers: Readonly<Record<string, string>> = JSON_HEADERS,
): HttpResponse {
  return { status, headers, body: JSON.stringify(body) };
}

function probeBody(state: AdapterState, clock: Clock) {
  return {
    timestamp: rfc3339(clock.wall),
    healthz: state.healthz,
    livez: state.livez,
    readyz: state.readyz,
  };
}

const seconds = (milliseconds: number) => milliseconds / 1000;
// Monotonic time has sub-microsecond digits that say nothing to a reader.
const roundedSeconds = (milliseconds: number) => Math.round(milliseconds) / 1000;
const secondsUntil = (deadline: number | null, clock: Clock) =>
  deadline === null ? null : seconds(Math.max(0, deadline - clock.monotonic));

// Four decimals: the monotonic clock's sub-microsecond digits say nothing to a reader.
const rounded = (ratio: number) => Math.round(ratio * 10_000) / 10_000;
// The last measured ping (behaviour §4.6), as the histograms of /metrics count it.
const lastPing = (ping: MeasuredPing | null) =>
  ping === null ? null : {
    intervalSeconds: roundedSeconds(ping.intervalMs),
    marginSeconds: roundedSeconds(ping.marginMs),
    intervalRatio: rounded(ping.intervalMs / ping.timeoutMs),
    marginRatio: rounded(ping.marginMs / ping.timeoutMs),
  };

function statusBody(state: AdapterState, clock: Clock, dropped: DroppedLines) {
  const counts = countsOf(state.counters);
  return {
    ...probeBody(state, clock),
    version: VERSION,
    uptimeSeconds: state.startedAtMs === null
      ? 0
      : roundedSeconds(clock.monotonic - state.startedAtMs),
    statusText: state.statusText,
    mainPid: state.mainPid,
    mainProcess: {
      ...(followedMainProcess(state) ?? { pid: null, origin: null }),
      exits: counts.events.main_exited,
    },
    errno: state.errno,
    busError: state.busError,
    exitStatus: state.exitStatus,
    lastEvent: state.lastEvent === null ? null : {
      name: state.lastEvent.name,
      timestamp: rfc3339(clock.wall - (clock.monotonic - state.lastEvent.atMs)),
    },
    watchdog: {
      enabled: state.watchdogTimeoutMs > 0,
      timeoutSeconds: seconds(state.watchdogTimeoutMs),
      armed: state.watchdogDeadlineMs !== null,
      secondsUntilDeadline: secondsUntil(state.watchdogDeadlineMs, clock),
      lastPing: lastPing(state.watchdogMargin.last),
    },
    startTimer: {
      pending: state.startDeadlineMs !== null,
      secondsUntilDeadline: secondsUntil(state.startDeadlineMs, clock),
    },
    counters: {
      datagrams: counts.datagrams,
      lines: total(counts.lines),
      events: total(counts.events),
      rejected: total(counts.rejected),
      linesByKey: counts.lines,
      eventsByName: counts.events,
      rejectedByReason: counts.rejected,
      droppedOutputLines: dropped,
    },
  };
}

/** Answers one path from the state, the clocks and the output lines dropped so far. */
export type Route = (state: AdapterState, clock: Clock, dropped: DroppedLines) => HttpResponse;

const probe = (name: ProbeName): Route => (state, clock) =>
  json(probeBody(state, clock), state[name] ? 200 : 503);

/** The paths the adapter answers; everything else is 404. */
export const ROUTES: Readonly<Record<string, Route>> = Object.freeze({
  ...Object.fromEntries(PROBE_NAMES.map((name) => [`/${name}`, probe(name)])),
  "/status": (state, clock, dropped) => json(statusBody(state, clock, dropped), 200),
  "/metrics": (state, clock, dropped) => ({
    status: 200,
    headers: METRICS_HEADERS,
    body: renderMetrics(state, clock, dropped),
  }),
});

/**
 * Answers one request from the adapter's state: 200/503 for the probes, `/status`,
 * `/metrics`, 404 for other paths, 405 with `Allow` for other methods. HEAD gets what GET
 * gets: the server sends its head without the body. `dropped` counts the output lines dropped
 * so far (behaviour §6).
 *
 * @example A probe before start-up, an unknown path, another method
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { handleRequest } from "./http_handler.ts";
 * import { initialState } from "./state.ts";
 *
 * const state = initialState(parseConfig({}).config);
 * const clock = { wall: 0, monotonic: 0, origin: 0 };
 * assert.equal(handleRequest({ method: "GET", target: "/healthz" }, state, clock).status, 503);
 * assert.equal(handleRequest({ method: "GET", target: "/nope" }, state, clock).status, 404);
 * const post = handleRequest({ method: "POST", target: "/livez" }, state, clock);
 * assert.equal(post.status, 405);
 * assert.equal(post.headers.allow, "GET, HEAD");
 * ```
 */
export function handleRequest(
  request: HttpRequest,
  state: AdapterState,
  clock: Clock,
  dropped: DroppedLines = NO_DROPPED_LINES,
): HttpResponse {
  const path = requestPath(request.target);
  const route = Object.hasOwn(ROUTES, path) ? ROUTES[path] : undefined;
  if (route === undefined) return json({ error: "Not found", path }, 404);
  if (request.method !== "GET" && request.method !== "HEAD") {
    return json(
      { error: "Method not allowed", method: request.method },
      405,
      METHOD_NOT_ALLOWED_HEADERS,
    );
  }
  return route(state, clock, dropped);
}

// What the server answers when it cannot serve a request, by status.
const REFUSALS: Readonly<Record<number, string>> = Object.freeze({
  400: "Bad request",
  414: "Request target too long",
  431: "Request header too large",
  500: "Internal error",
  505: "HTTP version not supported",
});

/**
 * The answer to a request the server cannot serve (behaviour §5.6): a malformed head (400), a
 * request line or head over the size limit (414, 431), another HTTP version (505), or a
 * handler that failed (500), as `{"error":"…"}`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { refusal } from "./http_handler.ts";
 *
 * assert.equal(refusal(431).body, '{"error":"Request header too large"}');
 * ```
 */
export function refusal(status: number): HttpResponse {
  return json({ error: REFUSALS[status] ?? "Bad request" }, status);
}
