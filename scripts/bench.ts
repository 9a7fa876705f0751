/**
 * End-to-end benchmark of the real adapter beside the floor (bench/floor.ts: the least a Deno
 * program can do with the same primitives), run the same way, interleaved, in one run.
 *
 * Both are started as the start task in deno.json starts the adapter (`deno run` with its
 * flags and permission set, not through `deno task`), with echo to a file and the log on, and
 * driven by scripts/bench_tools.c (compiled now; python3 and Deno stand in without a C
 * compiler): blocking `send()`s of `WATCHDOG=1`, probes on a new TCP connection each, as
 * kubelet makes them. Each round runs every program once, the order rotating between rounds;
 * the table shows medians over the rounds, each metric's ratio to the floor and its target.
 *
 *   deno run -A scripts/bench.ts [--rounds=3] [--json-only] [--no-c]
 *
 * Prints JSON (per-round values included) on stdout, then the Markdown table; progress and
 * the load average go to stderr. `--no-c` uses the fallbacks even where a C compiler exists.
 * The functions are exported for A/B runs of modified copies of the repository.
 *
 * @module
 */

import { prepareTools, type Tools } from "./bench_tools.ts";

const ROOT = new URL("../", import.meta.url).pathname.replace(/\/$/, "");
const FLOOR_SCRIPT = new URL("../bench/floor.ts", import.meta.url).pathname;

/** What every flood sends. */
export const PAYLOAD = "WATCHDOG=1";
const FLOOD = 200_000;
const BIG_FLOOD = 1_000_000;
const PROBE_INTERVAL_US = 2_000;
const WATCHDOG_MS = 50;
const LATENESS_RUNS = 40;
const START_TIMEOUT_MS = 200;
const STARTUPS_PER_ROUND = 3;
const MB = 1e6;

/** One program under test: the floor, the adapter, or a modified copy of the adapter. */
export interface Program {
  readonly name: string;
  /** Working directory; `args` are relative to it. */
  readonly cwd: string;
  /** Arguments to `deno` (`run --quiet … main.ts`). */
  readonly args: readonly string[];
  /** Extra environment for every run of it (e.g. ADAPTER_CHANNEL_SIZE). */
  readonly env?: Readonly<Record<string, string>>;
  /** Whether it has the adapter's timers (watchdog and start-timeout lateness are measured). */
  readonly timers: boolean;
}

/** The start task of `root`/deno.json as arguments to `deno` (`run … main.ts`). */
export function startTaskArgs(root = ROOT): string[] {
  const config = JSON.parse(Deno.readTextFileSync(`${root}/deno.json`));
  const task: unknown = config.tasks?.start;
  const command = typeof task === "string" ? task : (task as { command?: string })?.command;
  const [program, ...args] = (command ?? "").trim().split(/\s+/);
  if (program !== "deno" || args[0] !== "run") {
    throw new Error(`Unexpected start task in ${root}/deno.json: ${command}`);
  }
  return args;
}

/** The adapter in `root` (this repository by default), started as its start task starts it. */
export function adapterProgram(
  root = ROOT,
  name = "adapter",
  env: Record<string, string> = {},
): Program {
  return { name, cwd: root, args: startTaskArgs(root), env, timers: true };
}

/** The floor, started with the adapter's `deno run` flags and permission set. */
export function floorProgram(root = ROOT): Program {
  const args = startTaskArgs(root);
  const entry = args.findLastIndex((arg) => /\.[cm]?[jt]sx?$/.test(arg) && !arg.startsWith("-"));
  if (entry === -1) throw new Error(`No entry point in the start task: ${args.join(" ")}`);
  return {
    name: "floor",
    cwd: ROOT,
    args: [...args.slice(0, entry), FLOOR_SCRIPT, ...args.slice(entry + 1)],
    timers: false,
  };
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** HTTP status of one GET on a new connection, or 0 when nothing listens yet. */
async function status(port: number, path: string): Promise<number> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    try {
      await conn.write(
        new TextEncoder().encode(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
      );
      const buffer = new Uint8Array(1024);
      const n = await conn.read(buffer);
      return n === null ? 0 : Number(new TextDecoder().decode(buffer.subarray(9, 12)));
    } finally {
      conn.close();
    }
  } catch {
    return 0;
  }
}

/** Resident set size in MB (10^6 bytes). */
function rssMB(pid: number): number {
  const text = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+)/.exec(text)![1]) * 1024 / MB;
}

/** The 1, 5 and 15 minute load averages. */
export function loadAverage(): number[] {
  return Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).map(Number);
}

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

function baseEnv(port: number, socket: string, extra: Readonly<Record<string, string>> = {}) {
  return {
    PATH: Deno.env.get("PATH") ?? "",
    HOME: Deno.env.get("HOME") ?? "",
    ...(Deno.env.has("DENO_DIR") ? { DENO_DIR: Deno.env.get("DENO_DIR")! } : {}),
    NOTIFY_SOCKET: socket,
    ADAPTER_PORT: String(port),
    ...extra,
  };
}

const socketName = () => `@sd-notify-adapter-bench-${crypto.randomUUID()}`;

/** One start-up: spawn → /healthz 200; for the adapter also how late the start timeout is. */
export interface Startup {
  readonly startupMs: number;
  readonly startLatenessMs: number | null;
}

/**
 * Start-up (process spawn until /healthz answers 200) and, for programs with timers, the
 * start-timeout lateness: the start timer is armed after the last failed /healthz attempt
 * began and before the first 200, so it is measured from the earliest possible deadline.
 */
export async function startupRun(tools: Tools, program: Program): Promise<Startup> {
  const port = freePort();
  const timeoutMs = program.timers ? START_TIMEOUT_MS : 0;
  const env = baseEnv(port, socketName(), {
    ...(program.timers
      ? { ADAPTER_UNIT_TIMEOUT_START_SEC: `${timeoutMs}ms`, ADAPTER_INITIAL_LIVEZ: "true" }
      : {}),
    ...program.env,
  });
  const { startupUs, startLatenessUs } = await tools.startup(
    port,
    timeoutMs,
    [Deno.execPath(), ...program.args],
    env,
    program.cwd,
  );
  return {
    startupMs: startupUs / 1000,
    startLatenessMs: startLatenessUs === null ? null : startLatenessUs / 1000,
  };
}

/** Waits until `path` holds `bytes` bytes; gives up after `stallMs` without growth. */
async function waitForSize(path: string, bytes: number, stallMs = 5_000): Promise<number> {
  let size = 0;
  let grewAt = performance.now();
  while (true) {
    const now = Deno.statSync(path).size;
    if (now !== size) grewAt = performance.now();
    size = now;
    if (size >= bytes || performance.now() - grewAt > stallMs) return size;
    await sleep(1);
  }
}

/** CPU time (ns, from schedstat) of each thread of `pid`, by thread id. */
function threadCpuNs(pid: number): Map<number, number> {
  const times = new Map<number, number>();
  for (const entry of Deno.readDirSync(`/proc/${pid}/task`)) {
    try {
      const text = Deno.readTextFileSync(`/proc/${pid}/task/${entry.name}/schedstat`);
      times.set(Number(entry.name), Number(text.split(" ")[0]));
    } catch {
      // The thread ended meanwhile.
    }
  }
  return times;
}

/** CPU µs between two snapshots: the main thread's and all threads' (ended threads are lost). */
function cpuSpent(pid: number, before: Map<number, number>, after: Map<number, number>) {
  let all = 0;
  for (const [tid, ns] of after) all += ns - (before.get(tid) ?? 0);
  return { mainUs: ((after.get(pid) ?? 0) - (before.get(pid) ?? 0)) / 1000, allUs: all / 1000 };
}

/** Counts `\n` bytes in a file, reading it in chunks. */
function countLines(path: string): number {
  const file = Deno.openSync(path);
  const buffer = new Uint8Array(1 << 20);
  let lines = 0;
  try {
    while (true) {
      const n = file.readSync(buffer);
      if (n === null) return lines;
      for (let i = 0; i < n; i++) if (buffer[i] === 0x0a) lines++;
    }
  } finally {
    file.close();
  }
}

/** What one flood run of one program measured. */
export interface FloodRun {
  readonly rssIdleMB: number;
  readonly rssAfter200kMB: number;
  readonly rssAfterFloodMB: number;
  readonly rssRatio: number;
  readonly senderSeconds: number;
  readonly throughput: number;
  readonly throughput1M: number;
  /** CPU µs per datagram of the 200 k flood: the main thread's, and all threads'. */
  readonly mainCpuUsPerDatagram: number;
  readonly cpuUsPerDatagram: number;
  readonly lost: number;
  readonly unexpectedLines: number;
  readonly logLines: number;
  readonly probeIdleUs: readonly number[];
  readonly probeFloodUs: readonly number[];
  readonly watchdogLatenessUs: readonly number[];
}

/**
 * One program: idle RSS (1 s after spawn) and idle probes; 200 k datagrams with nothing else
 * (throughput until all are echoed); 1 M more under probes (probe latency in a flood, RSS
 * after the flood); for the adapter, the watchdog lateness runs.
 */
export async function floodRun(
  tools: Tools,
  program: Program,
  lateness = true,
): Promise<FloodRun> {
  const port = freePort();
  const socket = socketName();
  const dir = Deno.makeTempDirSync({ prefix: "sd-notify-adapter-bench-" });
  const out = `${dir}/stdout`;
  const err = `${dir}/stderr`;
  const env = baseEnv(port, socket, {
    ...(program.timers ? { ADAPTER_UNIT_WATCHDOG_SEC: `${WATCHDOG_MS}ms` } : {}),
    ...program.env,
  });
  // The shell only redirects: `exec` makes the program the child, so its pid is the program's.
  const child = new Deno.Command("/bin/sh", {
    args: ["-c", `exec "$0" "$@" >'${out}' 2>'${err}'`, Deno.execPath(), ...program.args],
    cwd: program.cwd,
    env,
    clearEnv: true,
    stdin: "null",
  }).spawn();
  const spawned = performance.now();
  const lineBytes = PAYLOAD.length + 1;
  let exited = false;
  child.status.then(() => exited = true);
  try {
    while (await status(port, "/healthz") !== 200) {
      if (exited) throw new Error(`${program.name} exited before it was healthy`);
      await sleep(5);
    }
    await sleep(1000 - (performance.now() - spawned));
    const rssIdleMB = rssMB(child.pid);

    const idleProber = await tools.probe(port, "/livez", PROBE_INTERVAL_US);
    await sleep(1000);
    const probeIdleUs = await idleProber.stop();

    const cpuBefore = threadCpuNs(child.pid);
    let start = performance.now();
    const sender = await tools.send(socket, FLOOD, PAYLOAD);
    await waitForSize(out, FLOOD * lineBytes);
    const throughput = FLOOD / ((performance.now() - start) / 1000);
    const cpu = cpuSpent(child.pid, cpuBefore, threadCpuNs(child.pid));
    const rssAfter200kMB = rssMB(child.pid);

    const prober = await tools.probe(port, "/livez", PROBE_INTERVAL_US);
    start = performance.now();
    await tools.send(socket, BIG_FLOOD, PAYLOAD);
    const echoed = await waitForSize(out, (FLOOD + BIG_FLOOD) * lineBytes);
    const throughput1M = BIG_FLOOD / ((performance.now() - start) / 1000);
    const probeFloodUs = await prober.stop();
    const rssAfterFloodMB = rssMB(child.pid);
    const lost = FLOOD + BIG_FLOOD - echoed / lineBytes;

    const watchdogLatenessUs = program.timers && lateness
      ? await tools.lateness(port, socket, LATENESS_RUNS, WATCHDOG_MS)
      : [];
    const unexpectedLines = Deno.readTextFileSync(out).split("\n")
      .filter((line) => line !== "" && line !== PAYLOAD).length;
    if (unexpectedLines > 0) console.error(`bench: ${unexpectedLines} unexpected lines on stdout`);
    return {
      rssIdleMB,
      rssAfter200kMB,
      rssAfterFloodMB,
      rssRatio: rssAfterFloodMB / rssIdleMB,
      senderSeconds: sender.us / 1e6,
      throughput,
      throughput1M,
      mainCpuUsPerDatagram: cpu.mainUs / FLOOD,
      cpuUsPerDatagram: cpu.allUs / FLOOD,
      lost,
      unexpectedLines,
      logLines: countLines(err),
      probeIdleUs,
      probeFloodUs,
      watchdogLatenessUs,
    };
  } catch (error) {
    const tail = (path: string) => {
      try {
        const bytes = Deno.readFileSync(path);
        return new TextDecoder().decode(bytes.subarray(Math.max(0, bytes.length - 2000)));
      } catch {
        return "";
      }
    };
    const status = exited ? await child.status : undefined;
    throw new Error(
      `${program.name}: ${error instanceof Error ? error.message : error}; ${
        status ? `exited ${status.code} (signal ${status.signal})` : "still running"
      }; stderr ends:\n${tail(err)}`,
    );
  } finally {
    if (!exited) child.kill("SIGTERM");
    await child.status;
    Deno.removeSync(dir, { recursive: true });
  }
}

/** Everything measured of one program over the rounds. */
export interface Measured {
  readonly program: Program;
  readonly floods: FloodRun[];
  readonly startups: Startup[];
}

/** Reports progress (stderr) unless quiet. */
export type Logger = (text: string) => void;

function describeRun(name: string, run: FloodRun): string {
  const p99 = (us: readonly number[]) => (quantile(us, 0.99) / 1000).toFixed(2);
  return `  ${name}: ${Math.round(run.throughput)}/s (1M: ${
    Math.round(run.throughput1M)
  }/s), lost ${run.lost}, RSS ${run.rssIdleMB.toFixed(1)}/${run.rssAfter200kMB.toFixed(1)}/${
    run.rssAfterFloodMB.toFixed(1)
  } MB, CPU/datagram ${run.mainCpuUsPerDatagram.toFixed(2)} µs main, ${
    run.cpuUsPerDatagram.toFixed(2)
  } µs all, probe p99 idle ${p99(run.probeIdleUs)} flood ${p99(run.probeFloodUs)} ms` +
    (run.watchdogLatenessUs.length > 0 ? `, lateness p99 ${p99(run.watchdogLatenessUs)} ms` : "");
}

/** What `measure` runs besides the flood runs. */
export interface MeasureOptions {
  /** Start-ups of each program per round (alternating); 0 skips them. */
  readonly startupsPerRound?: number;
  /** Whether the watchdog lateness runs follow each flood run of a program with timers. */
  readonly lateness?: boolean;
}

/**
 * Runs every program `rounds` times, interleaved: each round runs the start-ups (alternating
 * between programs) and one flood run of each, the order rotating from round to round.
 */
export async function measure(
  tools: Tools,
  programs: readonly Program[],
  rounds: number,
  log: Logger,
  { startupsPerRound = STARTUPS_PER_ROUND, lateness = true }: MeasureOptions = {},
): Promise<{ measured: Measured[]; loads: number[][] }> {
  const measured = programs.map((program) => ({ program, floods: [], startups: [] } as Measured));
  const loads = [loadAverage()];
  // Warms the module cache.
  for (const program of programs) await startupRun(tools, program);
  for (let r = 0; r < rounds; r++) {
    const order = measured.map((_, i) => measured[(i + r) % measured.length]);
    for (let s = 0; s < startupsPerRound; s++) {
      for (const m of order) m.startups.push(await startupRun(tools, m.program));
    }
    const line = order.map((m) =>
      `${m.program.name} ${
        m.startups.slice(-startupsPerRound).map((s) => s.startupMs.toFixed(1)).join(" ")
      }`
    );
    log(`bench: round ${r + 1}/${rounds}, startup ms: ${line.join("; ")}`);
    for (const m of order) {
      const run = await floodRun(tools, m.program, lateness);
      m.floods.push(run);
      log(describeRun(m.program.name, run));
    }
    loads.push(loadAverage());
    log(`  load average ${loads.at(-1)!.join(" ")}`);
  }
  return { measured, loads };
}

/** Medians over the rounds of one program's metrics. */
export function summarize({ floods, startups }: Measured) {
  const per = (f: (run: FloodRun) => number) => median(floods.map(f));
  const ms = (us: number) => round(us / 1000);
  const startLateness = startups.flatMap((s) => s.startLatenessMs ?? []);
  const lateness = floods.flatMap((r) => r.watchdogLatenessUs);
  return {
    throughputPerSecond: Math.round(per((r) => r.throughput)),
    throughput1MPerSecond: Math.round(per((r) => r.throughput1M)),
    cpuUsPerDatagram: {
      main: round(per((r) => r.mainCpuUsPerDatagram)),
      all: round(per((r) => r.cpuUsPerDatagram)),
    },
    probeFloodMs: {
      p50: ms(per((r) => quantile(r.probeFloodUs, 0.5))),
      p99: ms(per((r) => quantile(r.probeFloodUs, 0.99))),
      max: ms(per((r) => Math.max(...r.probeFloodUs))),
      count: Math.round(per((r) => r.probeFloodUs.length)),
    },
    probeIdleMs: {
      p50: ms(per((r) => quantile(r.probeIdleUs, 0.5))),
      p99: ms(per((r) => quantile(r.probeIdleUs, 0.99))),
      max: ms(per((r) => Math.max(...r.probeIdleUs))),
    },
    rssIdleMB: round(per((r) => r.rssIdleMB), 1),
    rssAfter200kMB: round(per((r) => r.rssAfter200kMB), 1),
    rssAfterFloodMB: round(per((r) => r.rssAfterFloodMB), 1),
    rssAfterFloodRatio: round(per((r) => r.rssRatio)),
    startupMs: round(median(startups.map((s) => s.startupMs)), 1),
    startupSamples: startups.length,
    lost: Math.max(...floods.map((r) => r.lost)),
    watchdogLatenessMs: lateness.length === 0 ? null : {
      p50: ms(quantile(lateness, 0.5)),
      p99: ms(quantile(lateness, 0.99)),
      runs: lateness.length,
    },
    startTimeoutLatenessMs: startLateness.length === 0 ? null : {
      p50: round(quantile(startLateness, 0.5)),
      max: round(Math.max(...startLateness)),
      runs: startLateness.length,
    },
    logLinesPerDatagram: round(per((r) => r.logLines / (FLOOD + BIG_FLOOD))),
    rounds: floods.map((r) => ({
      throughput: Math.round(r.throughput),
      throughput1M: Math.round(r.throughput1M),
      mainCpuUsPerDatagram: round(r.mainCpuUsPerDatagram),
      cpuUsPerDatagram: round(r.cpuUsPerDatagram),
      probeFloodP99Ms: ms(quantile(r.probeFloodUs, 0.99)),
      probeIdleP99Ms: ms(quantile(r.probeIdleUs, 0.99)),
      rssIdleMB: round(r.rssIdleMB, 1),
      rssAfterFloodMB: round(r.rssAfterFloodMB, 1),
      lost: r.lost,
    })),
    startupsMs: startups.map((s) => round(s.startupMs, 1)),
  };
}

/** One program's summary. */
export type Summary = ReturnType<typeof summarize>;

const yes = (ok: boolean) => ok ? "yes" : "**no**";
const fixed = (value: number, digits = 2) => value.toFixed(digits);

/** The Markdown table: metric | floor | adapter | ratio | target | met? */
export function table(floor: Summary, adapter: Summary): string {
  const ratio = (a: number, f: number) => `${fixed(a / f)}×`;
  const k = (perSecond: number) => `${Math.round(perSecond / 1000)} k/s`;
  const rows: string[][] = [
    [
      "throughput, 200 k `WATCHDOG=1`, echo + log on, until all echoed",
      k(floor.throughputPerSecond),
      k(adapter.throughputPerSecond),
      ratio(adapter.throughputPerSecond, floor.throughputPerSecond),
      "≥ 0.8× floor",
      yes(adapter.throughputPerSecond >= 0.8 * floor.throughputPerSecond),
    ],
    [
      "probe p99 during a 1 M flood (new connection each)",
      `${fixed(floor.probeFloodMs.p99)} ms`,
      `${fixed(adapter.probeFloodMs.p99)} ms`,
      ratio(adapter.probeFloodMs.p99, floor.probeFloodMs.p99),
      "≤ 1 ms",
      yes(adapter.probeFloodMs.p99 <= 1),
    ],
    [
      "idle RSS (1 s after spawn)",
      `${fixed(floor.rssIdleMB, 1)} MB`,
      `${fixed(adapter.rssIdleMB, 1)} MB`,
      `${ratio(adapter.rssIdleMB, floor.rssIdleMB)} (+${
        fixed(adapter.rssIdleMB - floor.rssIdleMB, 1)
      } MB)`,
      "≤ floor + 4 MB",
      yes(adapter.rssIdleMB <= floor.rssIdleMB + 4),
    ],
    [
      "startup: spawn → `/healthz` 200 (`deno run`, warm cache)",
      `${fixed(floor.startupMs, 1)} ms`,
      `${fixed(adapter.startupMs, 1)} ms`,
      `${ratio(adapter.startupMs, floor.startupMs)} (+${
        fixed(adapter.startupMs - floor.startupMs, 1)
      } ms)`,
      "≤ floor + 6 ms",
      yes(adapter.startupMs <= floor.startupMs + 6),
    ],
    [
      "RSS after 1.2 M datagrams / idle",
      `${fixed(floor.rssAfterFloodRatio)}× (${fixed(floor.rssAfterFloodMB, 1)} MB)`,
      `${fixed(adapter.rssAfterFloodRatio)}× (${fixed(adapter.rssAfterFloodMB, 1)} MB)`,
      ratio(adapter.rssAfterFloodRatio, floor.rssAfterFloodRatio),
      "≤ 1.3×",
      yes(adapter.rssAfterFloodRatio <= 1.3),
    ],
    [
      "datagrams lost (of 1.2 M)",
      `${floor.lost}`,
      `${adapter.lost}`,
      "",
      "0",
      yes(adapter.lost === 0),
    ],
    [
      "throughput, 1 M more under probes",
      k(floor.throughput1MPerSecond),
      k(adapter.throughput1MPerSecond),
      ratio(adapter.throughput1MPerSecond, floor.throughput1MPerSecond),
      "",
      "",
    ],
    [
      "CPU per datagram (200 k flood): main thread / all threads",
      `${fixed(floor.cpuUsPerDatagram.main)} / ${fixed(floor.cpuUsPerDatagram.all)} µs`,
      `${fixed(adapter.cpuUsPerDatagram.main)} / ${fixed(adapter.cpuUsPerDatagram.all)} µs`,
      ratio(adapter.cpuUsPerDatagram.main, floor.cpuUsPerDatagram.main),
      "",
      "",
    ],
    [
      "probe p50 / max during the 1 M flood",
      `${fixed(floor.probeFloodMs.p50)} / ${fixed(floor.probeFloodMs.max)} ms`,
      `${fixed(adapter.probeFloodMs.p50)} / ${fixed(adapter.probeFloodMs.max)} ms`,
      "",
      "",
      "",
    ],
    [
      "probe idle p50 / p99",
      `${fixed(floor.probeIdleMs.p50)} / ${fixed(floor.probeIdleMs.p99)} ms`,
      `${fixed(adapter.probeIdleMs.p50)} / ${fixed(adapter.probeIdleMs.p99)} ms`,
      "",
      "",
      "",
    ],
  ];
  const wd = adapter.watchdogLatenessMs;
  if (wd !== null) {
    rows.push([
      `watchdog timeout → \`/livez\` 503, lateness p50 / p99 (${wd.runs} runs)`,
      "—",
      `${fixed(wd.p50)} / ${fixed(wd.p99)} ms`,
      "",
      "p99 ≤ 5 ms",
      yes(wd.p99 <= 5),
    ]);
  }
  const st = adapter.startTimeoutLatenessMs;
  if (st !== null) {
    rows.push([
      `start timeout → \`/livez\` 503, lateness p50 / max (${st.runs} runs)`,
      "—",
      `${fixed(st.p50)} / ${fixed(st.max)} ms`,
      "",
      "≤ 5 ms",
      yes(st.max <= 5),
    ]);
  }
  return [
    "| metric | floor | adapter | ratio | target | met? |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ].join("\n");
}

/** The sender alone against a null receiver: shows it is not what bounds the throughput. */
export async function senderAlone(tools: Tools): Promise<number> {
  const socket = `@sd-notify-adapter-bench-sink-${crypto.randomUUID()}`;
  const sink = await tools.sink(socket, FLOOD);
  const start = performance.now();
  await tools.send(socket, FLOOD, PAYLOAD);
  await sink.done;
  return FLOOD / ((performance.now() - start) / 1000);
}

/** The value of `--name=value`, or `fallback`. */
export function flag(args: readonly string[], name: string, fallback: string): string {
  return args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
}

async function main(args: readonly string[]) {
  const quiet = args.includes("--json-only");
  const log: Logger = (text) => {
    if (!quiet) console.error(text);
  };
  // --runs= is the old name of --rounds=.
  const rounds = Number(flag(args, "rounds", flag(args, "runs", "3")));
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new Error("--rounds must be a positive integer");
  }
  const tools = await prepareTools(!args.includes("--no-c"));
  const floor = floorProgram();
  const adapter = adapterProgram();
  log(`bench: tools ${tools.kind}; ${rounds} rounds; load average ${loadAverage().join(" ")}`);
  log(`bench: adapter = deno ${adapter.args.join(" ")}`);
  log(`bench: floor   = deno ${floor.args.join(" ")}`);
  const senderRates: number[] = [];
  let result: Awaited<ReturnType<typeof measure>>;
  try {
    for (let i = 0; i < 3; i++) senderRates.push(await senderAlone(tools));
    log(`bench: sender alone ${Math.round(median(senderRates))} datagrams/s`);
    result = await measure(tools, [floor, adapter], rounds, log);
  } finally {
    tools.close();
  }
  const { measured, loads } = result;
  const [floorSummary, adapterSummary] = measured.map(summarize);
  console.log(JSON.stringify(
    {
      date: new Date().toISOString(),
      deno: Deno.version.deno,
      cpus: navigator.hardwareConcurrency,
      tools: tools.kind,
      rounds,
      loadAverage: loads,
      note: "medians over interleaved rounds on a shared machine; MB = 10^6 bytes",
      commands: { floor: floor.args, adapter: adapter.args },
      senderAlonePerSecond: Math.round(median(senderRates)),
      floor: floorSummary,
      adapter: adapterSummary,
    },
    null,
    2,
  ));
  if (!quiet) {
    const [l1, l5, l15] = loads.at(-1)!;
    console.log(
      `\n${table(floorSummary, adapterSummary)}\n\nMedians of ${rounds} interleaved rounds ` +
        `(start-up: of ${floorSummary.startupSamples} spawns each); load average ` +
        `${loads[0].join(" ")} at the start, ${l1} ${l5} ${l15} at the end; ` +
        `${navigator.hardwareConcurrency} CPUs; tools ${tools.kind}; sender alone ` +
        `${Math.round(median(senderRates) / 1000)} k/s.`,
    );
  }
}

if (import.meta.main) await main(Deno.args);
