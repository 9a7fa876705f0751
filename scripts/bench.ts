/**
 * End-to-end benchmark of the real adapter (`deno task start`, echo to a file, log on):
 * start-up, RSS, throughput and loss under a WATCHDOG=1 flood, probe latency idle and
 * during a flood (a new TCP connection per probe, as kubelet does), and timer lateness.
 * Prints JSON, then a Markdown table of medians over several runs.
 *
 *   deno run -A scripts/bench.ts [--runs=3] [--json-only] [--no-c]
 *
 * `--no-c` uses the fallbacks (python3 sender, Deno prober) even where a C compiler exists.
 *
 * @module
 */

import denoConfig from "../deno.json" with { type: "json" };
import { prepareTools, type Tools } from "./bench_tools.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const PAYLOAD = "WATCHDOG=1";
const FLOOD = 200_000;
const BIG_FLOOD = 1_000_000;
const PROBE_INTERVAL_US = 2_000;
const WATCHDOG_MS = 50;
const LATENESS_RUNS = 40;
const START_TIMEOUT_MS = 200;
const STARTUP_RUNS = 7;

const args = new Set(Deno.args);
const RUNS = Number(Deno.args.find((arg) => arg.startsWith("--runs="))?.slice(7) ?? 3);

/** The `deno task start` command, so the benchmark runs exactly what users run. */
function startArgs(): string[] {
  const [program, ...rest] = denoConfig.tasks.start.split(/\s+/);
  if (program !== "deno") throw new Error(`Unexpected start task: ${denoConfig.tasks.start}`);
  return rest;
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

function rssMiB(pid: number): number {
  const text = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+)/.exec(text)![1]) / 1024;
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const median = (values: readonly number[]) => quantile(values, 0.5);
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

function adapterEnv(port: number, socket: string, extra: Record<string, string> = {}) {
  return {
    PATH: Deno.env.get("PATH") ?? "",
    HOME: Deno.env.get("HOME") ?? "",
    ...(Deno.env.has("DENO_DIR") ? { DENO_DIR: Deno.env.get("DENO_DIR")! } : {}),
    NOTIFY_SOCKET: socket,
    ADAPTER_PORT: String(port),
    ...extra,
  };
}

/**
 * Start-up (process spawn until /healthz answers 200) and start-timeout lateness: the start
 * timer is armed after the last failed /healthz attempt began and before the first 200, so
 * the lateness is measured from the earliest possible deadline (an upper bound).
 */
async function startupRun(tools: Tools): Promise<Startup> {
  const port = freePort();
  const socket = `@sd-notify-adapter-bench-${crypto.randomUUID()}`;
  const env = adapterEnv(port, socket, {
    ADAPTER_UNIT_TIMEOUT_START_SEC: `${START_TIMEOUT_MS}ms`,
    ADAPTER_INITIAL_LIVEZ: "true",
  });
  const { startupUs, startLatenessUs } = await tools.startup(
    port,
    START_TIMEOUT_MS,
    [Deno.execPath(), ...startArgs()],
    env,
  );
  return { startupMs: startupUs / 1000, startLatenessMs: startLatenessUs / 1000 };
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

interface MainRun {
  rssIdleMiB: number;
  rssAfterFloodMiB: number;
  rssAfter1MMiB: number;
  senderSeconds: number;
  floodEchoSeconds: number;
  throughput: number;
  bigFloodThroughput: number;
  lost: number;
  probeIdleUs: number[];
  probeFloodUs: number[];
  watchdogLatenessUs: number[];
}

/** One adapter: idle RSS and probes, a 200 k flood, a 1 M flood under probes, lateness. */
async function mainRun(tools: Tools): Promise<MainRun> {
  const port = freePort();
  const socket = `@sd-notify-adapter-bench-${crypto.randomUUID()}`;
  const dir = Deno.makeTempDirSync({ prefix: "sd-notify-adapter-bench-" });
  const out = `${dir}/stdout`;
  const env = adapterEnv(port, socket, { ADAPTER_UNIT_WATCHDOG_SEC: `${WATCHDOG_MS}ms` });
  // The shell only redirects: `exec` makes the adapter the child, so its pid is the adapter's.
  const child = new Deno.Command("/bin/sh", {
    args: ["-c", `exec "$0" "$@" >'${out}' 2>'${dir}/stderr'`, Deno.execPath(), ...startArgs()],
    cwd: ROOT,
    env,
    clearEnv: true,
    stdin: "null",
  }).spawn();
  const spawned = performance.now();
  const lineBytes = PAYLOAD.length + 1;
  try {
    while (await status(port, "/healthz") !== 200) await sleep(5);
    await sleep(1000 - (performance.now() - spawned));
    const rssIdleMiB = rssMiB(child.pid);

    const idleProber = await tools.probe(port, "/livez", PROBE_INTERVAL_US);
    await sleep(1000);
    const probeIdleUs = await idleProber.stop();

    let start = performance.now();
    const sender = await tools.send(socket, FLOOD, PAYLOAD);
    let echoed = await waitForSize(out, FLOOD * lineBytes);
    const floodEchoSeconds = (performance.now() - start) / 1000;
    const rssAfterFloodMiB = rssMiB(child.pid);
    let lost = FLOOD - echoed / lineBytes;

    const prober = await tools.probe(port, "/livez", PROBE_INTERVAL_US);
    start = performance.now();
    await tools.send(socket, BIG_FLOOD, PAYLOAD);
    echoed = await waitForSize(out, (FLOOD + BIG_FLOOD) * lineBytes);
    const bigFloodSeconds = (performance.now() - start) / 1000;
    const probeFloodUs = await prober.stop();
    const rssAfter1MMiB = rssMiB(child.pid);
    lost = FLOOD + BIG_FLOOD - echoed / lineBytes;

    const watchdogLatenessUs = await tools.lateness(port, socket, LATENESS_RUNS, WATCHDOG_MS);
    return {
      rssIdleMiB,
      rssAfterFloodMiB,
      rssAfter1MMiB,
      senderSeconds: sender.us / 1e6,
      floodEchoSeconds,
      throughput: FLOOD / floodEchoSeconds,
      bigFloodThroughput: BIG_FLOOD / bigFloodSeconds,
      lost,
      probeIdleUs,
      probeFloodUs,
      watchdogLatenessUs,
    };
  } finally {
    child.kill("SIGTERM");
    await child.status;
    const text = Deno.readTextFileSync(out);
    const wrong = text.split("\n").filter((line) => line !== "" && line !== PAYLOAD).length;
    if (wrong > 0) console.error(`bench: ${wrong} unexpected lines on stdout`);
    Deno.removeSync(dir, { recursive: true });
  }
}

/** The sender alone against a null receiver: shows it is not what bounds the throughput. */
async function senderAlone(tools: Tools): Promise<number> {
  const socket = `@sd-notify-adapter-bench-sink-${crypto.randomUUID()}`;
  const sink = await tools.sink(socket, FLOOD);
  const start = performance.now();
  await tools.send(socket, FLOOD, PAYLOAD);
  await sink.done;
  return FLOOD / ((performance.now() - start) / 1000);
}

function log(text: string) {
  if (!args.has("--json-only")) console.error(text);
}

async function main() {
  const tools = await prepareTools(!args.has("--no-c"));
  log(`bench: tools ${tools.kind}; ${RUNS} runs`);
  const senderRates: number[] = [];
  for (let i = 0; i < 3; i++) senderRates.push(await senderAlone(tools));
  log(`bench: sender alone ${Math.round(median(senderRates))} datagrams/s`);

  await startupRun(tools); // warms Deno's module cache
  const startups: Startup[] = [];
  for (let i = 0; i < STARTUP_RUNS; i++) startups.push(await startupRun(tools));
  log(`bench: startup ${startups.map((s) => s.startupMs.toFixed(1)).join(" ")} ms`);

  const runs: MainRun[] = [];
  for (let i = 0; i < RUNS; i++) {
    const run = await mainRun(tools);
    runs.push(run);
    log(
      `bench: run ${i + 1}: ${Math.round(run.throughput)}/s (1M: ${
        Math.round(run.bigFloodThroughput)
      }/s), lost ${run.lost}, RSS ${run.rssIdleMiB.toFixed(1)}/${run.rssAfterFloodMiB.toFixed(1)}/${
        run.rssAfter1MMiB.toFixed(1)
      } MiB, probe p99 idle ${(quantile(run.probeIdleUs, 0.99) / 1000).toFixed(2)} flood ${
        (quantile(run.probeFloodUs, 0.99) / 1000).toFixed(2)
      } ms, lateness p99 ${(quantile(run.watchdogLatenessUs, 0.99) / 1000).toFixed(2)} ms`,
    );
  }

  const results = summarize(startups, runs, senderRates);
  console.log(JSON.stringify(
    {
      date: new Date().toISOString(),
      deno: Deno.version.deno,
      cpus: navigator.hardwareConcurrency,
      tools: tools.kind,
      runs: RUNS,
      note: "medians of the runs; a shared machine, numbers vary between runs",
      results,
    },
    null,
    2,
  ));
  if (!args.has("--json-only")) console.log(`\n${table(results)}`);
}

interface Startup {
  startupMs: number;
  startLatenessMs: number;
}

function summarize(startups: Startup[], runs: MainRun[], senderRates: number[]) {
  const per = (f: (run: MainRun) => number) => median(runs.map(f));
  const ms = (us: number) => round(us / 1000);
  return {
    startupMs: round(median(startups.map((s) => s.startupMs)), 1),
    rssIdleMiB: round(per((r) => r.rssIdleMiB), 1),
    rssAfter200kMiB: round(per((r) => r.rssAfterFloodMiB), 1),
    rssAfter1MMiB: round(per((r) => r.rssAfter1MMiB), 1),
    rssAfter1MRatio: round(per((r) => r.rssAfter1MMiB / r.rssIdleMiB)),
    throughputPerSecond: Math.round(per((r) => r.throughput)),
    throughput1MPerSecond: Math.round(per((r) => r.bigFloodThroughput)),
    flood200kEchoedSeconds: round(per((r) => r.floodEchoSeconds), 3),
    senderAlonePerSecond: Math.round(median(senderRates)),
    lost: Math.max(...runs.map((r) => r.lost)),
    probeIdleMs: {
      p50: ms(per((r) => quantile(r.probeIdleUs, 0.5))),
      p99: ms(per((r) => quantile(r.probeIdleUs, 0.99))),
      max: ms(per((r) => Math.max(...r.probeIdleUs))),
    },
    probeFloodMs: {
      p50: ms(per((r) => quantile(r.probeFloodUs, 0.5))),
      p99: ms(per((r) => quantile(r.probeFloodUs, 0.99))),
      max: ms(per((r) => Math.max(...r.probeFloodUs))),
    },
    watchdogLatenessMs: {
      p50: ms(per((r) => quantile(r.watchdogLatenessUs, 0.5))),
      p99: ms(per((r) => quantile(r.watchdogLatenessUs, 0.99))),
    },
    startTimeoutLatenessMs: {
      p50: round(quantile(startups.map((s) => s.startLatenessMs), 0.5)),
      max: round(Math.max(...startups.map((s) => s.startLatenessMs))),
    },
  };
}

function table(r: ReturnType<typeof summarize>): string {
  const rows: [string, string, string][] = [
    ["start-up (spawn → /healthz 200)", `${r.startupMs} ms`, "≤ 30 ms"],
    ["RSS idle (1 s after start)", `${r.rssIdleMiB} MiB`, "≤ 40 MB"],
    ["RSS after 200 k datagrams", `${r.rssAfter200kMiB} MiB`, ""],
    [
      "RSS after 1.2 M datagrams",
      `${r.rssAfter1MMiB} MiB (${r.rssAfter1MRatio} × idle)`,
      "≤ 1.3 × idle",
    ],
    ["throughput, 200 k WATCHDOG=1, echo + log", `${r.throughputPerSecond} /s`, "≥ 250 k/s"],
    ["throughput, 1 M flood under probes", `${r.throughput1MPerSecond} /s`, ""],
    ["datagrams lost", `${r.lost}`, "0"],
    [
      "probe idle p50 / p99 / max",
      `${r.probeIdleMs.p50} / ${r.probeIdleMs.p99} / ${r.probeIdleMs.max} ms`,
      "",
    ],
    [
      "probe during flood p50 / p99 / max",
      `${r.probeFloodMs.p50} / ${r.probeFloodMs.p99} / ${r.probeFloodMs.max} ms`,
      "p99 ≤ 2 ms",
    ],
    [
      "watchdog timeout lateness p50 / p99",
      `${r.watchdogLatenessMs.p50} / ${r.watchdogLatenessMs.p99} ms`,
      "p99 ≤ 5 ms",
    ],
    [
      "start timeout lateness p50 / max",
      `${r.startTimeoutLatenessMs.p50} / ${r.startTimeoutLatenessMs.max} ms`,
      "≤ 5 ms",
    ],
    ["sender alone (null receiver)", `${r.senderAlonePerSecond} /s`, ""],
  ];
  return [
    "| measure | result | target |",
    "| --- | --- | --- |",
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ].join("\n");
}

await main();
