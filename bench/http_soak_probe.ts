/**
 * Memory growth on the HTTP request path (issue 20): the adapter and the floor
 * (bench/floor.ts) started side by side as the start task starts the adapter, echo and log
 * off, each driven by its own client that asks `/livez`, `/readyz`, `/metrics`, `/status` in
 * turn for the whole run. Every `--sample-ms` the resident set size of each is read from
 * /proc; the slope after `--warmup` seconds is a least-squares fit, in kB per minute and in
 * bytes per request.
 *
 *   deno run -A bench/http_soak_probe.ts [--seconds=180] [--warmup=60] [--sample-ms=2000]
 *     [--rate=1000] [--paths=/livez,/readyz,/metrics,/status] [--connection=keep-alive|close]
 *     [--target=NAME=ROOT]... [--env=NAME=VALUE]... [--floor=false]
 *     [--v8-flags=--trace-gc]
 *
 * With `--v8-flags`, each program's stdout (where V8 writes its traces) goes to
 * /tmp/http_soak_NAME.log.
 *
 * `--target` adds the adapter of another checkout (a root with deno.json and main.ts); the
 * adapter of this checkout is always measured. `--connection=close` opens a new connection
 * per request, as kubelet does; keep-alive is one connection for the whole run, as Prometheus
 * keeps one. `--rate` paces each client to that many requests per second (0: as fast as the
 * program answers). `--env` sets a variable for every program: with
 * `--env=ADAPTER_UNIT_TIMEOUT_START_SEC=1h` a deadline stays armed, as a watchdog keeps one, so
 * that /metrics has a deadline sample throughout (by default the start timer fires at 90 s).
 * Prints one JSON object per program. Not a `deno bench` file.
 *
 * @module
 */

const ROOT = new URL("../", import.meta.url).pathname.replace(/\/$/, "");
const FLOOR_SCRIPT = new URL("./floor.ts", import.meta.url).pathname;
const DEFAULT_PATHS = "/livez,/readyz,/metrics,/status";

interface Program {
  readonly name: string;
  readonly cwd: string;
  readonly args: readonly string[];
}

function startArgs(root: string, v8Flags: string | undefined): string[] {
  const config = JSON.parse(Deno.readTextFileSync(`${root}/deno.json`));
  const [program, ...args] = String(config.tasks.start).trim().split(/\s+/);
  if (program !== "deno") throw new Error(`Unexpected start task in ${root}`);
  if (v8Flags === undefined) return args;
  return args.map((arg) => arg.startsWith("--v8-flags=") ? `${arg},${v8Flags}` : arg);
}

function floorProgram(v8Flags: string | undefined): Program {
  const args = startArgs(ROOT, v8Flags);
  return { name: "floor", cwd: ROOT, args: args.map((a) => a === "main.ts" ? FLOOR_SCRIPT : a) };
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

function rssKiB(pid: number): number {
  const text = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+)/.exec(text)![1]);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Reads one response off `conn` (Content-Length or close); returns false on close. */
async function readResponse(conn: Deno.Conn, buffer: Uint8Array): Promise<boolean> {
  let length = 0;
  for (;;) {
    const read = await conn.read(buffer.subarray(length));
    if (read === null) return length > 0;
    length += read;
    const text = decoder.decode(buffer.subarray(0, length));
    const headEnd = text.indexOf("\r\n\r\n");
    if (headEnd < 0) continue;
    const match = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, headEnd));
    if (match === null) throw new Error(`No content-length: ${text.slice(0, headEnd)}`);
    if (length >= headEnd + 4 + Number(match[1])) return true;
  }
}

/** Asks the paths in turn until `until`, `rate` a second (0: no pacing); the answers. */
async function drive(
  port: number,
  paths: readonly string[],
  keepAlive: boolean,
  rate: number,
  until: () => boolean,
): Promise<number> {
  const buffer = new Uint8Array(1 << 16);
  const requests = paths.map((path) =>
    encoder.encode(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUser-Agent: soak\r\n` +
        `Accept: */*\r\n${keepAlive ? "" : "Connection: close\r\n"}\r\n`,
    )
  );
  let answered = 0;
  let conn: Deno.Conn | undefined;
  const started = performance.now();
  while (!until()) {
    if (rate > 0 && answered >= rate * (performance.now() - started) / 1000) {
      await sleep(5);
      continue;
    }
    conn ??= await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(requests[answered % requests.length]);
    if (!await readResponse(conn, buffer)) throw new Error("closed before an answer");
    answered++;
    if (!keepAlive) {
      conn.close();
      conn = undefined;
    }
  }
  conn?.close();
  return answered;
}

async function waitListening(port: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return;
    } catch {
      await sleep(20);
    }
  }
  throw new Error(`Nothing listens on ${port}`);
}

/** Least-squares slope of y over x. */
function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxy / sxx;
}

async function main() {
  const flags: Record<string, string> = {
    seconds: "180",
    warmup: "60",
    "sample-ms": "2000",
    connection: "keep-alive",
    rate: "0",
    paths: DEFAULT_PATHS,
  };
  const targets: string[] = [];
  const env: Record<string, string> = {};
  for (const arg of Deno.args) {
    const match = /^--([a-z0-9-]+)=(.*)$/.exec(arg);
    if (match === null) throw new Error(`Unexpected argument ${JSON.stringify(arg)}`);
    if (match[1] === "target") targets.push(match[2]);
    else if (match[1] === "env") {
      const [name, ...value] = match[2].split("=");
      env[name] = value.join("=");
    } else flags[match[1]] = match[2];
  }
  const seconds = Number(flags.seconds);
  const warmup = Number(flags.warmup);
  const sampleMs = Number(flags["sample-ms"]);
  const keepAlive = flags.connection !== "close";
  const v8Flags = flags["v8-flags"];
  const programs: Program[] = [{ name: "adapter", cwd: ROOT, args: startArgs(ROOT, v8Flags) }];
  for (const target of targets) {
    const [name, root] = target.split("=");
    programs.push({ name, cwd: root, args: startArgs(root, v8Flags) });
  }
  if (flags.floor !== "false") programs.push(floorProgram(v8Flags));

  const runs = programs.map((program) => {
    const port = freePort();
    const child = new Deno.Command(Deno.execPath(), {
      args: [...program.args],
      cwd: program.cwd,
      env: {
        NOTIFY_SOCKET: `@soak-${crypto.randomUUID()}`,
        ADAPTER_PORT: String(port),
        ADAPTER_HOST: "127.0.0.1",
        ADAPTER_ECHO: "false",
        ADAPTER_LOG: "false",
        ...env,
      },
      stdin: "null",
      stdout: v8Flags === undefined ? "null" : "piped",
      stderr: "null",
    }).spawn();
    // What V8 traces (--trace-gc) goes to stdout: kept per program for reading afterwards.
    if (v8Flags !== undefined) {
      const file = Deno.openSync(`/tmp/http_soak_${program.name}.log`, {
        write: true,
        create: true,
        truncate: true,
      });
      void child.stdout.pipeTo(file.writable);
    }
    return { program, port, child, samples: [] as [number, number][], answered: 0 };
  });
  await Promise.all(runs.map((run) => waitListening(run.port)));
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const done = () => elapsed() >= seconds;
  const rate = Number(flags.rate);
  const clients = runs.map(async (run) =>
    run.answered = await drive(run.port, flags.paths.split(","), keepAlive, rate, done)
  );
  const sampler = (async () => {
    while (!done()) {
      for (const run of runs) run.samples.push([elapsed(), rssKiB(run.child.pid)]);
      await sleep(sampleMs);
    }
  })();
  await Promise.all([...clients, sampler]);
  const results = runs.map((run) => {
    const late = run.samples.filter(([at]) => at >= warmup);
    const kiBPerSecond = slope(late);
    const perSecond = run.answered / seconds;
    return {
      name: run.program.name,
      requests: run.answered,
      requestsPerSecond: Math.round(perSecond),
      rssStartKiB: run.samples[0][1],
      rssAtWarmupKiB: late[0]?.[1],
      rssEndKiB: run.samples.at(-1)![1],
      slopeKBPerMin: Math.round(kiBPerSecond * 1.024 * 60),
      bytesPerRequest: Number((kiBPerSecond * 1024 / perSecond).toFixed(2)),
    };
  });
  for (const run of runs) {
    run.child.kill("SIGTERM");
    await run.child.status;
  }
  for (const result of results) console.log(JSON.stringify(result));
}

if (import.meta.main) await main();
