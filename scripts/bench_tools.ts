/**
 * The load generator and prober behind scripts/bench.ts: scripts/bench_tools.c compiled with
 * the machine's C compiler when there is one (so that the sender and the prober cost far less
 * than the adapter they measure), else python3 for the sender and Deno for the prober.
 *
 * @module
 */

const C_SOURCE = new URL("./bench_tools.c", import.meta.url).pathname;
const ROOT = new URL("../", import.meta.url).pathname;

/** Blocking sends from python3, for machines without a C compiler. */
const PYTHON_SENDER = `
import socket, sys, time
name, count, payload = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.connect("\\0" + name[1:] if name.startswith("@") else name)
send, start = s.send, time.monotonic()
for _ in range(count): send(payload)
print('{"sent":%d,"us":%d}' % (count, (time.monotonic() - start) * 1e6))
`;

/** A null receiver in python3: what the python sender alone achieves. */
const PYTHON_SINK = `
import socket, sys, time
name, count = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\\0" + name[1:] if name.startswith("@") else name)
print('{"bound":true}', flush=True)
s.recv(4097); start = time.monotonic()
for _ in range(count - 1): s.recv(4097)
print('{"received":%d,"us":%d}' % (count, (time.monotonic() - start) * 1e6))
`;

/** How the tools are run on this machine. */
export interface Tools {
  /** `c` when bench_tools.c compiled, else `fallback` (python3 sender, Deno prober). */
  readonly kind: "c" | "fallback";
  /** Sends `count` datagrams with blocking sends; resolves with the sender's own time. */
  send(socket: string, count: number, payload: string): Promise<{ us: number }>;
  /** Starts a null receiver on `socket`; `done` resolves with its time for `count` datagrams. */
  sink(socket: string, count: number): Promise<{ done: Promise<{ us: number }> }>;
  /** Starts probing; `stop()` resolves with each probe's latency in microseconds. */
  probe(port: number, path: string, intervalUs: number): Promise<{ stop(): Promise<number[]> }>;
  /**
   * Runs `command` (an adapter with ADAPTER_UNIT_TIMEOUT_START_SEC=`timeoutMs` ms, live at
   * first, on `port`): µs from spawn until /healthz is 200, and how late /livez turns 503;
   * with `timeoutMs` 0 (the floor has no timers) the lateness is null and not waited for.
   */
  startup(
    port: number,
    timeoutMs: number,
    command: string[],
    env: Record<string, string>,
    cwd?: string,
  ): Promise<{ startupUs: number; startLatenessUs: number | null }>;
  /** Watchdog lateness runs: how long after each deadline `/livez` turned 503 (µs). */
  lateness(port: number, socket: string, runs: number, timeoutMs: number): Promise<number[]>;
  /** Removes the compiled tools. */
  close(): void;
}

async function compile(): Promise<string | undefined> {
  const dir = await Deno.makeTempDir({ prefix: "sd-notify-adapter-bench-" });
  const binary = `${dir}/bench_tools`;
  for (const cc of ["cc", "gcc", "clang"]) {
    try {
      const { success } = await new Deno.Command(cc, {
        args: ["-O2", "-o", binary, C_SOURCE],
        stdout: "null",
        stderr: "null",
      }).output();
      if (success) return binary;
    } catch {
      // Not installed: try the next compiler, then fall back.
    }
  }
  return undefined;
}

/** Reads a child's stdout line by line (JSON objects). */
async function* jsonLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<unknown> {
  let pending = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    pending += chunk;
    let newline;
    while ((newline = pending.indexOf("\n")) !== -1) {
      yield JSON.parse(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
    }
  }
}

function spawn(program: string, args: string[]) {
  return new Deno.Command(program, { args, stdout: "piped", stderr: "inherit" }).spawn();
}

async function runJson<T>(
  program: string,
  args: string[],
  env?: Record<string, string>,
  cwd = ROOT,
): Promise<T> {
  const { stdout, success } = await new Deno.Command(program, {
    args,
    env,
    clearEnv: env !== undefined,
    cwd,
    stderr: "inherit",
  }).output();
  if (!success) throw new Error(`${program} ${args.join(" ")} failed`);
  return JSON.parse(new TextDecoder().decode(stdout));
}

async function startSink(program: string, args: string[]) {
  const child = spawn(program, args);
  const lines = jsonLines(child.stdout);
  await lines.next(); // {"bound":true}
  const done = lines.next().then(async ({ value }) => {
    await child.status;
    return value as { us: number };
  });
  return { done };
}

/** One HTTP GET on a new TCP connection, from Deno: the prober of the fallback. */
async function httpGet(port: number, path: string): Promise<number> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const request = `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`;
    await conn.write(new TextEncoder().encode(request));
    const buffer = new Uint8Array(4096);
    let text = "";
    while (true) {
      const n = await conn.read(buffer);
      if (n === null) break;
      text += new TextDecoder().decode(buffer.subarray(0, n));
      const end = text.indexOf("\r\n\r\n");
      const length = /content-length:\s*(\d+)/i.exec(text);
      if (end !== -1 && text.length >= end + 4 + Number(length?.[1] ?? 0)) break;
    }
    return Number(text.slice(9, 12));
  } finally {
    conn.close();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

function denoProbe(port: number, path: string, intervalUs: number) {
  let stopped = false;
  const latencies: number[] = [];
  const loop = (async () => {
    while (!stopped) {
      const start = performance.now();
      try {
        await httpGet(port, path);
        latencies.push((performance.now() - start) * 1000);
      } catch {
        // Counted as missing samples; the adapter may be between states.
      }
      await sleep(intervalUs / 1000 - (performance.now() - start));
    }
  })();
  return Promise.resolve({
    stop: async () => {
      stopped = true;
      await loop;
      return latencies;
    },
  });
}

/** Start-up from Deno: polls every millisecond, so it reads up to a millisecond high. */
async function denoStartup(
  port: number,
  timeoutMs: number,
  command: string[],
  env: Record<string, string>,
  cwd = ROOT,
): Promise<{ startupUs: number; startLatenessUs: number | null }> {
  const spawned = performance.now();
  const child = new Deno.Command(command[0], {
    args: command.slice(1),
    cwd,
    env,
    clearEnv: true,
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    let before = spawned;
    while (true) {
      const attempt = performance.now();
      const status = await httpGet(port, "/healthz").catch(() => 0);
      if (status === 200) break;
      before = attempt;
      await sleep(1);
    }
    const startupUs = (performance.now() - spawned) * 1000;
    if (timeoutMs <= 0) return { startupUs, startLatenessUs: null };
    const deadline = before + timeoutMs;
    await sleep(deadline - performance.now() - 3);
    while (await httpGet(port, "/livez") === 200 && performance.now() < deadline + 2000);
    return { startupUs, startLatenessUs: (performance.now() - deadline) * 1000 };
  } finally {
    child.kill("SIGTERM");
    await child.status;
  }
}

/** Sends one datagram to `socket` (a path or `@abstract`) from a fresh abstract client socket. */
export async function sendDatagram(socket: string, payload: string): Promise<void> {
  const path = socket.startsWith("@") ? `\0${socket.slice(1)}` : socket;
  const client = Deno.listenDatagram({
    transport: "unixpacket",
    path: `\0sd-notify-adapter-bench-client-${crypto.randomUUID()}`,
  });
  try {
    await client.send(new TextEncoder().encode(payload), { transport: "unixpacket", path });
  } finally {
    client.close();
  }
}

async function denoLateness(port: number, socket: string, runs: number, timeoutMs: number) {
  const result: number[] = [];
  for (let run = 0; run < runs; run++) {
    await sendDatagram(socket, "WATCHDOG=1");
    const deadline = performance.now() + timeoutMs;
    while (await httpGet(port, "/livez") !== 200 && performance.now() < deadline);
    await sleep(deadline - performance.now() - 3);
    while (await httpGet(port, "/livez") === 200 && performance.now() < deadline + 2000);
    result.push((performance.now() - deadline) * 1000);
  }
  return result;
}

/** Compiles the C tools if a compiler is there (and `useC`); otherwise the fallbacks. */
export async function prepareTools(useC = true): Promise<Tools> {
  const binary = useC ? await compile() : undefined;
  if (binary !== undefined) {
    return {
      kind: "c",
      send: (socket, count, payload) => runJson(binary, ["send", socket, String(count), payload]),
      sink: (socket, count) => startSink(binary, ["sink", socket, String(count)]),
      probe: async (port, path, intervalUs) => {
        const child = spawn(binary, ["probe", String(port), path, String(intervalUs)]);
        const lines = jsonLines(child.stdout);
        await lines.next(); // {"started":true}
        return {
          stop: async () => {
            child.kill("SIGTERM");
            const { value } = await lines.next();
            await child.status;
            return (value as { us: number[] }).us;
          },
        };
      },
      startup: (port, timeoutMs, command, env, cwd) =>
        runJson(binary, ["startup", String(port), String(timeoutMs), ...command], env, cwd),
      lateness: async (port, socket, runs, timeoutMs) =>
        (await runJson<{ us: number[] }>(binary, [
          "lateness",
          String(port),
          socket,
          String(runs),
          String(timeoutMs),
        ])).us,
      close: () => Deno.removeSync(binary.slice(0, binary.lastIndexOf("/")), { recursive: true }),
    };
  }
  return {
    kind: "fallback",
    send: (socket, count, payload) =>
      runJson("python3", ["-c", PYTHON_SENDER, socket, String(count), payload]),
    sink: (socket, count) => startSink("python3", ["-c", PYTHON_SINK, socket, String(count)]),
    probe: denoProbe,
    startup: denoStartup,
    lateness: denoLateness,
    close: () => {},
  };
}
