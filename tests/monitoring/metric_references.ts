/**
 * What a PromQL expression of the alert rules or the dashboard refers to, checked against what
 * the adapter exposes: a query on a misspelt metric or label value parses (promtool accepts it)
 * and returns nothing, so an alert never fires and a panel stays empty. The exposition is the
 * adapter's own, rendered by `lib/core/metrics.ts`.
 *
 * @module
 */

import assert from "node:assert/strict";
import { parseConfig } from "../../lib/core/config.ts";
import { renderMetrics } from "../../lib/core/metrics.ts";
import { parseNotifyMessage } from "../../lib/core/notify_message.ts";
import { initialState, step } from "../../lib/core/reducer.ts";

/**
 * The labels Prometheus adds to every series of a Pod scraped through a PodMonitor (and, with
 * the usual relabelling, through the prometheus.io/* annotations).
 */
export const TARGET_LABELS: readonly string[] = [
  "namespace",
  "pod",
  "container",
  "endpoint",
  "instance",
  "job",
];

/**
 * Every series name the adapter exposes, with each label's values: those of an adapter whose
 * start timer and watchdog both run, so that every family has its samples.
 */
export function exposedSeries(): Map<string, Map<string, Set<string>>> {
  const { config } = parseConfig({ ADAPTER_UNIT_WATCHDOG_SEC: "10" });
  const started = step(initialState(config), {
    kind: "started",
    socket: "@metrics",
    address: "[::]:8089",
    pid: 4242,
  }, 0).state;
  const ping = parseNotifyMessage(new TextEncoder().encode("WATCHDOG=1"));
  const state = step(started, { kind: "datagram", message: ping }, 1).state;
  assert.ok(state.watchdogDeadlineMs !== null && state.startDeadlineMs !== null);
  const series = new Map<string, Map<string, Set<string>>>();
  const text = renderMetrics(state, { wall: 0, monotonic: 2, origin: 0 });
  for (const line of text.split("\n")) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? /.exec(line);
    if (match === null) continue;
    const labels = series.get(match[1]) ?? new Map<string, Set<string>>();
    series.set(match[1], labels);
    for (const [, name, value] of (match[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)) {
      labels.set(name, (labels.get(name) ?? new Set()).add(value));
    }
  }
  return series;
}

/**
 * Everything in `expr` that the adapter does not expose, one line each: an
 * `sd_notify_adapter_*` name no series has, a label matcher on a label the series lacks, a
 * value (or an alternative of a `=~"a|b"` matcher) it never takes, a grouping label
 * (`by`, `without`, `on`, `ignoring`) that no series of the expression, nor the target, has.
 */
export function unknownReferences(
  expr: string,
  exposed: Map<string, Map<string, Set<string>>> = exposedSeries(),
): string[] {
  const problems: string[] = [];
  const labelsUsed = new Set(TARGET_LABELS);
  for (const [, metric, matchers] of expr.matchAll(/\b(sd_notify_adapter_\w+)(?:\{([^}]*)\})?/g)) {
    const labels = exposed.get(metric);
    if (labels === undefined) {
      problems.push(`${metric}: no such series`);
      continue;
    }
    for (const name of labels.keys()) labelsUsed.add(name);
    for (
      const [, name, operator, value] of (matchers ?? "").matchAll(
        /(\w+)\s*(=~|!~|!=|=)\s*"([^"]*)"/g,
      )
    ) {
      if (TARGET_LABELS.includes(name)) continue;
      const values = labels.get(name);
      if (values === undefined) {
        problems.push(`${metric}: no label ${name}`);
        continue;
      }
      const alternatives = operator.endsWith("~") ? value.split("|") : [value];
      for (const alternative of alternatives) {
        if (!values.has(alternative)) {
          problems.push(`${metric}: ${name} is never "${alternative}"`);
        }
      }
    }
  }
  for (const [, names] of expr.matchAll(/\b(?:by|without|on|ignoring)\s*\(([^)]*)\)/g)) {
    for (const name of names.split(",").map((name) => name.trim()).filter((name) => name !== "")) {
      if (!labelsUsed.has(name)) problems.push(`grouping by ${name}: no such label`);
    }
  }
  return problems;
}
