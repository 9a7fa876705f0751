import assert from "node:assert/strict";
import { podMonitorErrors } from "./pod_monitor.ts";

function podMonitor() {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PodMonitor",
    metadata: { name: "a" },
    spec: {
      selector: { matchLabels: { app: "a" } },
      podMetricsEndpoints: [{ port: "adapter", path: "/metrics", interval: "30s" }],
    },
  };
}

Deno.test("`podMonitorErrors()` accepts a PodMonitor that names its port", () => {
  assert.deepEqual(podMonitorErrors(podMonitor()), []);
});

Deno.test("`podMonitorErrors()` names unknown fields, wrong values and missing ones", () => {
  const monitor = podMonitor();
  Object.assign(monitor.spec.podMetricsEndpoints[0], { interval: "30 seconds", prot: "x" });
  Object.assign(monitor.spec, { selectr: {} });
  assert.deepEqual(podMonitorErrors(monitor), [
    "spec.podMetricsEndpoints[0].interval: must be a Prometheus duration such as 30s",
    'unknown field "spec.podMetricsEndpoints[0].prot"',
    'unknown field "spec.selectr"',
  ]);
  const portless = podMonitor();
  portless.spec.podMetricsEndpoints = [{ path: "metrics" } as never];
  assert.deepEqual(podMonitorErrors(portless), [
    "spec.podMetricsEndpoints[0].path: must be a path such as /metrics",
    "spec.podMetricsEndpoints[0]: must name the port to scrape (port or portNumber)",
  ]);
  const { spec: _spec, ...specless } = podMonitor();
  assert.deepEqual(podMonitorErrors(specless), ['must have required property "spec"']);
});
