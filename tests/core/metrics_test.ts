import assert from "node:assert/strict";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { parseConfig } from "../../lib/core/config.ts";
import { METRICS_CONTENT_TYPE, renderMetrics } from "../../lib/core/metrics.ts";
import { handleRequest } from "../../lib/core/http_handler.ts";
import { type AdapterState, initialState, step } from "../../lib/core/reducer.ts";
import { VERSION } from "../../lib/core/version.ts";
import { send as sendAt, START } from "../helpers/reducer_fixtures.ts";

const send = (state: AdapterState, text: string, now: number) => sendAt(state, text, now).state;
/** The clocks of a scrape at monotonic time `monotonic`. */
const at = (monotonic: number) => ({ wall: 0, monotonic, origin: 0 });

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
  assert.equal(samples(renderMetrics(state, at(2_000)), "start_deadline_seconds")[""], 9);
  state = send(state, "READY=1\nWATCHDOG=1", 3_000);
  state = send(state, "NOPE=1\nWATCHDOG=1", 3_500);
  state = send(state, "READY=1\u0000X_A=1", 3_600);
  const text = renderMetrics(state, at(4_000));

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
  const text = renderMetrics(state, at(0));
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
  const clock = at(0);
  const get = handleRequest({ method: "GET", target: "/metrics" }, state, clock);
  assert.deepEqual(get, {
    status: 200,
    headers: { "content-type": METRICS_CONTENT_TYPE, "cache-control": "no-store" },
    body: renderMetrics(state, clock),
  });
  assert.deepEqual(handleRequest({ method: "HEAD", target: "/metrics" }, state, clock), get);
  const post = handleRequest({ method: "POST", target: "/metrics" }, state, clock);
  assert.equal(post.status, 405);
});

Deno.test("renderMetrics() writes the watchdog margin histograms with cumulative buckets, sum and count", () => {
  const env = { ADAPTER_UNIT_WATCHDOG_SEC: "10", ADAPTER_UNIT_TIMEOUT_START_SEC: "0" };
  let state = step(initialState(parseConfig(env).config), START, 0).state;
  state = send(state, "READY=1", 1_000);
  state = send(state, "WATCHDOG=1", 6_000); // interval 0.5, margin 0.5
  state = send(state, "WATCHDOG=1", 15_500); // interval 0.95, margin 0.05
  const text = renderMetrics(state, at(16_000));
  const series = (name: string) =>
    text.split("\n").filter((line) => line.startsWith(`sd_notify_adapter_${name}`));
  assert.match(text, /^# TYPE sd_notify_adapter_watchdog_margin_ratio histogram$/m);
  assert.match(text, /^# TYPE sd_notify_adapter_watchdog_ping_interval_ratio histogram$/m);
  assert.deepEqual(series("watchdog_margin_ratio"), [
    'sd_notify_adapter_watchdog_margin_ratio_bucket{le="0"} 0',
    'sd_notify_adapter_watchdog_margin_ratio_bucket{le="0.05"} 1',
    'sd_notify_adapter_watchdog_margin_ratio_bucket{le="0.1"} 1',
    'sd_notify_adapter_watchdog_margin_ratio_bucket{le="0.25"} 1',
    'sd_notify_adapter_watchdog_margin_ratio_bucket{le="0.5"} 2',
    'sd_notify_adapter_watchdog_margin_ratio_bucket{le="0.75"} 2',
    'sd_notify_adapter_watchdog_margin_ratio_bucket{le="0.9"} 2',
    'sd_notify_adapter_watchdog_margin_ratio_bucket{le="0.95"} 2',
    'sd_notify_adapter_watchdog_margin_ratio_bucket{le="1"} 2',
    'sd_notify_adapter_watchdog_margin_ratio_bucket{le="+Inf"} 2',
    "sd_notify_adapter_watchdog_margin_ratio_sum 0.55",
    "sd_notify_adapter_watchdog_margin_ratio_count 2",
  ]);
  assert.deepEqual(series("watchdog_ping_interval_ratio"), [
    'sd_notify_adapter_watchdog_ping_interval_ratio_bucket{le="0"} 0',
    'sd_notify_adapter_watchdog_ping_interval_ratio_bucket{le="0.05"} 0',
    'sd_notify_adapter_watchdog_ping_interval_ratio_bucket{le="0.1"} 0',
    'sd_notify_adapter_watchdog_ping_interval_ratio_bucket{le="0.25"} 0',
    'sd_notify_adapter_watchdog_ping_interval_ratio_bucket{le="0.5"} 1',
    'sd_notify_adapter_watchdog_ping_interval_ratio_bucket{le="0.75"} 1',
    'sd_notify_adapter_watchdog_ping_interval_ratio_bucket{le="0.9"} 1',
    'sd_notify_adapter_watchdog_ping_interval_ratio_bucket{le="0.95"} 2',
    'sd_notify_adapter_watchdog_ping_interval_ratio_bucket{le="1"} 2',
    'sd_notify_adapter_watchdog_ping_interval_ratio_bucket{le="+Inf"} 2',
    "sd_notify_adapter_watchdog_ping_interval_ratio_sum 1.45",
    "sd_notify_adapter_watchdog_ping_interval_ratio_count 2",
  ]);
});

Deno.test("renderMetrics() writes every bucket at 0 before any ping, so rates work from the first scrape", () => {
  const state = step(initialState(parseConfig({}).config), START, 0).state;
  const text = renderMetrics(state, at(0));
  for (const name of ["watchdog_margin_ratio", "watchdog_ping_interval_ratio"]) {
    const lines = text.split("\n").filter((line) => line.startsWith(`sd_notify_adapter_${name}_`));
    assert.equal(lines.length, 12, name);
    assert.ok(lines.every((line) => line.endsWith(" 0")), name);
  }
});

Deno.test("renderMetrics() gives the start time from the clock's origin, the same at every scrape", () => {
  const state = step(initialState(parseConfig({}).config), START, 1_234.5678).state;
  const origin = Date.UTC(2024, 4, 1, 12, 0, 0);
  for (const monotonic of [2_000, 3_600_000]) {
    // The wall clock stepped by an hour in between: the start time stays.
    const text = renderMetrics(state, { wall: origin + monotonic * 2, monotonic, origin });
    assert.deepEqual(samples(text, "start_time_seconds"), { "": (origin + 1_235) / 1000 });
  }
  // Before start-up completes, no sample.
  const before = renderMetrics(initialState(parseConfig({}).config), at(0));
  assert.deepEqual(samples(before, "start_time_seconds"), {});
});
