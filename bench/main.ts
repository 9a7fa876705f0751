/**
 * `deno task bench`: the whole benchmark, one entry. It measures the adapter beside its floor
 * (bench/floor.ts, the least a Deno program can do with the same primitives), both started as
 * `deno task start` starts the adapter, in interleaved rounds, and prints Markdown: the main
 * table (footprint, flood, timers) with the targets, the breakdown of start-up and idle RSS,
 * and the soak. `--help` lists the options; `deno task bench -- --only=breakdown` makes the
 * table of docs/performance.md.
 *
 * @module
 */

import { breakdownTable, measureBreakdown } from "./breakdown.ts";
import { describeFloodRun, floodRun, senderAlone, summarizeFlood } from "./flood.ts";
import { type Footprint, measureFootprints } from "./footprint.ts";
import { parseOptions, type Part, USAGE } from "./options.ts";
import { loadAverage, ROOT } from "./process.ts";
import {
  adapterProgram,
  binaryProgram,
  buildBinary,
  floorProgram,
  interleave,
  type Program,
} from "./programs.ts";
import { mainTable, type Measured } from "./report.ts";
import { measureSoak, soakTable, WARM_UP_MINUTES } from "./soak.ts";
import { median } from "./statistics.ts";
import { measureTimers } from "./timers.ts";
import { Tools } from "./tools.ts";

/** Spawns per round of each program in the footprint and breakdown parts. */
const FOOTPRINT_SPAWNS_PER_ROUND = 3;
const BREAKDOWN_SPAWNS_PER_ROUND = 3;

const log = (line: string) => console.error(line);
const loads = () => loadAverage().join(" ");

/** `deno bench` of the micro-benchmarks (bench/*.bench.ts), its output as it comes. */
async function micro(): Promise<void> {
  const { success } = await new Deno.Command(Deno.execPath(), {
    // main_watch.bench.ts calls libc and watches a process of its own in /tmp.
    args: [
      "bench",
      "--quiet",
      "--no-prompt",
      "--allow-ffi",
      "--allow-run=sleep",
      "--allow-read=/tmp",
      "--allow-write=/tmp",
      "bench/",
    ],
    cwd: ROOT,
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!success) throw new Error("deno bench bench/ failed");
}

/** The program of the compiled binary to measure, if any: `--binary`, else one built now. */
async function binary(path: string | undefined): Promise<Program | undefined> {
  if (path !== undefined) return binaryProgram(path);
  if (!Deno.env.get("DENORT_BIN")) return undefined;
  log(`bench: DENORT_BIN is set: building the binary with deno task compile`);
  return binaryProgram(await buildBinary());
}

async function main(args: readonly string[]): Promise<void> {
  const options = parseOptions(args);
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const { parts, rounds } = options;
  const runs = (part: Part) => parts.includes(part);
  const started = loads();
  log(`bench: ${parts.join(", ")}; rounds: ${rounds}; load average ${started}`);
  const figures: Record<string, unknown> = {
    date: new Date().toISOString(),
    deno: Deno.version.deno,
    cpus: navigator.hardwareConcurrency,
    options,
    note: "medians over interleaved rounds; MB = 10^6 bytes",
  };

  if (runs("micro")) await micro();
  if (parts.every((part) => part === "micro")) return;

  using tools = await Tools.build();
  const floor = floorProgram();
  const adapter = adapterProgram();
  log(`bench: adapter = ${adapter.command.join(" ")}`);
  log(`bench: floor   = ${floor.command.join(" ")}`);
  const measured: {
    footprint?: Measured["footprint"];
    flood?: Measured["flood"];
    timers?: Measured["timers"];
  } = {};

  if (runs("footprint")) {
    const compiled = await binary(options.binary);
    const programs = [floor, adapter, ...(compiled === undefined ? [] : [compiled])];
    log(`bench: footprint, ${rounds * FOOTPRINT_SPAWNS_PER_ROUND} spawns of each`);
    const footprints = await measureFootprints(
      tools,
      programs,
      rounds * FOOTPRINT_SPAWNS_PER_ROUND,
      log,
    );
    const of = (program: Program): Footprint => footprints.get(program)!;
    measured.footprint = {
      floor: of(floor),
      adapter: of(adapter),
      binary: compiled === undefined ? undefined : of(compiled),
    };
  }

  if (runs("flood")) {
    const senderRates = [];
    for (let i = 0; i < 3; i++) senderRates.push(await senderAlone(tools));
    log(`bench: flood; the sender alone sends ${Math.round(median(senderRates))} datagrams/s`);
    const floods = await interleave([floor, adapter], rounds, async (program) => {
      const run = await floodRun(tools, program);
      log(describeFloodRun(program.name, run));
      return run;
    }, () => log(`  load average ${loads()}`));
    measured.flood = {
      floor: summarizeFlood(floods.get(floor)!),
      adapter: summarizeFlood(floods.get(adapter)!),
    };
    figures.senderAlonePerSecond = median(senderRates);
  }

  if (runs("timers")) {
    log(`bench: timers`);
    measured.timers = await measureTimers(tools, adapter, rounds, log);
  }

  if (measured.footprint || measured.flood || measured.timers) {
    Object.assign(figures, measured);
    console.log(
      `\n${mainTable(measured)}\n\nMedians of interleaved rounds (${rounds})` +
        (measured.footprint
          ? ` (footprint: of ${rounds * FOOTPRINT_SPAWNS_PER_ROUND} spawns each)`
          : "") +
        `; load average ${started} at the start, ${loads()} now; ` +
        `${navigator.hardwareConcurrency} CPUs; MB = 10^6 bytes.`,
    );
  }

  if (runs("breakdown")) {
    const spawns = rounds * BREAKDOWN_SPAWNS_PER_ROUND;
    log(`bench: breakdown, ${spawns} spawns of each rung`);
    const breakdown = await measureBreakdown(tools, spawns, log);
    const node = (modules: readonly string[]) => modules.length === 0 ? "none" : modules.join(", ");
    figures.breakdown = {
      footprints: Object.fromEntries(breakdown.footprints),
      censuses: Object.fromEntries(breakdown.censuses),
      wrapperCensus: breakdown.wrapperCensus,
    };
    console.log(
      `\n${breakdownTable(breakdown)}\n\nMedians of ${spawns} interleaved spawns of each ` +
        `(\`deno task bench -- --only=breakdown --rounds=${rounds}\`, Deno ` +
        `${Deno.version.deno}); load average ${loads()}. Node-compatibility modules compiled ` +
        `in the first second: sidecar ${node(breakdown.censuses.get("sidecar")!.nodeModules)}; ` +
        `wrapper mode (\`run -- sleep 60\`) ${node(breakdown.wrapperCensus.nodeModules)}.`,
    );
  }

  if (runs("soak")) {
    log(
      `bench: soak, ${WARM_UP_MINUTES} minute of warm-up and ${options.soakMinutes} measured, ` +
        `floor and adapter at once`,
    );
    const soak = await measureSoak(tools, [floor, adapter], options.soakMinutes, log);
    figures.soak = soak;
    console.log(
      `\n${soakTable(soak)}\n\nRSS sampled every second; the slope is the least-squares fit ` +
        `of the ${options.soakMinutes} minutes after the warm-up minute; load average ` +
        `${loads()}.`,
    );
  }

  if (options.json !== undefined) {
    await Deno.writeTextFile(options.json, JSON.stringify(figures, null, 2) + "\n");
    log(`bench: figures written to ${options.json}`);
  }
}

if (import.meta.main) {
  try {
    await main(Deno.args);
  } catch (error) {
    // What went wrong is in the message (a program that did not start, a build that failed).
    console.error(`bench: ${error instanceof Error ? error.message : error}`);
    Deno.exit(1);
  }
}
