import assert from "node:assert/strict";
import { parseConfig } from "../../lib/core/config.ts";
import { type Clock, handleRequest, refusal } from "../../lib/core/http_handler.ts";
import { httpDate, rfc3339 } from "../../lib/core/timestamp.ts";
import { type AdapterState, initialState, step } from "../../lib/core/reducer.ts";
import { running as runningAt, send as sendAt } from "../helpers/reducer_fixtures.ts";
import { VERSION } from "../../lib/core/version.ts";

const WALL = Date.UTC(2024, 4, 1, 12, 0, 0);
const clock: Clock = { wall: WALL, monotonic: 5_000, origin: 0 };

const running = (env: Record<string, string> = {}) => runningAt(env, 1_000);
const send = (state: AdapterState, text: string, now: number) => sendAt(state, text, now).state;

const get = (state: AdapterState, target: string, method = "GET") =>
  handleRequest({ method, target }, state, clock);
const JSON_HEADERS = { "content-type": "application/json", "cache-control": "no-store" };

Deno.test("rfc3339() writes UTC with a +00:00 offset and milliseconds", () => {
  assert.equal(rfc3339(WALL), "2024-05-01T12:00:00.000+00:00");
  assert.equal(rfc3339(0), "1970-01-01T00:00:00.000+00:00");
  assert.equal(rfc3339(Date.UTC(2000, 1, 29, 23, 59, 59, 999)), "2000-02-29T23:59:59.999+00:00");
});

Deno.test("httpDate() writes the IMF-fixdate of RFC 9110, as toUTCString() does", () => {
  assert.equal(httpDate(WALL), "Wed, 01 May 2024 12:00:00 GMT");
  assert.equal(httpDate(WALL + 999), "Wed, 01 May 2024 12:00:00 GMT");
  for (const wall of [0, -1, Date.UTC(2000, 1, 29, 23, 59, 59), Date.UTC(2100, 11, 31, 1, 2, 3)]) {
    assert.equal(httpDate(wall), new Date(wall).toUTCString(), String(wall));
  }
});

Deno.test("handleRequest() answers the probes 200 or 503 with exactly four fields (behaviour §5)", () => {
  const state = running({ ADAPTER_INITIAL_LIVEZ: "true" });
  const expected = {
    "/healthz": 200,
    "/livez": 200,
    "/readyz": 503,
  };
  for (const [path, status] of Object.entries(expected)) {
    assert.deepEqual(get(state, path), {
      status,
      headers: JSON_HEADERS,
      body:
        '{"timestamp":"2024-05-01T12:00:00.000+00:00","healthz":true,"livez":true,"readyz":false}',
    });
  }
});

Deno.test("handleRequest() answers /healthz 503 before start and during shutdown", () => {
  const before = initialState(parseConfig({}).config);
  assert.equal(get(before, "/healthz").status, 503);
  const stopping = step(running(), { kind: "signal", signal: "SIGTERM" }, 2_000).state;
  assert.equal(get(stopping, "/healthz").status, 503);
});

Deno.test("handleRequest() answers HEAD as GET: the server leaves the body out", () => {
  const state = running();
  for (const path of ["/healthz", "/livez", "/readyz", "/status", "/metrics", "/nope"]) {
    assert.deepEqual(get(state, path, "HEAD"), get(state, path), path);
  }
});

Deno.test("handleRequest() ignores the query string, and reads an absolute-form target", () => {
  assert.equal(get(running(), "/healthz?verbose=1").status, 200);
  assert.equal(get(running(), "http://10.0.0.7:8089/healthz").status, 200);
});

Deno.test("handleRequest() answers 404 with a JSON error for unknown paths", () => {
  for (
    const [path, method] of [["/", "GET"], ["/ready", "GET"], ["/healthz/", "GET"], [
      "/nope",
      "POST",
    ]]
  ) {
    assert.deepEqual(get(running(), path, method), {
      status: 404,
      headers: JSON_HEADERS,
      body: JSON.stringify({ error: "Not found", path }),
    });
  }
});

Deno.test("handleRequest() answers 405 with Allow for other methods on known paths", () => {
  for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "get", "BREW"]) {
    assert.deepEqual(get(running(), "/readyz", method), {
      status: 405,
      headers: { ...JSON_HEADERS, allow: "GET, HEAD" },
      body: JSON.stringify({ error: "Method not allowed", method }),
    });
  }
});

Deno.test("refusal() answers what the server cannot serve with a JSON error", () => {
  const refusals = { 400: "Bad request", 414: "Request target too long" } as const;
  for (const [status, error] of Object.entries(refusals)) {
    assert.deepEqual(refusal(Number(status)), {
      status: Number(status),
      headers: JSON_HEADERS,
      body: JSON.stringify({ error }),
    });
  }
  assert.equal(refusal(431).body, '{"error":"Request header too large"}');
  assert.equal(refusal(500).body, '{"error":"Internal error"}');
  assert.equal(refusal(505).body, '{"error":"HTTP version not supported"}');
});

Deno.test("handleRequest() tells everything it knows on /status (behaviour §5)", () => {
  let state = running({ ADAPTER_UNIT_WATCHDOG_SEC: "10", ADAPTER_UNIT_TIMEOUT_START_SEC: "90" });
  state = send(state, "STATUS=serving\nMAINPID=42\nWATCHDOG=1\nFOO=1", 3_000);
  const response = get(state, "/status");
  assert.equal(response.status, 200);
  const body = JSON.parse(response.body);
  assert.deepEqual(body, {
    timestamp: "2024-05-01T12:00:00.000+00:00",
    healthz: true,
    livez: true,
    readyz: true,
    version: VERSION,
    uptimeSeconds: 4,
    statusText: "serving",
    mainPid: 42,
    mainProcess: { pid: 42, origin: "MAINPID", exits: 0 },
    errno: null,
    busError: null,
    exitStatus: null,
    lastEvent: { name: "watchdog", timestamp: "2024-05-01T11:59:58.000+00:00" },
    watchdog: {
      enabled: true,
      timeoutSeconds: 10,
      armed: true,
      secondsUntilDeadline: 8,
      // The first ping starts the watchdog; it meets no deadline, and is not measured.
      lastPing: null,
    },
    startTimer: { pending: true, secondsUntilDeadline: 86 },
    counters: {
      datagrams: 1,
      lines: 3,
      events: 1,
      rejected: 1,
      linesByKey: { ...body.counters.linesByKey, STATUS: 1, MAINPID: 1, WATCHDOG: 1 },
      eventsByName: { ...body.counters.eventsByName, watchdog: 1 },
      rejectedByReason: { ...body.counters.rejectedByReason, unknown_key: 1 },
      droppedOutputLines: { stdout: 0, stderr: 0 },
    },
  });
  assert.equal(Object.values(body.counters.linesByKey).reduce((a, b) => Number(a) + Number(b)), 3);
});

Deno.test("handleRequest() tells /status of a fresh adapter with nothing known yet", () => {
  const body = JSON.parse(get(running({ ADAPTER_UNIT_TIMEOUT_START_SEC: "0" }), "/status").body);
  assert.deepEqual(
    {
      ...body,
      counters: { ...body.counters, linesByKey: {}, eventsByName: {}, rejectedByReason: {} },
    },
    {
      timestamp: "2024-05-01T12:00:00.000+00:00",
      healthz: true,
      livez: false,
      readyz: false,
      version: VERSION,
      uptimeSeconds: 4,
      statusText: null,
      mainPid: null,
      mainProcess: { pid: null, origin: null, exits: 0 },
      errno: null,
      busError: null,
      exitStatus: null,
      lastEvent: null,
      watchdog: {
        enabled: false,
        timeoutSeconds: 0,
        armed: false,
        secondsUntilDeadline: null,
        lastPing: null,
      },
      startTimer: { pending: false, secondsUntilDeadline: null },
      counters: {
        datagrams: 0,
        lines: 0,
        events: 0,
        rejected: 0,
        linesByKey: {},
        eventsByName: {},
        rejectedByReason: {},
        droppedOutputLines: { stdout: 0, stderr: 0 },
      },
    },
  );
  for (const counts of ["linesByKey", "eventsByName", "rejectedByReason"]) {
    assert.ok(Object.values(body.counters[counts]).every((count) => count === 0), counts);
  }
});

Deno.test("handleRequest() answers 405 with Allow on /status and /healthz too", () => {
  for (const path of ["/status", "/healthz", "/livez"]) {
    const response = get(running(), path, "POST");
    assert.equal(response.status, 405, path);
    assert.equal(response.headers.allow, "GET, HEAD");
  }
});

Deno.test("handleRequest() shows the probe values of a stopping adapter in every body", () => {
  const state =
    step(send(running(), "READY=1", 2_000), { kind: "signal", signal: "SIGTERM" }, 3_000)
      .state;
  const response = get(state, "/readyz");
  assert.equal(response.status, 200);
  assert.equal(
    response.body,
    '{"timestamp":"2024-05-01T12:00:00.000+00:00","healthz":false,"livez":true,"readyz":true}',
  );
});

Deno.test("handleRequest() counts dropped output lines in /status", () => {
  const dropped = { stdout: 12, stderr: 3 };
  const response = handleRequest({ method: "GET", target: "/status" }, running(), clock, dropped);
  assert.deepEqual(JSON.parse(response.body).counters.droppedOutputLines, dropped);
});

Deno.test("handleRequest() tells on /status the last measured ping, in seconds and over the timeout", () => {
  let state = running({ ADAPTER_UNIT_WATCHDOG_SEC: "10", ADAPTER_UNIT_TIMEOUT_START_SEC: "0" });
  state = send(state, "READY=1", 1_000);
  state = send(state, "WATCHDOG=1", 4_000.0004);
  const { watchdog } = JSON.parse(get(state, "/status").body);
  // Rounded as the other times are: to the millisecond, and ratios to four decimals.
  assert.deepEqual(watchdog.lastPing, {
    intervalSeconds: 3,
    marginSeconds: 7,
    intervalRatio: 0.3,
    marginRatio: 0.7,
  });
});
