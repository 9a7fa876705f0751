import assert from "node:assert/strict";
import type { Footprint } from "../../bench/footprint.ts";
import { mainTable, markdownTable } from "../../bench/report.ts";

Deno.test("markdownTable() pads every column to its widest cell", () => {
  assert.equal(
    markdownTable(["metric", "x"], [["a", "1.0"], ["longer one", "2"]]),
    [
      "| metric     | x   |",
      "| ---------- | --- |",
      "| a          | 1.0 |",
      "| longer one | 2   |",
    ].join("\n"),
  );
});

const footprint = (startupMs: number, idleRssMB: number): Footprint => ({
  startupMs,
  startupCpuMs: startupMs * 2,
  idleRssMB,
  idleAnonMB: idleRssMB / 4,
  samples: [],
});

Deno.test("mainTable() puts the adapter beside the floor, with each target and whether it is met", () => {
  const table = mainTable({
    footprint: {
      floor: footprint(17, 38.4),
      adapter: footprint(23, 42.5),
      binary: footprint(12.5, 42.0),
    },
  });
  assert.equal(
    table,
    [
      "| metric                                                            | floor   | adapter | ratio            | target         | met?   |",
      "| ----------------------------------------------------------------- | ------- | ------- | ---------------- | -------------- | ------ |",
      "| idle RSS (1 s after spawn)                                        | 38.4 MB | 42.5 MB | 1.11× (+4.1 MB)  | ≤ floor + 4 MB | **no** |",
      "| start-up: spawn → `/healthz` 200 (`deno run`, warm cache)         | 17.0 ms | 23.0 ms | 1.35× (+6.0 ms)  | ≤ floor + 6 ms | yes    |",
      "| start-up CPU time, all threads (less sensitive to a busy machine) | 34.0 ms | 46.0 ms | 1.35× (+12.0 ms) |                |        |",
      "| idle RSS, compiled binary (`deno run`: 42.5 MB)                   | 38.4 MB | 42.0 MB | 1.09× (+3.6 MB)  | ≤ floor + 4 MB | yes    |",
      "| start-up, compiled binary (`deno run`: 23.0 ms)                   | 17.0 ms | 12.5 ms | 0.74× (−4.5 ms)  | ≤ floor + 6 ms | yes    |",
    ].join("\n"),
  );
});

Deno.test("mainTable() leaves out the rows of the parts that did not run", () => {
  const table = mainTable({
    timers: {
      startTimeoutMs: { p50: 3.3, max: 5.01, runs: 9 },
      watchdogMs: { p50: 1, p99: 5, runs: 120 },
    },
  });
  assert.deepEqual(table.split("\n").slice(2).map((row) => row.split("|").map((c) => c.trim())), [
    [
      "",
      "watchdog timeout → `/livez` 503, lateness p50 / p99 (120 runs)",
      "—",
      "1.00 / 5.00 ms",
      "",
      "p99 ≤ 5 ms",
      "yes",
      "",
    ],
    [
      "",
      "start timeout → `/livez` 503, lateness p50 / max (9 runs)",
      "—",
      "3.30 / 5.01 ms",
      "",
      "≤ 5 ms",
      "**no**",
      "",
    ],
  ]);
});
