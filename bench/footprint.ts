/**
 * The footprint of a program at rest: start-up (spawn until `/healthz` answers 200, as
 * kubelet's first probe would see it, warm module cache) and idle RSS (one second after
 * spawn), one spawn each sample. The adapter and the floor are measured so, the compiled
 * binary when there is one, and every rung of the start-up ladder (bench/breakdown.ts).
 *
 * @module
 */

import { freePort } from "./process.ts";
import { interleave, type Program, runEnv, socketName } from "./programs.ts";
import { median } from "./statistics.ts";
import type { Tools } from "./tools.ts";

/** When after spawn the idle RSS is read. */
export const IDLE_MS = 1_000;

/** One spawn of one program. */
interface FootprintSample {
  readonly startupMs: number;
  /** CPU time its threads took until then: less sensitive to a busy machine than the time. */
  readonly startupCpuMs: number;
  /** MB of 10^6 bytes. */
  readonly idleRssMB: number;
  /** The anonymous part of it (heaps, stacks); the rest is mostly pages of files (the binary). */
  readonly idleAnonMB: number;
}

/** Medians over a program's samples, and the samples. */
export interface Footprint extends FootprintSample {
  readonly samples: readonly FootprintSample[];
}

/** Spawns `program` once: start-up and idle RSS. */
async function footprintSample(tools: Tools, program: Program): Promise<FootprintSample> {
  const port = freePort();
  const env = runEnv(program, port, socketName());
  const { startupUs, startupCpuUs, rssKb, rssAnonKb } = await tools
    .startup(port, { idleMs: IDLE_MS }, program.command, env)
    .catch((error) => {
      throw new Error(`${program.name}: ${error instanceof Error ? error.message : error}`);
    });
  if (rssKb === null || rssAnonKb === null) {
    throw new Error(`${program.name}: no RSS ${IDLE_MS} ms after spawn`);
  }
  return {
    startupMs: startupUs / 1000,
    startupCpuMs: startupCpuUs / 1000,
    idleRssMB: rssKb * 1024 / 1e6,
    idleAnonMB: rssAnonKb * 1024 / 1e6,
  };
}

/**
 * Every program `spawns` times, interleaved, after one spawn each that warms the module and
 * code caches; `log` hears each round.
 */
export async function measureFootprints(
  tools: Tools,
  programs: readonly Program[],
  spawns: number,
  log: (line: string) => void,
): Promise<Map<Program, Footprint>> {
  for (const program of programs) await footprintSample(tools, program);
  const samples = await interleave(
    programs,
    spawns,
    (program) => footprintSample(tools, program),
    (round, done) =>
      log(
        `  spawn ${round + 1}/${spawns}: ` +
          [...done].map(([program, { startupMs, startupCpuMs, idleRssMB }]) =>
            `${program.name} ${startupMs.toFixed(1)} ms (CPU ${startupCpuMs.toFixed(1)}) ` +
            `${idleRssMB.toFixed(1)} MB`
          ).join(", "),
      ),
  );
  return new Map(
    [...samples].map(([program, runs]) => [program, {
      startupMs: median(runs.map((run) => run.startupMs)),
      startupCpuMs: median(runs.map((run) => run.startupCpuMs)),
      idleRssMB: median(runs.map((run) => run.idleRssMB)),
      idleAnonMB: median(runs.map((run) => run.idleAnonMB)),
      samples: runs,
    }]),
  );
}
