/**
 * The soak: does RSS keep growing under a steady load? The adapter and the floor run side by
 * side, all at once, under two loads at a steady rate on loopback: HTTP only (`/livez`,
 * `/readyz`, `/metrics`, `/status` in turn, a new connection each) and datagrams only
 * (`WATCHDOG=1` with a changing `STATUS=` and `X_SEQ=`, echo and log off). RSS is sampled every
 * second; after a warm-up minute its least-squares slope is the growth, in kB a minute and in
 * bytes per request or datagram. The rates are low enough that the four runs do not compete
 * for the CPU on a small machine.
 *
 * @module
 */

import { residentBytes, sleep } from "./process.ts";
import { type Program, startProgram } from "./programs.ts";
import { markdownTable } from "./report.ts";
import { slope } from "./statistics.ts";
import type { LoopResult, Tools } from "./tools.ts";

/** Minutes of load before the slope is measured: heaps and caches grow to their size. */
export const WARM_UP_MINUTES = 1;
const SAMPLE_MS = 1_000;
const HTTP_PATHS = ["/livez", "/readyz", "/metrics", "/status"];

/** The two loads, and what the programs run with under each. */
const LOADS = {
  http: { unit: "request", ratePerSecond: 500, env: {} },
  datagrams: {
    unit: "datagram",
    ratePerSecond: 10_000,
    env: { ADAPTER_ECHO: "false", ADAPTER_LOG: "false", ADAPTER_UNIT_WATCHDOG_SEC: "10s" },
  },
} as const;

/** A load of the soak. */
type Load = keyof typeof LOADS;

/** What the soak found for one program under one load (MB of 10^6 bytes, kB of 10^3). */
interface SoakResult {
  readonly load: Load;
  readonly program: string;
  readonly unit: string;
  /** Requests or datagrams a second actually achieved. */
  readonly ratePerSecond: number;
  readonly failures: number;
  readonly rssAfterWarmUpMB: number;
  readonly rssEndMB: number;
  readonly slopeKBPerMinute: number;
  readonly bytesPerItem: number;
}

interface Sample {
  readonly seconds: number;
  readonly bytes: number;
}

/**
 * Runs each program under each load, all at once, for the warm-up minute and `minutes` more;
 * `log` hears of each minute.
 */
export async function measureSoak(
  tools: Tools,
  programs: readonly Program[],
  minutes: number,
  log: (line: string) => void,
): Promise<SoakResult[]> {
  const seconds = (WARM_UP_MINUTES + minutes) * 60;
  await using stack = new AsyncDisposableStack();
  const runs = [];
  for (const load of Object.keys(LOADS) as Load[]) {
    for (const program of programs) {
      const running = stack.use(await startProgram(program, LOADS[load].env));
      runs.push({ load, program, running, samples: [] as Sample[] });
    }
  }
  const start = performance.now();
  const loops: Promise<LoopResult>[] = runs.map(({ load, running }) =>
    load === "http"
      ? tools.httpLoop(running.port, LOADS.http.ratePerSecond, seconds, HTTP_PATHS)
      : tools.datagramLoop(running.socket, LOADS.datagrams.ratePerSecond, seconds)
  );
  let finished = false;
  const all = Promise.all(loops).finally(() => finished = true);
  let minute = 0;
  while (!finished) {
    const elapsed = (performance.now() - start) / 1000;
    for (const run of runs) {
      run.samples.push({ seconds: elapsed, bytes: residentBytes(run.running.pid) });
    }
    if (elapsed >= (minute + 1) * 60) {
      minute++;
      log(
        `  minute ${minute}/${WARM_UP_MINUTES + minutes}: RSS ` +
          runs.map((run) =>
            `${run.program.name} ${run.load} ${(run.samples.at(-1)!.bytes / 1e6).toFixed(1)} MB`
          ).join(", "),
      );
    }
    await Promise.race([all, sleep(SAMPLE_MS - (performance.now() - start) % SAMPLE_MS)]);
  }
  const results = await all;
  return runs.map(({ load, program, samples }, i) => {
    const measured = samples.filter((sample) => sample.seconds >= WARM_UP_MINUTES * 60);
    const bytesPerSecond = slope(measured.map(({ seconds, bytes }) => ({ x: seconds, y: bytes })));
    const ratePerSecond = results[i].count / (results[i].us / 1e6);
    return {
      load,
      program: program.name,
      unit: LOADS[load].unit,
      ratePerSecond,
      failures: results[i].failures,
      rssAfterWarmUpMB: (measured[0]?.bytes ?? Number.NaN) / 1e6,
      rssEndMB: samples.at(-1)!.bytes / 1e6,
      slopeKBPerMinute: bytesPerSecond * 60 / 1000,
      bytesPerItem: bytesPerSecond / ratePerSecond,
    };
  });
}

/** The soak as a Markdown table, the floor beside the adapter under each load. */
export function soakTable(results: readonly SoakResult[]): string {
  const signed = (value: number, digits: number) =>
    `${value >= 0 ? "+" : "−"}${Math.abs(value).toFixed(digits)}`;
  return markdownTable(
    [
      "load",
      "program",
      "rate",
      "RSS after the warm-up",
      "RSS at the end",
      "slope kB/min",
      "slope bytes per item",
    ],
    results.map((result) => [
      result.load === "http"
        ? `HTTP only (${HTTP_PATHS.map((path) => `\`${path}\``).join(", ")})`
        : "datagrams only (`WATCHDOG=1`, `STATUS=`, `X_SEQ=`; echo and log off)",
      result.program,
      `${Math.round(result.ratePerSecond)} ${result.unit}s/s` +
      (result.failures > 0 ? `, ${result.failures} failed` : ""),
      `${result.rssAfterWarmUpMB.toFixed(1)} MB`,
      `${result.rssEndMB.toFixed(1)} MB`,
      signed(result.slopeKBPerMinute, 0),
      `${signed(result.bytesPerItem, 1)} B/${result.unit}`,
    ]),
  );
}
