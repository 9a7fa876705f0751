/**
 * The report: Markdown tables, and the main one, which puts the adapter beside its floor for
 * each metric the per-Pod footprint is judged by, with its target and whether it is met.
 *
 * @module
 */

import type { Flood } from "./flood.ts";
import type { Footprint } from "./footprint.ts";
import type { Timers } from "./timers.ts";

/**
 * A Markdown table, its columns padded to their widest cell, as `deno fmt` lays tables out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(
 *   markdownTable(["a", "bb"], [["1", "2"]]),
 *   "| a   | bb  |\n| --- | --- |\n| 1   | 2   |",
 * );
 * ```
 */
export function markdownTable(header: readonly string[], rows: readonly string[][]): string {
  const widths = header.map((cell, i) =>
    Math.max(3, cell.length, ...rows.map((row) => row[i].length))
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(" | ")} |`;
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)]
    .join("\n");
}

/** A target of issue 20: its words, and whether a figure (beside the floor's) meets it. */
interface Target {
  readonly text: string;
  readonly met: (project: number, floor: number) => boolean;
}

/** The targets, one per metric. */
const TARGETS = {
  idleRss: { text: "≤ floor + 4 MB", met: (project, floor) => project <= floor + 4 },
  startup: { text: "≤ floor + 6 ms", met: (project, floor) => project <= floor + 6 },
  throughput: { text: "≥ 0.8× floor", met: (project, floor) => project >= 0.8 * floor },
  probeP99: { text: "≤ 1 ms", met: (project) => project <= 1 },
  rssRatio: { text: "≤ 1.3× idle", met: (project) => project <= 1.3 },
  lost: { text: "0", met: (project) => project === 0 },
  watchdogP99: { text: "p99 ≤ 5 ms", met: (project) => project <= 5 },
  startTimeoutMax: { text: "≤ 5 ms", met: (project) => project <= 5 },
} satisfies Record<string, Target>;

/** What the main table is made of; a part that did not run leaves its rows out. */
export interface Measured {
  readonly footprint?: {
    readonly floor: Footprint;
    readonly adapter: Footprint;
    readonly binary?: Footprint;
  };
  readonly flood?: { readonly floor: Flood; readonly adapter: Flood };
  readonly timers?: Timers;
}

const fixed = (value: number, digits: number) => value.toFixed(digits);
const kPerSecond = (perSecond: number) => `${Math.round(perSecond / 1000)} k/s`;
const ratio = (project: number, floor: number) => `${fixed(project / floor, 2)}×`;
const plus = (project: number, floor: number, unit: string) =>
  `${ratio(project, floor)} (${project >= floor ? "+" : "−"}${
    fixed(Math.abs(project - floor), 1)
  } ${unit})`;
const yes = (ok: boolean) => ok ? "yes" : "**no**";

/** The main table: metric | floor | adapter | ratio | target | met? */
export function mainTable({ footprint, flood, timers }: Measured): string {
  const rows: string[][] = [];
  const row = (
    metric: string,
    floor: string,
    project: string,
    ratioText: string,
    target?: Target,
    figures?: [number, number],
  ) =>
    rows.push([
      metric,
      floor,
      project,
      ratioText,
      target?.text ?? "",
      target === undefined ? "" : yes(target.met(...figures!)),
    ]);
  if (footprint !== undefined) {
    const { floor, adapter, binary } = footprint;
    const mb = (f: Footprint) => `${fixed(f.idleRssMB, 1)} MB`;
    const ms = (f: Footprint) => `${fixed(f.startupMs, 1)} ms`;
    row(
      "idle RSS (1 s after spawn)",
      mb(floor),
      mb(adapter),
      plus(adapter.idleRssMB, floor.idleRssMB, "MB"),
      TARGETS.idleRss,
      [adapter.idleRssMB, floor.idleRssMB],
    );
    row(
      "start-up: spawn → `/healthz` 200 (`deno run`, warm cache)",
      ms(floor),
      ms(adapter),
      plus(adapter.startupMs, floor.startupMs, "ms"),
      TARGETS.startup,
      [adapter.startupMs, floor.startupMs],
    );
    const cpu = (f: Footprint) => `${fixed(f.startupCpuMs, 1)} ms`;
    row(
      "start-up CPU time, all threads (less sensitive to a busy machine)",
      cpu(floor),
      cpu(adapter),
      plus(adapter.startupCpuMs, floor.startupCpuMs, "ms"),
    );
    if (binary !== undefined) {
      row(
        `idle RSS, compiled binary (\`deno run\`: ${mb(adapter)})`,
        mb(floor),
        mb(binary),
        plus(binary.idleRssMB, floor.idleRssMB, "MB"),
        TARGETS.idleRss,
        [binary.idleRssMB, floor.idleRssMB],
      );
      row(
        `start-up, compiled binary (\`deno run\`: ${ms(adapter)})`,
        ms(floor),
        ms(binary),
        plus(binary.startupMs, floor.startupMs, "ms"),
        TARGETS.startup,
        [binary.startupMs, floor.startupMs],
      );
    }
  }
  if (flood !== undefined) {
    const { floor, adapter } = flood;
    row(
      "throughput, 200 k `WATCHDOG=1`, echo + log on, until all echoed",
      kPerSecond(floor.throughput),
      kPerSecond(adapter.throughput),
      ratio(adapter.throughput, floor.throughput),
      TARGETS.throughput,
      [adapter.throughput, floor.throughput],
    );
    row(
      "probe p99 in a flood (1 M more, a probe every 2 ms, new connection each)",
      `${fixed(floor.probeFloodMs.p99, 2)} ms`,
      `${fixed(adapter.probeFloodMs.p99, 2)} ms`,
      ratio(adapter.probeFloodMs.p99, floor.probeFloodMs.p99),
      TARGETS.probeP99,
      [adapter.probeFloodMs.p99, floor.probeFloodMs.p99],
    );
    const after = (f: Flood) => `${fixed(f.rssRatio, 2)}× (${fixed(f.rssAfterFloodMB, 1)} MB)`;
    row(
      "RSS after the 1.2 M datagrams / idle RSS",
      after(floor),
      after(adapter),
      ratio(adapter.rssRatio, floor.rssRatio),
      TARGETS.rssRatio,
      [adapter.rssRatio, floor.rssRatio],
    );
    row("datagrams lost (of 1.2 M)", String(floor.lost), String(adapter.lost), "", TARGETS.lost, [
      adapter.lost,
      floor.lost,
    ]);
    row(
      "throughput of the 1 M under probes",
      kPerSecond(floor.probedThroughput),
      kPerSecond(adapter.probedThroughput),
      ratio(adapter.probedThroughput, floor.probedThroughput),
    );
    const cpu = (f: Flood) => `${fixed(f.mainCpuUs, 2)} / ${fixed(f.allCpuUs, 2)} µs`;
    row(
      "CPU per datagram (200 k flood): main thread / all threads",
      cpu(floor),
      cpu(adapter),
      ratio(adapter.mainCpuUs, floor.mainCpuUs),
    );
    const p50max = (f: Flood) =>
      `${fixed(f.probeFloodMs.p50, 2)} / ${fixed(f.probeFloodMs.max, 2)} ms`;
    row("probe p50 / max in the flood", p50max(floor), p50max(adapter), "");
    const idle = (f: Flood) => `${fixed(f.probeIdleMs.p50, 2)} / ${fixed(f.probeIdleMs.p99, 2)} ms`;
    row("probe p50 / p99 at rest", idle(floor), idle(adapter), "");
  }
  if (timers !== undefined) {
    const { startTimeoutMs: start, watchdogMs: watchdog } = timers;
    row(
      `watchdog timeout → \`/livez\` 503, lateness p50 / p99 (${watchdog.runs} runs)`,
      "—",
      `${fixed(watchdog.p50, 2)} / ${fixed(watchdog.p99, 2)} ms`,
      "",
      TARGETS.watchdogP99,
      [watchdog.p99, 0],
    );
    row(
      `start timeout → \`/livez\` 503, lateness p50 / max (${start.runs} runs)`,
      "—",
      `${fixed(start.p50, 2)} / ${fixed(start.max, 2)} ms`,
      "",
      TARGETS.startTimeoutMax,
      [start.max, 0],
    );
  }
  return markdownTable(["metric", "floor", "adapter", "ratio", "target", "met?"], rows);
}
