/**
 * How late the adapter's timers turn `/livez` to 503: the start timeout (200 ms, from the last
 * `/healthz` attempt that failed before the first 200, the earliest the timer can have been
 * armed) and the watchdog (50 ms after each `WATCHDOG=1`). The floor has no timers.
 *
 * @module
 */

import { freePort } from "./process.ts";
import { interleave, type Program, runEnv, socketName, startProgram } from "./programs.ts";
import { quantile } from "./statistics.ts";
import type { Tools } from "./tools.ts";

const START_TIMEOUT_MS = 200;
const STARTS_PER_ROUND = 3;
const WATCHDOG_MS = 50;
const WATCHDOG_RUNS_PER_ROUND = 40;

/** Lateness in ms: p50 and the worst (start timeout) or p99 (watchdog), and how many runs. */
export interface Timers {
  readonly startTimeoutMs: { readonly p50: number; readonly max: number; readonly runs: number };
  readonly watchdogMs: { readonly p50: number; readonly p99: number; readonly runs: number };
}

async function startTimeoutLatenessUs(tools: Tools, adapter: Program): Promise<number> {
  const port = freePort();
  const env = runEnv(adapter, port, socketName(), {
    ADAPTER_UNIT_TIMEOUT_START_SEC: `${START_TIMEOUT_MS}ms`,
    ADAPTER_INITIAL_LIVEZ: "true",
  });
  const { startLatenessUs } = await tools.startup(
    port,
    { timeoutMs: START_TIMEOUT_MS },
    adapter.command,
    env,
  );
  return startLatenessUs!;
}

async function watchdogLatenessUs(tools: Tools, adapter: Program): Promise<number[]> {
  await using running = await startProgram(adapter, {
    ADAPTER_UNIT_WATCHDOG_SEC: `${WATCHDOG_MS}ms`,
  });
  return await tools.lateness(running.port, running.socket, WATCHDOG_RUNS_PER_ROUND, WATCHDOG_MS);
}

/** `rounds` rounds of start-timeout runs and watchdog runs of `adapter`. */
export async function measureTimers(
  tools: Tools,
  adapter: Program,
  rounds: number,
  log: (line: string) => void,
): Promise<Timers> {
  const kinds = ["start", "watchdog"] as const;
  const results = await interleave(
    kinds,
    rounds,
    async (kind) => {
      if (kind === "watchdog") return await watchdogLatenessUs(tools, adapter);
      const runs: number[] = [];
      for (let i = 0; i < STARTS_PER_ROUND; i++) {
        runs.push(await startTimeoutLatenessUs(tools, adapter));
      }
      return runs;
    },
    (round, done) =>
      log(
        `  round ${round + 1}/${rounds}: ` +
          [...done].map(([kind, us]) =>
            `${kind} lateness p50 ${(quantile(us, 0.5) / 1000).toFixed(2)} ms`
          ).join(", "),
      ),
  );
  const start = results.get("start")!.flat();
  const watchdog = results.get("watchdog")!.flat();
  return {
    startTimeoutMs: {
      p50: quantile(start, 0.5) / 1000,
      max: Math.max(...start) / 1000,
      runs: start.length,
    },
    watchdogMs: {
      p50: quantile(watchdog, 0.5) / 1000,
      p99: quantile(watchdog, 0.99) / 1000,
      runs: watchdog.length,
    },
  };
}
