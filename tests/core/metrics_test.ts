import assert from "node:assert/strict";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { parseConfig } from "../../lib/core/config.ts";
import { METRICS_CONTENT_TYPE, renderMetrics } from "../../lib/core/metrics.ts";
import { handleRequest } from "../../lib/core/http_handler.ts";
import { type AdapterState, initialState, step } from "../../lib/core/reducer.ts";
import { VERSION } from "../../lib/core/version.ts";
import { send as sendAt, START } from "../helpers/reducer_fixtures.ts";

const send = (state: AdapterState, text: string, now: number) => sendAt(state, text, now).state;

interface Parsed {
  name: string;
  help: string;
  type: string;
  metrics: { value: string; labels?: Record<string, string> }[];
}

/** The samples of one family, as `labels → value` (or `"" → value` without labels). */
function samples(text: string, name: string): Record<string, number> {
  const families = parsePrometheusTextFormat(text) as Parsed[];
  const family = families.find((candidate) => candidate.name === `sd_notify_adapter_${name}`);
  assert.ok(family, `no family ${name}`);
  return Object.fromEntries(family.metrics.map((metric) => [
    Object.values(metric.labels ?? {}).join(","),
    Number(metric.value),
  ]));
}

Deno.test("renderMetrics() parses as Prometheus text with exact counters and gauges", () => {
  const config = parseConfig({
    ADAPTER_UNIT_TIMEOUT_START_SEC: "10",
    ADAPTER_UNIT_WATCHDOG_SEC: "2",
  }).config;
  let state = step(initialState(config), START, 1_000).state;
  state = send(state, "STATUS=booting\nX_PHASE=1", 1_500);
  assert.equal(samples(renderMetrics(state, 2_000), "start_deadline_seconds")[""], 9);
  state = send(state, "READY=1\nWATCHDOG=1", 3_000);
  state = send(state, "NOPE=1\nWATCHDOG=1", 3_500);
  state = send(state, "READY=1\u0000X_A=1", 3_600);
  const text = renderMetrics(state, 4_000);

  assert.deepEqual(samples(text, "info"), { [VERSION]: 1 });
  assert.deepEqual(samples(text, "datagrams_total"), { "": 4 });
  const lines = samples(text, "lines_total");
  assert.equal(lines.STATUS, 1);
  assert.equal(lines.READY, 1);
  assert.equal(lines.WATCHDOG, 2);
  assert.equal(lines["X_*"], 1);
  assert.equal(lines.STOPPING, 0);
  const events = samples(text, "events_total");
  assert.equal(events.ready, 1);
  assert.equal(events.watchdog, 2);
  assert.equal(events.stopping, 0);
  const rejected = samples(text, "rejected_total");
  assert.equal(rejected.unknown_key, 1);
  assert.equal(rejected.nul_byte, 1);
  assert.equal(rejected.oversize, 0);
  assert.deepEqual(samples(text, "healthz"), { "": 1 });
  assert.deepEqual(samples(text, "livez"), { "": 1 });
  assert.deepEqual(samples(text, "readyz"), { "": 1 });
  assert.deepEqual(samples(text, "watchdog_timeout_seconds"), { "": 2 });
  // Armed by the last ping at 3 500 ms, 2 s long: 1.5 s left at 4 000 ms.
  assert.deepEqual(samples(text, "watchdog_deadline_seconds"), { "": 1.5 });
  // READY=1 stopped the start timer: no sample, not 0.
  assert.deepEqual(samples(text, "start_deadline_seconds"), {});
});

Deno.test("renderMetrics() declares HELP and TYPE once per family, counters ending _total", () => {
  const state = step(initialState(parseConfig({}).config), START, 0).state;
  const text = renderMetrics(state, 0);
  const types = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((match) => [match[1], match[2]]);
  assert.equal(new Set(types.map(([name]) => name)).size, types.length);
  for (const [name, type] of types) {
    assert.equal(name.endsWith("_total"), type === "counter", name);
    assert.match(text, new RegExp(`^# HELP ${name} .+$`, "m"));
  }
  assert.ok(text.endsWith("\n"));
  assert.deepEqual(samples(text, "watchdog_deadline_seconds"), {});
  assert.deepEqual(samples(text, "watchdog_timeout_seconds"), { "": 0 });
});

Deno.test("GET /metrics answers 200 in the Prometheus text format; HEAD as GET; POST 405", () => {
  const state = step(initialState(parseConfig({}).config), START, 0).state;
  const clock = { wall: 0, monotonic: 0 };
  const get = handleRequest({ method: "GET", target: "/metrics" }, state, clock);
  assert.deepEqual(get, {
    status: 200,
    headers: { "content-type": METRICS_CONTENT_TYPE, "cache-control": "no-store" },
    body: renderMetrics(state, 0),
  });
  assert.deepEqual(handleRequest({ method: "HEAD", target: "/metrics" }, state, clock), get);
  const post = handleRequest({ method: "POST", target: "/metrics" }, state, clock);
  assert.equal(post.status, 405);
});
