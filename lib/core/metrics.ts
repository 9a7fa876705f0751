/**
 * `GET /metrics` in Prometheus text format (version 0.0.4), rendered from the adapter's state
 * at scrape time. Nothing is counted for Prometheus on the datagram path: the reducer's own
 * counters are read when kubelet's neighbour, the scraper, asks. The format is small enough to
 * write here; a client library would add its start-up cost to every Pod for a dozen families.
 *
 * @module
 */

import type { Clock } from "./clock.ts";
import type { AdapterState } from "./state.ts";
import { VERSION } from "./version.ts";
import { type RatioHistogram, WATCHDOG_RATIO_BOUNDS } from "./watchdog_margin.ts";

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

/** A sample's labels, by name: `{ key: "READY" }`. */
export type Labels = Readonly<Record<string, string>>;
/**
 * One sample of a family: its labels, its value, and for a histogram the suffix of its series
 * (`_bucket`, `_sum`, `_count`).
 */
export type Sample = readonly [labels: Labels, value: number, suffix?: string];

/** One metric family: its name after the prefix, type, help text and samples. */
export interface Family {
  /** The name after `sd_notify_adapter_`, such as `datagrams_total`. */
  readonly name: string;
  /** The Prometheus metric type. */
  readonly type: "counter" | "gauge" | "histogram";
  /** The `# HELP` text. */
  readonly help: string;
  /** The samples, read from the state at scrape time. */
  readonly samples: (state: AdapterState, clock: Clock, dropped: DroppedLines) => readonly Sample[];
}

const labelled = (label: string, counts: Readonly<Record<string, number>>): Sample[] =>
  Object.entries(counts).map(([value, count]) => [{ [label]: value }, count]);
const flag = (value: boolean): Sample[] => [[{}, value ? 1 : 0]];
// An unarmed deadline has no sample: "no deadline" is not "0 seconds left".
const secondsUntil = (deadline: number | null, clock: Clock): Sample[] =>
  deadline === null ? [] : [[{}, Math.max(0, deadline - clock.monotonic) / 1000]];

/**
 * A histogram's series: cumulative buckets up to `+Inf`, then the sum and the count.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { histogramSamples } from "./metrics.ts";
 * import { NO_WATCHDOG_MARGIN, observeRatio } from "./watchdog_margin.ts";
 *
 * const samples = histogramSamples(observeRatio(NO_WATCHDOG_MARGIN.margin, 0.4));
 * assert.deepEqual(samples.find(([labels]) => labels.le === "0.5"), [{ le: "0.5" }, 1, "_bucket"]);
 * assert.deepEqual(samples.at(-1), [{}, 1, "_count"]);
 * ```
 */
export function histogramSamples(histogram: RatioHistogram): Sample[] {
  const samples: Sample[] = [];
  let count = 0;
  histogram.counts.forEach((observations, bucket) => {
    count += observations;
    const le = bucket < WATCHDOG_RATIO_BOUNDS.length
      ? String(WATCHDOG_RATIO_BOUNDS[bucket])
      : "+Inf";
    samples.push([{ le }, count, "_bucket"]);
  });
  samples.push([{}, histogram.sum, "_sum"], [{}, count, "_count"]);
  return samples;
}

/** Every family /metrics exposes, in order. */
export const FAMILIES: readonly Family[] = Object.freeze<Family[]>([
  {
    name: "info",
    type: "gauge",
    help: "Always 1; the version label says which adapter answers.",
    samples: () => [[{ version: VERSION }, 1]],
  },
  {
    name: "start_time_seconds",
    type: "gauge",
    help: "Unix time at which the adapter became healthy (socket bound, HTTP listening).",
    samples: (state, clock) =>
      state.startedAtMs === null ? [] : [[{}, Math.round(clock.origin + state.startedAtMs) / 1000]],
  },
  {
    name: "datagrams_total",
    type: "counter",
    help: "Datagrams received on NOTIFY_SOCKET.",
    samples: (state) => [[{}, state.counters.datagrams]],
  },
  {
    name: "lines_total",
    type: "counter",
    help: "Accepted message lines by key (X_* for every extension key).",
    samples: (state) => labelled("key", state.counters.lines),
  },
  {
    name: "events_total",
    type: "counter",
    help: "Events by name.",
    samples: (state) => labelled("event", state.counters.events),
  },
  {
    name: "rejected_total",
    type: "counter",
    help: "Rejected input (whole datagrams or lines) by reason.",
    samples: (state) => labelled("reason", state.counters.rejected),
  },
  {
    name: "output_dropped_lines_total",
    type: "counter",
    help: "Echo (stdout) and log (stderr) lines dropped because the output did not keep up.",
    samples: (_state, _clock, dropped) => [
      [{ output: "stdout" }, dropped.stdout],
      [{ output: "stderr" }, dropped.stderr],
    ],
  },
  {
    name: "healthz",
    type: "gauge",
    help: "1 when /healthz answers 200.",
    samples: (state) => flag(state.healthz),
  },
  {
    name: "livez",
    type: "gauge",
    help: "1 when /livez answers 200.",
    samples: (state) => flag(state.livez),
  },
  {
    name: "readyz",
    type: "gauge",
    help: "1 when /readyz answers 200.",
    samples: (state) => flag(state.readyz),
  },
  {
    name: "watchdog_timeout_seconds",
    type: "gauge",
    help: "The watchdog timeout in force; 0 when there is no watchdog.",
    samples: (state) => [[{}, state.watchdogTimeoutMs / 1000]],
  },
  {
    name: "watchdog_deadline_seconds",
    type: "gauge",
    help: "Seconds until the watchdog expires; absent while it is not armed.",
    samples: (state, clock) => secondsUntil(state.watchdogDeadlineMs, clock),
  },
  {
    name: "watchdog_ping_interval_ratio",
    type: "histogram",
    help: "At each measured WATCHDOG=1, the time since the watchdog last started " +
      "(the previous ping, or the READY=1 or WATCHDOG_USEC= that armed it), over the timeout.",
    samples: (state) => histogramSamples(state.watchdogMargin.interval),
  },
  {
    name: "watchdog_margin_ratio",
    type: "histogram",
    help: "At each measured WATCHDOG=1, the time that was left before the watchdog deadline, " +
      "over the timeout; 0 when the deadline had passed.",
    samples: (state) => histogramSamples(state.watchdogMargin.margin),
  },
  {
    name: "start_deadline_seconds",
    type: "gauge",
    help: "Seconds until the start timeout; absent once READY=1 came or with no start timeout.",
    samples: (state, clock) => secondsUntil(state.startDeadlineMs, clock),
  },
]);

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function formatLabels(labels: Labels): string {
  const pairs = Object.entries(labels).map(([name, value]) => `${name}="${escapeLabel(value)}"`);
  return pairs.length === 0 ? "" : `{${pairs.join(",")}}`;
}

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
  const lines: string[] = [];
  for (const family of FAMILIES) {
    const name = METRIC_PREFIX + family.name;
    lines.push(`# HELP ${name} ${family.help}`, `# TYPE ${name} ${family.type}`);
    for (const [labels, value, suffix = ""] of family.samples(state, clock, dropped)) {
      lines.push(`${name}${suffix}${formatLabels(labels)} ${value}`);
    }
  }
  return lines.join("\n") + "\n";
}
