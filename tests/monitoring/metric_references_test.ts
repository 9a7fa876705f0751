import assert from "node:assert/strict";
import { exposedSeries, unknownReferences } from "./metric_references.ts";

Deno.test("`exposedSeries()` lists the adapter's series with their label values", () => {
  const exposed = exposedSeries();
  assert.ok(exposed.get("sd_notify_adapter_events_total")?.get("event")?.has("watchdog_timeout"));
  assert.ok(exposed.get("sd_notify_adapter_watchdog_margin_ratio_bucket")?.get("le")?.has("0.1"));
  assert.ok(exposed.has("sd_notify_adapter_watchdog_margin_ratio_count"));
  // Families whose samples come and go: an armed watchdog and start timer.
  assert.ok(exposed.has("sd_notify_adapter_watchdog_deadline_seconds"));
  assert.ok(exposed.has("sd_notify_adapter_start_deadline_seconds"));
});

Deno.test("`unknownReferences()` accepts what the adapter exposes and names the rest", () => {
  assert.deepEqual(
    unknownReferences(
      'sum by (namespace, event) (rate(sd_notify_adapter_events_total{pod=~"$pod", event=~"ready|watchdog"}[5m]))',
    ),
    [],
  );
  assert.deepEqual(
    unknownReferences(
      'sum by (evnt) (rate(sd_notify_adapter_event_total[5m])) + sd_notify_adapter_events_total{event="watchdog_timeuot", reson="x"} + sd_notify_adapter_watchdog_margin_ratio_bucket{le="0.2"}',
    ),
    [
      "sd_notify_adapter_event_total: no such series",
      'sd_notify_adapter_events_total: event is never "watchdog_timeuot"',
      "sd_notify_adapter_events_total: no label reson",
      'sd_notify_adapter_watchdog_margin_ratio_bucket: le is never "0.2"',
      "grouping by evnt: no such label",
    ],
  );
});
