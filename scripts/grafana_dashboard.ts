/**
 * Writes `examples/monitoring/grafana-dashboard.json`, the Grafana dashboard of the adapters,
 * from the table of panels below: `deno run --allow-write scripts/grafana_dashboard.ts`. A
 * panel is a row of data (title, kind, queries); the JSON around it is made here, so that
 * every query selects the same Pods and every panel reads the same data source.
 * `tests/monitoring/dashboard_test.ts` fails when the file is stale, checks its structure, and
 * has promtool parse every query.
 *
 * @module
 */

/** The dashboard file. */
export const DASHBOARD_FILE = new URL(
  "../examples/monitoring/grafana-dashboard.json",
  import.meta.url,
);

/** The data source every panel and variable reads: the dashboard's `datasource` variable. */
export const DATASOURCE = Object.freeze({ type: "prometheus", uid: "${datasource}" });

/** The label matchers of every query: the Pods chosen with the dashboard's variables. */
const SELECTED = 'namespace=~"$namespace", pod=~"$pod"';

/** An adapter metric, restricted to the chosen Pods and to the `extra` matchers, if any. */
function m(name: string, extra = ""): string {
  return `sd_notify_adapter_${name}{${SELECTED}${extra === "" ? "" : `, ${extra}`}}`;
}

type Kind = "row" | "stat" | "state-timeline" | "timeseries" | "heatmap" | "table";

/** One query of a panel and the legend of its series. */
interface Query {
  readonly expr: string;
  readonly legend: string;
}

/** One panel: what it shows and how; its place follows from the order and the widths. */
interface PanelRow {
  readonly title: string;
  readonly kind: Kind;
  readonly description?: string;
  readonly queries?: readonly Query[];
  /** Of 24 columns. */
  readonly width?: number;
  readonly unit?: string;
  readonly min?: number;
  readonly max?: number;
  /** Values from which the panel turns red (and amber from `warnAt`), or below which. */
  readonly redAt?: number;
  readonly warnAt?: number;
  readonly lowIsBad?: boolean;
  readonly stacked?: boolean;
}

const PROBE_MAPPINGS = [{
  type: "value",
  options: {
    "0": { text: "503", color: "red", index: 0 },
    "1": { text: "200", color: "green", index: 1 },
  },
}];

/**
 * The panels, top to bottom, left to right. A new family of /metrics is one row here (and,
 * for an alert, one rule in sd-notify-adapter.rules.yaml).
 */
const PANELS: readonly PanelRow[] = [
  { title: "Probes", kind: "row" },
  {
    title: "Pods not ready",
    kind: "stat",
    width: 4,
    description: "Pods whose adapter answers 503 on /readyz now.",
    queries: [{ expr: `count(${m("readyz")} == 0) or vector(0)`, legend: "not ready" }],
    redAt: 1,
  },
  {
    title: "Probe states",
    kind: "state-timeline",
    width: 20,
    description: "What /healthz, /livez and /readyz answer, per Pod: 200 or 503.",
    queries: ["healthz", "livez", "readyz"].map((probe) => ({
      expr: m(probe),
      legend: `{{namespace}}/{{pod}} ${probe}`,
    })),
  },
  { title: "Watchdog", kind: "row" },
  {
    title: "Watchdog margin, lowest 1 % of pings",
    kind: "timeseries",
    width: 12,
    description: "The time left before the watchdog deadline at a ping, over the timeout: 99 % " +
      "of the pings came with more. 0 is a ping after the deadline; a healthy service that " +
      "pings every half timeout sits near 0.5. Under 0.1, a little more delay means a false " +
      "restart (alert SdNotifyWatchdogMarginLow).",
    queries: [{
      expr: "histogram_quantile(0.01, sum by (namespace, pod, le) (rate(" +
        `${m("watchdog_margin_ratio_bucket")}[$__rate_interval])))`,
      legend: "{{namespace}}/{{pod}}",
    }],
    unit: "percentunit",
    min: 0,
    max: 1,
    redAt: 0.1,
    warnAt: 0.25,
    lowIsBad: true,
  },
  {
    title: "Ping interval, mean",
    kind: "timeseries",
    width: 12,
    description: "The mean time between pings (from the watchdog's start), over the timeout. " +
      "sd_watchdog_enabled(3) advises half the timeout (0.5); sd-event pings between 0.5 and " +
      "0.75. Above 1, pings come after the deadline.",
    queries: [{
      expr: `sum by (namespace, pod) (rate(${m("watchdog_ping_interval_ratio_sum")}` +
        "[$__rate_interval])) / sum by (namespace, pod) (rate(" +
        `${m("watchdog_ping_interval_ratio_count")}[$__rate_interval]))`,
      legend: "{{namespace}}/{{pod}}",
    }],
    unit: "percentunit",
    min: 0,
    redAt: 0.9,
    warnAt: 0.75,
  },
  {
    title: "Watchdog margin, every ping",
    kind: "heatmap",
    width: 12,
    description: "How many pings came with how much of the timeout left, over all chosen Pods.",
    queries: [{
      expr: `sum by (le) (increase(${m("watchdog_margin_ratio_bucket")}[$__rate_interval]))`,
      legend: "{{le}}",
    }],
    unit: "percentunit",
  },
  {
    title: "Watchdog timeout and time left",
    kind: "timeseries",
    width: 12,
    description: "The watchdog timeout in force, and the seconds left before the deadline " +
      "when Prometheus scraped (no point while the watchdog is not armed).",
    queries: [
      { expr: m("watchdog_timeout_seconds"), legend: "{{namespace}}/{{pod}} timeout" },
      { expr: m("watchdog_deadline_seconds"), legend: "{{namespace}}/{{pod}} left" },
    ],
    unit: "s",
    min: 0,
  },
  { title: "Notifications", kind: "row" },
  {
    title: "Datagrams",
    kind: "timeseries",
    width: 8,
    description: "Datagrams received on NOTIFY_SOCKET, per second.",
    queries: [{
      expr: `sum by (namespace, pod) (rate(${m("datagrams_total")}[$__rate_interval]))`,
      legend: "{{namespace}}/{{pod}}",
    }],
    unit: "short",
    min: 0,
  },
  {
    title: "Events by kind",
    kind: "timeseries",
    width: 8,
    description: "Events (READY=1, pings, timeouts, STOPPING=1, …) in each interval.",
    queries: [{
      expr: `sum by (event) (increase(${m("events_total")}[$__rate_interval]))`,
      legend: "{{event}}",
    }],
    unit: "short",
    min: 0,
    stacked: true,
  },
  {
    title: "Accepted lines by key",
    kind: "timeseries",
    width: 8,
    description: "Accepted message lines per second, by key (X_* for every extension key).",
    queries: [{
      expr: `sum by (key) (rate(${m("lines_total")}[$__rate_interval]))`,
      legend: "{{key}}",
    }],
    unit: "short",
    min: 0,
    stacked: true,
  },
  { title: "Failures", kind: "row" },
  {
    title: "Timeouts, triggers and main process ends",
    kind: "timeseries",
    width: 8,
    description: "Watchdog timeouts, start timeouts, WATCHDOG=trigger and ends of the main " +
      "process in each interval (alerts SdNotifyWatchdogTimeout, SdNotifyStartTimeout, " +
      "SdNotifyMainProcessExited).",
    queries: [{
      expr: "sum by (namespace, pod, event) (increase(" +
        `${
          m("events_total", 'event=~"watchdog_timeout|start_timeout|watchdog_trigger|main_exited"')
        }` +
        "[$__rate_interval]))",
      legend: "{{namespace}}/{{pod}} {{event}}",
    }],
    unit: "short",
    min: 0,
    redAt: 1,
  },
  {
    title: "Rejected input by reason",
    kind: "timeseries",
    width: 8,
    description: "Datagrams and lines the adapter refused, per second, by reason " +
      "(alert SdNotifyDatagramsRejected).",
    queries: [{
      expr: `sum by (reason) (rate(${m("rejected_total")}[$__rate_interval]))`,
      legend: "{{reason}}",
    }],
    unit: "short",
    min: 0,
    stacked: true,
  },
  {
    title: "Output lines dropped",
    kind: "timeseries",
    width: 8,
    description: "Echo (stdout) and log (stderr) lines dropped because the output did not keep " +
      "up, per second (alert SdNotifyOutputLinesDropped).",
    queries: [{
      expr: "sum by (namespace, pod, output) (rate(" +
        `${m("output_dropped_lines_total")}[$__rate_interval]))`,
      legend: "{{namespace}}/{{pod}} {{output}}",
    }],
    unit: "short",
    min: 0,
    redAt: 1,
  },
  { title: "Adapters", kind: "row" },
  {
    title: "Adapter restarts in the time range",
    kind: "stat",
    width: 6,
    description: "Times an adapter started again in the same Pod (alert SdNotifyAdapterRestarted).",
    queries: [{
      expr: `sum(changes(${m("start_time_seconds")}[$__range])) or vector(0)`,
      legend: "restarts",
    }],
    redAt: 1,
  },
  {
    title: "Adapter uptime",
    kind: "timeseries",
    width: 12,
    description: "Time since each adapter became healthy; a drop is a restart.",
    queries: [{
      expr: `time() - ${m("start_time_seconds")}`,
      legend: "{{namespace}}/{{pod}}",
    }],
    unit: "s",
    min: 0,
  },
  {
    title: "Adapter versions",
    kind: "table",
    width: 6,
    description: "How many of the chosen Pods run each version.",
    queries: [{ expr: `count by (version) (${m("info")})`, legend: "{{version}}" }],
  },
];

const HEIGHTS: Readonly<Record<Kind, number>> = {
  row: 1,
  stat: 6,
  "state-timeline": 6,
  timeseries: 8,
  heatmap: 8,
  table: 8,
};

function thresholds(panel: PanelRow) {
  if (panel.redAt === undefined) {
    return { mode: "absolute", steps: [{ color: "green", value: null }] };
  }
  const steps = panel.lowIsBad
    ? [
      { color: "red", value: null },
      ...(panel.warnAt === undefined ? [] : [{ color: "orange", value: panel.redAt }]),
      { color: "green", value: panel.warnAt ?? panel.redAt },
    ]
    : [
      { color: "green", value: null },
      ...(panel.warnAt === undefined ? [] : [{ color: "orange", value: panel.warnAt }]),
      { color: "red", value: panel.redAt },
    ];
  return { mode: "absolute", steps };
}

function fieldConfig(panel: PanelRow) {
  const defaults: Record<string, unknown> = {
    unit: panel.unit ?? "short",
    thresholds: thresholds(panel),
    color: { mode: panel.redAt === undefined ? "palette-classic" : "thresholds" },
    mappings: panel.kind === "state-timeline" ? PROBE_MAPPINGS : [],
  };
  if (panel.min !== undefined) defaults.min = panel.min;
  if (panel.max !== undefined) defaults.max = panel.max;
  if (panel.kind === "timeseries") {
    defaults.custom = {
      drawStyle: "line",
      lineWidth: 1,
      fillOpacity: panel.stacked ? 30 : 0,
      stacking: { mode: panel.stacked ? "normal" : "none", group: "A" },
      thresholdsStyle: { mode: panel.redAt === undefined ? "off" : "line" },
    };
  }
  return { defaults, overrides: [] };
}

function options(panel: PanelRow) {
  switch (panel.kind) {
    case "stat":
      return {
        reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false },
        colorMode: "background",
        graphMode: "none",
        textMode: "value",
      };
    case "state-timeline":
      return {
        showValue: "never",
        mergeValues: true,
        rowHeight: 0.8,
        legend: { showLegend: false },
      };
    case "heatmap":
      return {
        calculate: false,
        yAxis: { unit: panel.unit },
        color: { mode: "scheme", scheme: "Oranges" },
        cellGap: 1,
        tooltip: { mode: "single", yHistogram: true },
      };
    case "table":
      return { showHeader: true };
    default:
      return {
        legend: { displayMode: "list", placement: "bottom", showLegend: true },
        tooltip: { mode: "multi", sort: "desc" },
      };
  }
}

function target(panel: PanelRow, query: Query, index: number) {
  const instant = panel.kind === "stat" || panel.kind === "table";
  return {
    datasource: DATASOURCE,
    refId: String.fromCharCode(65 + index),
    expr: query.expr,
    legendFormat: query.legend,
    range: !instant,
    instant,
    ...(panel.kind === "heatmap" ? { format: "heatmap" } : {}),
    ...(panel.kind === "table" ? { format: "table" } : {}),
  };
}

function panelsJson() {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return PANELS.map((panel, index) => {
    const width = panel.kind === "row" ? 24 : panel.width ?? 12;
    const height = HEIGHTS[panel.kind];
    if (x + width > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const gridPos = { x, y, w: width, h: height };
    x += width;
    rowHeight = Math.max(rowHeight, height);
    const id = index + 1;
    if (panel.kind === "row") {
      return { id, type: "row", title: panel.title, collapsed: false, gridPos, panels: [] };
    }
    return {
      id,
      type: panel.kind,
      title: panel.title,
      description: panel.description,
      datasource: DATASOURCE,
      gridPos,
      targets: (panel.queries ?? []).map((query, index) => target(panel, query, index)),
      fieldConfig: fieldConfig(panel),
      options: options(panel),
    };
  });
}

function queryVariable(name: string, label: string, query: string) {
  return {
    name,
    label,
    type: "query",
    datasource: DATASOURCE,
    definition: query,
    query: { query, refId: `${name}-variable` },
    refresh: 2,
    includeAll: true,
    multi: true,
    allValue: ".*",
    current: {},
    options: [],
    regex: "",
    sort: 1,
    hide: 0,
  };
}

/**
 * The dashboard, as Grafana (10 or later) imports it: the data source is a variable, and the
 * namespaces and Pods are chosen from those whose adapters Prometheus scrapes.
 *
 * @example
 * ```ts
 * dashboard().templating.list.map((variable) => variable.name); // ["datasource", "namespace", "pod"]
 * ```
 */
export function dashboard() {
  return {
    title: "sd-notify-adapter",
    uid: "sd-notify-adapter",
    description: "Probes, notifications, watchdog margin and failures of sd-notify-adapter, " +
      "per namespace and Pod. docs/observability.md explains each figure.",
    tags: ["sd-notify-adapter", "kubernetes"],
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    time: { from: "now-6h", to: "now" },
    refresh: "1m",
    timezone: "browser",
    annotations: { list: [] },
    links: [],
    templating: {
      list: [
        {
          name: "datasource",
          label: "Data source",
          type: "datasource",
          query: "prometheus",
          current: {},
          options: [],
          regex: "",
          refresh: 1,
          hide: 0,
        },
        queryVariable("namespace", "Namespace", "label_values(sd_notify_adapter_info, namespace)"),
        queryVariable(
          "pod",
          "Pod",
          'label_values(sd_notify_adapter_info{namespace=~"$namespace"}, pod)',
        ),
      ],
    },
    panels: panelsJson(),
  };
}

if (import.meta.main) {
  Deno.writeTextFileSync(DASHBOARD_FILE, JSON.stringify(dashboard(), null, 2) + "\n");
}
