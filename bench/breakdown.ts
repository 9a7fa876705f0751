/**
 * Where the adapter's start-up and idle RSS go: a ladder of programs, each adding one part to
 * the one before it, from an empty Deno program that answers `/healthz` to the sidecar as
 * `deno task start` runs it, and a few programs beside the ladder, each measured against the
 * rung it adds to (wrapper mode's modules, Node compatibility, the floor). All are started
 * with the start task's flags and permission set and measured as bench/footprint.ts measures
 * the adapter, interleaved. A census run of each, with V8's log on, counts the modules it
 * compiles: the project's, and Node compatibility's (`ext:deno_node/`, `node:`) beyond what
 * the empty program compiles.
 *
 * @module
 */

import { type Footprint, IDLE_MS, measureFootprints } from "./footprint.ts";
import { ROOT, sleep } from "./process.ts";
import {
  adapterProgram,
  denoProgram,
  floorProgram,
  type Program,
  startProgram,
} from "./programs.ts";
import { markdownTable } from "./report.ts";
import type { Tools } from "./tools.ts";

/** One program of the breakdown, and the rung it adds to. */
interface Rung {
  readonly name: string;
  /** What it adds to its base, for the table. */
  readonly adds: string;
  readonly program: () => Program;
  /** The name of the rung it adds to; the rung before it when absent (the ladder itself). */
  readonly base?: string;
}

const rung = (name: string, file: string, parts: readonly string[] = []) => () =>
  denoProgram(name, `bench/ladder/${file}`, { BENCH_RUNG: parts.join(",") });

/** The ladder, then the programs beside it. */
export const RUNGS: readonly Rung[] = [
  {
    name: "Deno",
    adds: "Deno itself: an empty program answering `/healthz` from a raw TCP listener",
    program: rung("Deno", "bare.ts"),
  },
  {
    name: "the bundle",
    adds: "build/sd-notify-adapter.js, the one module `deno task start` runs, evaluated, not run",
    program: rung("the bundle", "bundle.ts"),
  },
  {
    name: "libc",
    adds: "libc through Deno's FFI, as the adapter loads it at start (the open-files limit, " +
      "the accept queue, the main process's watch, the PID file, the termination message, " +
      "reaping)",
    program: rung("libc", "bundle.ts", ["libc"]),
  },
  {
    name: "notify socket",
    adds: "`Deno.listenDatagram` on `NOTIFY_SOCKET`, with a receive loop",
    program: rung("notify socket", "bundle.ts", ["libc", "socket"]),
  },
  {
    name: "sidecar",
    adds: "the rest of `deno task start`: environment, configuration, permissions, signal " +
      "listeners, outputs, the HTTP server, the runtime and its timers",
    program: () => ({ ...adapterProgram(), name: "sidecar" }),
  },
  {
    name: "source modules",
    base: "Deno",
    adds: "the same code as the sixty-odd modules of the source (main.ts's imports, " +
      "lib/commands/sidecar.ts), evaluated, not run: what the bundle saves",
    program: rung("source modules", "sidecar_modules.ts"),
  },
  {
    name: "other modes' modules",
    base: "source modules",
    adds: "main.ts itself: its dynamic imports put the wrapper's, `notify`'s and `probe`'s " +
      "modules in the graph Deno reads at start, though the sidecar never evaluates them",
    program: rung("other modes' modules", "main_graph.ts"),
  },
  {
    name: "wrapper's modules",
    base: "other modes' modules",
    adds: "the modules only wrapper mode evaluates (lib/commands/wrapper/), evaluated too",
    program: rung("wrapper's modules", "wrapper_modules.ts"),
  },
  {
    name: "Deno.serve",
    base: "Deno",
    adds: "`Deno.serve` answering instead of the raw listener: what the floor pays, and the " +
      "adapter, with an HTTP server of its own, does not",
    program: rung("Deno.serve", "bare.ts", ["serve"]),
  },
  {
    name: "Node timers",
    base: "Deno",
    adds: "one global `setTimeout` (Deno 2.9.6's is Node's)",
    program: rung("Node timers", "bare.ts", ["node-timers"]),
  },
  {
    name: "Node process",
    base: "Deno",
    adds: "the global `process`",
    program: rung("Node process", "bare.ts", ["node-process"]),
  },
  {
    name: "node:fs",
    base: "Deno",
    adds: '`import("node:fs")`',
    program: rung("node:fs", "bare.ts", ["node-fs"]),
  },
  {
    name: "floor",
    base: "Deno",
    adds: "bench/floor.ts: `Deno.serve`, the socket, batched echo and log",
    program: () => floorProgram(),
  },
];

/** What V8 compiled in a program's first second: the project's modules and Node's. */
interface Census {
  readonly projectModules: number;
  /** `ext:deno_node/` and `node:` scripts beyond those of the empty program. */
  readonly nodeModules: readonly string[];
}

/** The scripts V8 compiled while `program` (with `args` after its own) started and idled. */
async function compiledScripts(program: Program, args: readonly string[] = []) {
  const dir = await Deno.makeTempDir({ prefix: "sd-notify-adapter-bench-" });
  try {
    const log = `${dir}/v8.log`;
    const v8Log = `--log-function-events,--logfile=${log},--no-logfile-per-isolate`;
    const [deno, ...rest] = program.command;
    const flags = rest.findIndex((arg) => arg.startsWith("--v8-flags="));
    const command = flags === -1
      ? [deno, rest[0], `--v8-flags=${v8Log}`, ...rest.slice(1)]
      : [deno, ...rest.map((arg, i) => i === flags ? `${arg},${v8Log}` : arg)];
    {
      await using running = await startProgram({ ...program, command: [...command, ...args] });
      await sleep(IDLE_MS - (performance.now() - running.spawnedAt));
    }
    const text = await Deno.readTextFile(log);
    return new Set(
      [...text.matchAll(/^script-details,\d+,([^,\n]+)/gm)].map((match) => match[1]),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const isNode = (script: string) =>
  script.startsWith("ext:deno_node/") || script.startsWith("node:");
const isProject = (script: string) =>
  script === `file://${ROOT}/main.ts` || script.startsWith(`file://${ROOT}/lib/`) ||
  script.startsWith(`file://${ROOT}/build/`);

/** Counts what `program` compiles beyond what `baseline` (the empty program's scripts) did. */
async function census(program: Program, baseline: ReadonlySet<string>, args?: readonly string[]) {
  const scripts = [...await compiledScripts(program, args)];
  return {
    projectModules: scripts.filter(isProject).length,
    nodeModules: scripts.filter((script) => isNode(script) && !baseline.has(script)),
  } satisfies Census;
}

/** Everything the breakdown measured. */
interface Breakdown {
  readonly footprints: ReadonlyMap<string, Footprint>;
  readonly censuses: ReadonlyMap<string, Census>;
  /** Wrapper mode (`run -- sleep 60`), which has no rung: its start cannot be compared. */
  readonly wrapperCensus: Census;
}

/** Measures every rung `spawns` times, interleaved, then takes each one's census. */
export async function measureBreakdown(
  tools: Tools,
  spawns: number,
  log: (line: string) => void,
): Promise<Breakdown> {
  const programs = RUNGS.map((rung) => rung.program());
  const measured = await measureFootprints(tools, programs, spawns, log);
  const baseline = await compiledScripts(programs[0]);
  const censuses = new Map<string, Census>();
  for (const program of programs) censuses.set(program.name, await census(program, baseline));
  const wrapperCensus = await census(adapterProgram(), baseline, ["run", "--", "sleep", "60"]);
  return {
    footprints: new Map([...measured].map(([program, footprint]) => [program.name, footprint])),
    censuses,
    wrapperCensus,
  };
}

/** The breakdown as a Markdown table: each rung, its figures, and what it adds to its base. */
export function breakdownTable({ footprints, censuses }: Breakdown): string {
  const rows = RUNGS.map((rung, i) => {
    const base = rung.base ?? RUNGS[i - 1]?.name;
    const own = footprints.get(rung.name)!;
    const from = base === undefined ? undefined : footprints.get(base)!;
    // The figure, and in brackets how much it adds to the base's.
    const cell = (figure: (footprint: Footprint) => number) => {
      const value = figure(own);
      if (from === undefined) return value.toFixed(1);
      const delta = value - figure(from);
      return `${value.toFixed(1)} (${delta >= 0 ? "+" : "−"}${Math.abs(delta).toFixed(1)})`;
    };
    const { projectModules, nodeModules } = censuses.get(rung.name)!;
    return [
      rung.base === undefined ? `${i + 1}. ${rung.name}` : `beside: ${rung.name}`,
      base ?? "",
      rung.adds,
      cell((f) => f.startupMs),
      cell((f) => f.startupCpuMs),
      cell((f) => f.idleRssMB),
      cell((f) => f.idleAnonMB),
      String(projectModules),
      String(nodeModules.length),
    ];
  });
  return markdownTable(
    [
      "rung",
      "adds to",
      "what it adds",
      "start-up ms (Δ)",
      "start-up CPU ms (Δ)",
      "idle RSS MB (Δ)",
      "of which anonymous MB (Δ)",
      "project modules",
      "Node-compat modules",
    ],
    rows,
  );
}
