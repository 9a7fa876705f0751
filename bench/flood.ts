/**
 * The flood: a program with echo and log on (stdout and stderr to files) takes 200 k
 * `WATCHDOG=1` datagrams with nothing else going on (throughput, until all are echoed; CPU per
 * datagram), then 1 M more while a prober asks `/livez` every 2 ms on a new connection each,
 * as kubelet does (probe latency in a flood; RSS after the flood against idle RSS).
 *
 * @module
 */

import { IDLE_MS } from "./footprint.ts";
import { residentBytes, sleep } from "./process.ts";
import { type Program, socketName, startProgram } from "./programs.ts";
import { median, quantile } from "./statistics.ts";
import type { Tools } from "./tools.ts";

/** What every flood sends. */
const PAYLOAD = "WATCHDOG=1";
/** The throughput flood; the 200 k. */
const FLOOD = 200_000;
/** The flood under probes that follows it. */
const PROBED_FLOOD = 1_000_000;
const PROBE_INTERVAL_US = 2_000;
/** As the sidecar examples configure it: every ping re-arms a watchdog. */
const ENV = { ADAPTER_UNIT_WATCHDOG_SEC: "10s" };

/** What one flood run of one program measured (MB of 10^6 bytes). */
interface FloodRun {
  readonly rssIdleMB: number;
  readonly rssAfterFloodMB: number;
  /** Datagrams a second of the 200 k flood, until the last one is echoed. */
  readonly throughput: number;
  /** Datagrams a second of the 1 M flood under probes. */
  readonly probedThroughput: number;
  /** CPU µs per datagram of the 200 k flood: the main thread's, and all threads'. */
  readonly mainCpuUs: number;
  readonly allCpuUs: number;
  readonly lost: number;
  readonly unexpectedLines: number;
  readonly logLines: number;
  readonly probeIdleUs: readonly number[];
  readonly probeFloodUs: readonly number[];
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
function cpuSpentUs(pid: number, before: Map<number, number>, after: Map<number, number>) {
  let all = 0;
  for (const [tid, ns] of after) all += ns - (before.get(tid) ?? 0);
  return { main: ((after.get(pid) ?? 0) - (before.get(pid) ?? 0)) / 1000, all: all / 1000 };
}

/** Counts `\n` bytes in a file, reading it in chunks. */
function countLines(path: string): number {
  using file = Deno.openSync(path);
  const buffer = new Uint8Array(1 << 20);
  let lines = 0;
  while (true) {
    const n = file.readSync(buffer);
    if (n === null) return lines;
    for (let i = 0; i < n; i++) if (buffer[i] === 0x0a) lines++;
  }
}

const rssMB = (pid: number) => residentBytes(pid) / 1e6;

/** One flood run of `program`, from spawn to SIGTERM. */
export async function floodRun(tools: Tools, program: Program): Promise<FloodRun> {
  const dir = Deno.makeTempDirSync({ prefix: "sd-notify-adapter-bench-" });
  try {
    const out = `${dir}/stdout`;
    const err = `${dir}/stderr`;
    await using running = await startProgram(program, ENV, { stdout: out, stderr: err });
    const { pid, port, socket } = running;
    const lineBytes = PAYLOAD.length + 1;
    await sleep(IDLE_MS - (performance.now() - running.spawnedAt));
    const rssIdleMB = rssMB(pid);

    const idleProber = await tools.probe(port, "/livez", PROBE_INTERVAL_US);
    await sleep(1000);
    const probeIdleUs = await idleProber.stop();

    const cpuBefore = threadCpuNs(pid);
    let start = performance.now();
    await tools.send(socket, FLOOD, PAYLOAD);
    await waitForSize(out, FLOOD * lineBytes);
    const throughput = FLOOD / ((performance.now() - start) / 1000);
    const cpu = cpuSpentUs(pid, cpuBefore, threadCpuNs(pid));

    const prober = await tools.probe(port, "/livez", PROBE_INTERVAL_US);
    start = performance.now();
    await tools.send(socket, PROBED_FLOOD, PAYLOAD);
    const echoed = await waitForSize(out, (FLOOD + PROBED_FLOOD) * lineBytes);
    const probedThroughput = PROBED_FLOOD / ((performance.now() - start) / 1000);
    const probeFloodUs = await prober.stop();
    const rssAfterFloodMB = rssMB(pid);

    const unexpectedLines = Deno.readTextFileSync(out).split("\n")
      .filter((line) => line !== "" && line !== PAYLOAD).length;
    return {
      rssIdleMB,
      rssAfterFloodMB,
      throughput,
      probedThroughput,
      mainCpuUs: cpu.main / FLOOD,
      allCpuUs: cpu.all / FLOOD,
      lost: FLOOD + PROBED_FLOOD - echoed / lineBytes,
      unexpectedLines,
      logLines: countLines(err),
      probeIdleUs,
      probeFloodUs,
    };
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

/** Medians over a program's flood runs (milliseconds for probe latencies). */
export interface Flood {
  readonly throughput: number;
  readonly probedThroughput: number;
  readonly mainCpuUs: number;
  readonly allCpuUs: number;
  readonly probeFloodMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly probeIdleMs: { readonly p50: number; readonly p99: number };
  readonly rssIdleMB: number;
  readonly rssAfterFloodMB: number;
  /** RSS after the flood over idle RSS, of the same process. */
  readonly rssRatio: number;
  /** The most lost in any run. */
  readonly lost: number;
  readonly unexpectedLines: number;
  readonly logLinesPerDatagram: number;
}

/** The medians of `runs`. */
export function summarizeFlood(runs: readonly FloodRun[]): Flood {
  const per = (f: (run: FloodRun) => number) => median(runs.map(f));
  const ms = (f: (run: FloodRun) => number) => per(f) / 1000;
  return {
    throughput: per((r) => r.throughput),
    probedThroughput: per((r) => r.probedThroughput),
    mainCpuUs: per((r) => r.mainCpuUs),
    allCpuUs: per((r) => r.allCpuUs),
    probeFloodMs: {
      p50: ms((r) => quantile(r.probeFloodUs, 0.5)),
      p99: ms((r) => quantile(r.probeFloodUs, 0.99)),
      max: ms((r) => Math.max(...r.probeFloodUs)),
    },
    probeIdleMs: {
      p50: ms((r) => quantile(r.probeIdleUs, 0.5)),
      p99: ms((r) => quantile(r.probeIdleUs, 0.99)),
    },
    rssIdleMB: per((r) => r.rssIdleMB),
    rssAfterFloodMB: per((r) => r.rssAfterFloodMB),
    rssRatio: per((r) => r.rssAfterFloodMB / r.rssIdleMB),
    lost: Math.max(...runs.map((r) => r.lost)),
    unexpectedLines: Math.max(...runs.map((r) => r.unexpectedLines)),
    logLinesPerDatagram: per((r) => r.logLines / (FLOOD + PROBED_FLOOD)),
  };
}

/** One line about a run, for the progress log. */
export function describeFloodRun(name: string, run: FloodRun): string {
  const p99 = (us: readonly number[]) => (quantile(us, 0.99) / 1000).toFixed(2);
  return `  ${name}: ${Math.round(run.throughput)}/s (under probes ${
    Math.round(run.probedThroughput)
  }/s), lost ${run.lost}, RSS ${run.rssIdleMB.toFixed(1)} → ${
    run.rssAfterFloodMB.toFixed(1)
  } MB, CPU/datagram ${run.mainCpuUs.toFixed(2)} µs main ${run.allCpuUs.toFixed(2)} µs all, ` +
    `probe p99 idle ${p99(run.probeIdleUs)} flood ${p99(run.probeFloodUs)} ms`;
}

/** The sender alone into a null receiver, datagrams a second: shows it is not the bound. */
export async function senderAlone(tools: Tools): Promise<number> {
  const socket = socketName();
  const sink = await tools.sink(socket, FLOOD);
  const start = performance.now();
  await tools.send(socket, FLOOD, PAYLOAD);
  await sink.done;
  return FLOOD / ((performance.now() - start) / 1000);
}
