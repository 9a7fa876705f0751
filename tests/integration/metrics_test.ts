import assert from "node:assert/strict";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { spawnAdapter } from "../helpers/adapter_process.ts";

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
