import assert from "node:assert/strict";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { spawnAdapter } from "../helpers/adapter_process.ts";
import { promtool } from "../helpers/promtool.ts";
import { needs } from "../helpers/tools.ts";
import { requireProgram } from "../services/service_process.ts";

const LATE_PINGER = new URL("../fixtures/late_pinger.py", import.meta.url).pathname;

interface Family {
  name: string;
  metrics: { value: string; labels?: Record<string, string> }[];
}

Deno.test("GET /metrics on a running adapter counts what arrived, parsed as Prometheus text", async () => {
  const adapter = await spawnAdapter({ env: { ADAPTER_UNIT_WATCHDOG_SEC: "30" } });
  try {
    await adapter.send("READY=1\nSTATUS=up");
    await adapter.send("WATCHDOG=1");
    await adapter.send("BOGUS");
    await adapter.waitFor(async () => (await adapter.request("/readyz")).status === 200, "ready");
    const response = await adapter.request("/metrics");
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    const families = parsePrometheusTextFormat(response.text) as Family[];
    const value = (name: string, label?: string) => {
      const family = families.find((candidate) => candidate.name === `sd_notify_adapter_${name}`);
      const metric = family?.metrics.find((sample) =>
        label === undefined || Object.values(sample.labels ?? {}).includes(label)
      );
      return metric === undefined ? undefined : Number(metric.value);
    };
    assert.equal(value("datagrams_total"), 3);
    assert.equal(value("lines_total", "READY"), 1);
    assert.equal(value("lines_total", "STATUS"), 1);
    assert.equal(value("events_total", "ready"), 1);
    assert.equal(value("events_total", "watchdog"), 1);
    assert.equal(value("rejected_total", "no_equals"), 1);
    assert.equal(value("readyz"), 1);
    assert.equal(value("watchdog_timeout_seconds"), 30);
    const left = value("watchdog_deadline_seconds");
    assert.ok(left !== undefined && left > 25 && left <= 30, `watchdog deadline ${left}`);
    assert.equal(value("start_deadline_seconds"), undefined);
  } finally {
    await adapter.stop();
  }
});

// behaviour §4.6 and §5.5, checked by Prometheus's own linter on what a real adapter serves: a
// service (libsystemd's sd_notify) pings at half its 1 s watchdog, then with a tenth left,
// then after the deadline; the histograms count all three, the last one with no time left.
Deno.test(
  "GET /metrics of an adapter whose service pings late passes `promtool check metrics`",
  needs("promtool", "python3", "systemd"),
  async () => {
    const adapter = await spawnAdapter({ env: { ADAPTER_UNIT_WATCHDOG_SEC: "1s" } });
    try {
      const service = await new Deno.Command(requireProgram("python3", "python3"), {
        args: [LATE_PINGER, "0.5", "0.9", "1.6"],
        env: { NOTIFY_SOCKET: adapter.notifySocket, WATCHDOG_USEC: "1000000" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(service.code, 0, new TextDecoder().decode(service.stderr));
      const scrape = async () => (await adapter.request("/metrics")).text;
      const sample = (text: string, series: string) => {
        const line = text.split("\n").find((line) =>
          line.startsWith(`sd_notify_adapter_${series} `)
        );
        return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
      };
      await adapter.waitFor(
        async () => sample(await scrape(), "watchdog_margin_ratio_count") === 3,
        "three measured pings",
      );
      const text = await scrape();
      const result = await promtool(["check", "metrics"], { stdin: text });
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.equal(result.stdout + result.stderr, "");
      // The last ping came after the deadline: no time left, and more than the timeout between.
      assert.ok(sample(text, 'watchdog_margin_ratio_bucket{le="0"}')! >= 1, text);
      assert.ok(sample(text, 'watchdog_ping_interval_ratio_bucket{le="1"}')! <= 2, text);
      assert.equal(sample(text, 'watchdog_ping_interval_ratio_bucket{le="+Inf"}'), 3);
      assert.ok(sample(text, 'events_total{event="watchdog_timeout"}')! >= 1, text);
      // Sleeps are never shorter than asked (0.5 + 0.9 + 1.6 of the timeout), but on a busy
      // machine the READY=1 that armed the watchdog may be judged late: a generous bound.
      assert.ok(sample(text, "watchdog_ping_interval_ratio_sum")! >= 2.5, text);
      const { lastPing } = (await adapter.request("/status")).json.watchdog;
      assert.equal(lastPing.marginSeconds, 0);
      // After the deadline (the previous ping may have been judged late on a busy machine).
      assert.ok(lastPing.intervalRatio > 1, JSON.stringify(lastPing));
      // The start time is the same at every scrape, and close to now.
      const started = sample(text, "start_time_seconds")!;
      assert.equal(sample(await scrape(), "start_time_seconds"), started);
      assert.ok(Math.abs(Date.now() / 1000 - started) < 60, `${started}`);
    } finally {
      await adapter.stop();
    }
  },
);
