// The Grafana dashboard of examples/monitoring/: made by scripts/grafana_dashboard.ts, shaped
// as Grafana imports it, and every panel's query parsed by promtool and checked against the
// adapter's own series.
import assert from "node:assert/strict";
import { dashboard, DASHBOARD_FILE, DATASOURCE } from "../../scripts/grafana_dashboard.ts";
import { promtool } from "../helpers/promtool.ts";
import { needs } from "../helpers/tools.ts";
import { tempDir } from "../helpers/adapter_process.ts";
import { unknownReferences } from "./metric_references.ts";

interface Target {
  datasource: unknown;
  refId: string;
  expr: string;
}

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: unknown;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Target[];
}

// deno-lint-ignore no-explicit-any
const file = (): any => JSON.parse(Deno.readTextFileSync(DASHBOARD_FILE));
const panels = (): Panel[] => file().panels;
const queries = () =>
  panels().flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ where: `${panel.title} ${target.refId}`, ...target }))
  );

/** Grafana's variables as Prometheus would see them once Grafana has put in their values. */
const VARIABLES: Readonly<Record<string, string>> = {
  "$namespace": ".*",
  "$pod": ".*",
  "$__rate_interval": "5m",
  "$__range": "1h",
};

function substituted(expr: string): string {
  return expr.replace(/\$\w+/g, (variable) => {
    const value = VARIABLES[variable];
    assert.ok(value !== undefined, `unknown variable ${variable} in ${expr}`);
    return value;
  });
}

Deno.test("dashboard: the JSON is what scripts/grafana_dashboard.ts makes", () => {
  assert.equal(
    Deno.readTextFileSync(DASHBOARD_FILE),
    JSON.stringify(dashboard(), null, 2) + "\n",
    "stale: run deno run --allow-write scripts/grafana_dashboard.ts",
  );
});

Deno.test("dashboard: the data source is a variable, and namespaces and Pods are chosen from the adapters", () => {
  const { uid, title, schemaVersion, templating } = file();
  assert.equal(uid, "sd-notify-adapter");
  assert.equal(title, "sd-notify-adapter");
  assert.ok(schemaVersion >= 36);
  // deno-lint-ignore no-explicit-any
  const variables = Object.fromEntries(templating.list.map((v: any) => [v.name, v]));
  assert.deepEqual(Object.keys(variables), ["datasource", "namespace", "pod"]);
  assert.equal(variables.datasource.type, "datasource");
  assert.equal(variables.datasource.query, "prometheus");
  for (const name of ["namespace", "pod"]) {
    const variable = variables[name];
    assert.equal(variable.type, "query", name);
    assert.deepEqual(variable.datasource, DATASOURCE, name);
    assert.equal(variable.multi && variable.includeAll, true, name);
    assert.equal(variable.allValue, ".*", name);
    assert.equal(variable.query.query, variable.definition, name);
    const selector = /^label_values\((.+), (\w+)\)$/.exec(variable.definition);
    assert.ok(selector, variable.definition);
    assert.equal(selector[2], name);
    assert.deepEqual(unknownReferences(selector[1]), [], name);
  }
  assert.match(variables.pod.definition, /namespace=~"\$namespace"/);
});

Deno.test("dashboard: every panel reads the data source variable, has a unique id and fits the grid without overlap", () => {
  const all = panels();
  assert.equal(new Set(all.map(({ id }) => id)).size, all.length);
  const taken = new Set<string>();
  for (const { title, type, datasource, gridPos, targets } of all) {
    const { x, y, w, h } = gridPos;
    assert.ok(x >= 0 && w > 0 && h > 0 && x + w <= 24, title);
    for (let column = x; column < x + w; column++) {
      for (let row = y; row < y + h; row++) {
        assert.ok(!taken.has(`${column},${row}`), `${title} overlaps at ${column},${row}`);
        taken.add(`${column},${row}`);
      }
    }
    if (type === "row") continue;
    assert.deepEqual(datasource, DATASOURCE, title);
    assert.ok(targets !== undefined && targets.length > 0, title);
    assert.equal(new Set(targets.map(({ refId }) => refId)).size, targets.length, title);
    for (const target of targets) assert.deepEqual(target.datasource, DATASOURCE, title);
  }
});

Deno.test("dashboard: it shows the probes, datagrams, events, watchdog margin, rejections and drops", () => {
  const shown = queries().map(({ expr }) => expr).join("\n");
  const series = [
    "healthz",
    "livez",
    "readyz",
    "datagrams_total",
    "events_total",
    "lines_total",
    "watchdog_margin_ratio_bucket",
    "watchdog_ping_interval_ratio_sum",
    "watchdog_timeout_seconds",
    "watchdog_deadline_seconds",
    "rejected_total",
    "output_dropped_lines_total",
    "start_time_seconds",
    "info",
  ];
  for (const name of series) assert.match(shown, new RegExp(`sd_notify_adapter_${name}\\{`), name);
  const kinds = new Set(panels().map(({ type }) => type));
  for (const kind of ["state-timeline", "timeseries", "heatmap", "stat"]) {
    assert.ok(kinds.has(kind));
  }
});

Deno.test("dashboard: every query selects the chosen namespaces and Pods", () => {
  for (const { where, expr } of queries()) {
    const selectors = [...expr.matchAll(/sd_notify_adapter_\w+(\{[^}]*\})?/g)];
    assert.ok(selectors.length > 0, where);
    for (const [selector, matchers] of selectors) {
      assert.ok(
        matchers?.startsWith('{namespace=~"$namespace", pod=~"$pod"'),
        `${where}: ${selector}`,
      );
    }
  }
});

Deno.test("dashboard: every metric, label and label value a query names is one the adapter exposes", () => {
  for (const { where, expr } of queries()) assert.deepEqual(unknownReferences(expr), [], where);
});

// Each query becomes a recording rule, its variables given values as Grafana gives them, so
// that promtool parses it as Prometheus will.
Deno.test("dashboard: promtool parses every panel's query", needs("promtool"), async () => {
  const all = queries();
  const rules = {
    groups: [{
      name: "dashboard",
      rules: all.map(({ expr }, index) => ({
        record: `dashboard:query_${index}`,
        expr: substituted(expr),
      })),
    }],
  };
  const dir = tempDir();
  try {
    const path = `${dir.path}/dashboard.rules.json`;
    Deno.writeTextFileSync(path, JSON.stringify(rules, null, 2));
    const result = await promtool(["check", "rules", "--lint=all", "--lint-fatal", path]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, new RegExp(`SUCCESS: ${all.length} rules found`));
  } finally {
    dir.remove();
  }
});

Deno.test(
  "dashboard: promtool refuses a query that does not parse, so the check above means something",
  needs("promtool"),
  async () => {
    const dir = tempDir();
    try {
      const path = `${dir.path}/broken.rules.json`;
      const expr = "sum by (pod (rate(sd_notify_adapter_datagrams_total[5m]))";
      Deno.writeTextFileSync(
        path,
        JSON.stringify({ groups: [{ name: "a", rules: [{ record: "a:b", expr }] }] }),
      );
      const result = await promtool(["check", "rules", path]);
      assert.equal(result.code, 1, result.stdout);
      assert.match(result.stdout + result.stderr, /parse error/);
    } finally {
      dir.remove();
    }
  },
);
