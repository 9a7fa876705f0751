/**
 * `GET /metrics` in Prometheus text format (version 0.0.4), rendered from the adapter's state
 * at scrape time. Nothing is counted for Prometheus on the datagram path: the reducer's own
 * counters are read when kubelet's neighbour, the scraper, asks. The format is small enough to
 * write here; a client library would add its start-up cost to every Pod for a dozen families.
 *
 * @module
 */

import type { Clock } from "./clock.ts";
import { countsOf } from "./counters.ts";
import type { AdapterState } from "./state.ts";
import { VERSION } from "./version.ts";
import { histogramsOf, type RatioHistogram, WATCHDOG_RATIO_BOUNDS } from "./watchdog_margin.ts";

/** The metric name prefix. */
export const METRIC_PREFIX = "sd_notify_adapter_";

/** The Content-Type of the Prometheus text format. */
export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Output lines dropped so far because an output did not keep up (behaviour §6). */
export interface DroppedLines {
  /** Echo lines dropped on stdout. */
  readonly stdout: number;
  /** Log records dropped on stderr. */
  readonly stderr: number;
}

/** No line dropped. */
export const NO_DROPPED_LINES: DroppedLines = Object.freeze({ stdout: 0, stderr: 0 });

/**
 * Receives one sample of a family: its label set as written (`{key="READY"}`, or `""` for
 * none), its value, and for a histogram the suffix of its series (`_bucket`, `_sum`, `_count`).
 */
export type Emit = (labels: string, value: number, suffix?: string) => void;

/** One metric family: its name after the prefix, type, help text and samples. */
export interface Family {
  /** The name after `sd_notify_adapter_`, such as `datagrams_total`. */
  readonly name: string;
  /** The Prometheus metric type. */
  readonly type: "counter" | "gauge" | "histogram";
  /** The `# HELP` text. */
  readonly help: string;
  /** Emits the samples, read from the state at scrape time. */
  readonly samples: (emit: Emit, state: AdapterState, clock: Clock, dropped: DroppedLines) => void;
}

// Label sets are written once each and kept: their values are the counters' keys, a fixed set
// (a scrape then allocates little more than its text; issue 20).
const labelSets = new Map<string, Map<string, string>>();
/** `{label="value"}`, escaped as the text format asks. */
function labelSet(label: string, value: string): string {
  let byValue = labelSets.get(label);
  if (byValue === undefined) labelSets.set(label, byValue = new Map());
  let text = byValue.get(value);
  if (text === undefined) byValue.set(value, text = `{${label}="${escapeLabel(value)}"}`);
  return text;
}

const labelled = (emit: Emit, label: string, counts: Readonly<Record<string, number>>) => {
  for (const value in counts) emit(labelSet(label, value), counts[value]);
};
const flag = (emit: Emit, value: boolean) => emit("", value ? 1 : 0);
// An unarmed deadline has no sample: "no deadline" is not "0 seconds left".
const secondsUntil = (emit: Emit, deadline: number | null, clock: Clock) => {
  if (deadline !== null) emit("", Math.max(0, deadline - clock.monotonic) / 1000);
};

// The `le` label sets of the watchdog ratio histograms, `+Inf` last.
const BUCKET_LABELS: readonly string[] = [...WATCHDOG_RATIO_BOUNDS.map(String), "+Inf"].map(
  (le) => labelSet("le", le),
);

/**
 * Emits a histogram's series: cumulative buckets up to `+Inf`, then the sum and the count.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { histogramSamples } from "./metrics.ts";
 * import { histogramsOf, NO_WATCHDOG_MARGIN } from "./watchdog_margin.ts";
 *
 * const lines: string[] = [];
 * histogramSamples((labels, value, suffix) => lines.push(`${suffix}${labels} ${value}`),
 *   histogramsOf({
 *     ...NO_WATCHDOG_MARGIN,
 *     unfolded: { ping: { intervalMs: 6_000, marginMs: 4_000, timeoutMs: 10_000 }, earlier: null },
 *     unfoldedCount: 1,
 *   }).margin);
 * assert.ok(lines.includes('_bucket{le="0.5"} 1'));
 * assert.equal(lines.at(-1), "_count 1");
 * ```
 */
export function histogramSamples(emit: Emit, histogram: RatioHistogram): void {
  let count = 0;
  histogram.counts.forEach((observations, bucket) => {
    count += observations;
    emit(BUCKET_LABELS[bucket], count, "_bucket");
  });
  emit("", histogram.sum, "_sum");
  emit("", count, "_count");
}

/** Every family /metrics exposes, in order. */
export const FAMILIES: readonly Family[] = Object.freeze<Family[]>([
  {
    name: "info",
    type: "gauge",
    help: "Always 1; the version label says which adapter answers.",
    samples: (emit) => emit(labelSet("version", VERSION), 1),
  },
  {
    name: "start_time_seconds",
    type: "gauge",
    help: "Unix time at which the adapter became healthy (socket bound, HTTP listening).",
    samples: (emit, state, clock) => {
      if (state.startedAtMs !== null) {
        emit("", Math.round(clock.origin + state.startedAtMs) / 1000);
      }
    },
  },
  {
    name: "datagrams_total",
    type: "counter",
    help: "Datagrams received on NOTIFY_SOCKET.",
    samples: (emit, state) => emit("", state.counters.datagrams),
  },
  {
    name: "lines_total",
    type: "counter",
    help: "Accepted message lines by key (X_* for every extension key).",
    samples: (emit, state) => labelled(emit, "key", countsOf(state.counters).lines),
  },
  {
    name: "events_total",
    type: "counter",
    help: "Events by name.",
    samples: (emit, state) => labelled(emit, "event", countsOf(state.counters).events),
  },
  {
    name: "rejected_total",
    type: "counter",
    help: "Rejected input (whole datagrams or lines) by reason.",
    samples: (emit, state) => labelled(emit, "reason", state.counters.rejected),
  },
  {
    name: "output_dropped_lines_total",
    type: "counter",
    help: "Echo (stdout) and log (stderr) lines dropped because the output did not keep up.",
    samples: (emit, _state, _clock, dropped) => {
      emit(labelSet("output", "stdout"), dropped.stdout);
      emit(labelSet("output", "stderr"), dropped.stderr);
    },
  },
  {
    name: "healthz",
    type: "gauge",
    help: "1 when /healthz answers 200.",
    samples: (emit, state) => flag(emit, state.healthz),
  },
  {
    name: "livez",
    type: "gauge",
    help: "1 when /livez answers 200.",
    samples: (emit, state) => flag(emit, state.livez),
  },
  {
    name: "readyz",
    type: "gauge",
    help: "1 when /readyz answers 200.",
    samples: (emit, state) => flag(emit, state.readyz),
  },
  {
    name: "watchdog_timeout_seconds",
    type: "gauge",
    help: "The watchdog timeout in force; 0 when there is no watchdog.",
    samples: (emit, state) => emit("", state.watchdogTimeoutMs / 1000),
  },
  {
    name: "watchdog_deadline_seconds",
    type: "gauge",
    help: "Seconds until the watchdog expires; absent while it is not armed.",
    samples: (emit, state, clock) => secondsUntil(emit, state.watchdogDeadlineMs, clock),
  },
  {
    name: "watchdog_ping_interval_ratio",
    type: "histogram",
    help: "At each measured WATCHDOG=1, the time since the watchdog last started " +
      "(the previous ping, or the READY=1 or WATCHDOG_USEC= that armed it), over the timeout.",
    samples: (emit, state) => histogramSamples(emit, histogramsOf(state.watchdogMargin).interval),
  },
  {
    name: "watchdog_margin_ratio",
    type: "histogram",
    help: "At each measured WATCHDOG=1, the time that was left before the watchdog deadline, " +
      "over the timeout; 0 when the deadline had passed.",
    samples: (emit, state) => histogramSamples(emit, histogramsOf(state.watchdogMargin).margin),
  },
  {
    name: "start_deadline_seconds",
    type: "gauge",
    help: "Seconds until the start timeout; absent once READY=1 came or with no start timeout.",
    samples: (emit, state, clock) => secondsUntil(emit, state.startDeadlineMs, clock),
  },
]);

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

// Each family's full name, and its HELP and TYPE lines, written once.
const NAMES: readonly string[] = FAMILIES.map((family) => METRIC_PREFIX + family.name);
const HEADERS: readonly string[] = FAMILIES.map(({ help, type }, index) =>
  `# HELP ${NAMES[index]} ${help}\n# TYPE ${NAMES[index]} ${type}\n`
);

/**
 * The Prometheus text exposition of `state` at the time of `clock`, with the output lines
 * `dropped` so far.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { renderMetrics } from "./metrics.ts";
 * import { initialState } from "./state.ts";
 *
 * const clock = { wall: 0, monotonic: 0, origin: 0 };
 * const text = renderMetrics(initialState(parseConfig({}).config), clock);
 * assert.ok(text.includes("# TYPE sd_notify_adapter_datagrams_total counter\n"));
 * assert.ok(text.includes("sd_notify_adapter_datagrams_total 0\n"));
 * ```
 */
export function renderMetrics(
  state: AdapterState,
  clock: Clock,
  dropped: DroppedLines = NO_DROPPED_LINES,
): string {
  let text = "";
  let name = "";
  const emit: Emit = (labels, value, suffix = "") => {
    // JSON.stringify writes a finite number as `${value}` would, but not through V8's
    // number-string cache, whose strings are allocated in the old generation and so outlive
    // the scrape until a full collection: a deadline in seconds is a new number every scrape,
    // and the adapter's heap grew by one string per scrape (issue 20).
    text += `${name}${suffix}${labels} ${JSON.stringify(value)}\n`;
  };
  for (let index = 0; index < FAMILIES.length; index++) {
    name = NAMES[index];
    text += HEADERS[index];
    FAMILIES[index].samples(emit, state, clock, dropped);
  }
  return text;
}
