/**
 * Starts the real adapter process for integration tests, the way `deno task start` does
 * (the command is read from deno.json, so the tests run exactly what users run), and talks
 * to it: raw datagrams, HTTP, captured stdout and stderr.
 *
 * @module
 */

import { freePort, ROOT, sendDatagram, startTaskArgs } from "../../bench/process.ts";
import { httpRequest, type HttpResult } from "./http_client.ts";

export type { HttpResult };

// Written once for the tests, the benchmark and the scripts.
export { freePort, sendDatagram };

/**
 * `deno task start`'s arguments with the source (`main.ts`) in place of the bundle it runs
 * (`build/sd-notify-adapter.js`): the tests run the code as it is in the tree, and
 * tests/build/bundle_test.ts keeps the committed bundle equal to it.
 */
export function adapterArgs(): string[] {
  const args = startTaskArgs();
  if (!args.at(-1)?.endsWith(".js")) throw new Error(`Unexpected start task: ${args.join(" ")}`);
  return [...args.slice(0, -1), "main.ts"];
}

/**
 * A fresh temporary directory (in the system's, or in `parent`, such as `/var/lib` for one outside
 * the adapter's permission set), removed by the returned function.
 */
export function tempDir(parent?: string): { path: string; remove: () => void } {
  const path = Deno.makeTempDirSync({ dir: parent, prefix: "sd-notify-adapter-test-" });
  return { path, remove: () => Deno.removeSync(path, { recursive: true }) };
}

/** Collects a stream's bytes as they arrive. */
class Collector {
  #chunks: Uint8Array[] = [];
  readonly done: Promise<void>;
  constructor(stream: ReadableStream<Uint8Array>, gate: Promise<void> = Promise.resolve()) {
    this.done = (async () => {
      await gate;
      for await (const chunk of stream) this.#chunks.push(chunk);
    })();
  }
  text(): string {
    // A fresh decoder each time: a character split between two chunks decodes whole.
    const decoder = new TextDecoder();
    return this.#chunks.map((chunk) => decoder.decode(chunk, { stream: true })).join("") +
      decoder.decode();
  }
}

/** The outcome of a stopped adapter process. */
export interface Exit {
  readonly code: number;
  readonly signal: Deno.Signal | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running adapter process under test. */
export interface AdapterProcess {
  readonly port: number;
  /** NOTIFY_SOCKET as given to the adapter (`/path` or `@name`). */
  readonly notifySocket: string;
  readonly child: Deno.ChildProcess;
  /** The environment given to the adapter (for clients that need `NOTIFY_SOCKET`). */
  readonly env: Readonly<Record<string, string>>;
  stdout(): string;
  stderr(): string;
  /** The JSON Lines log records written so far. */
  logRecords(): Record<string, unknown>[];
  /** GET (or another method) on the adapter's port: status, headers and parsed JSON body. */
  request(path: string, method?: string): Promise<HttpResult>;
  /** Sends one raw datagram to the adapter's socket. */
  send(datagram: string | Uint8Array): Promise<void>;
  /** Waits until `predicate` holds (polling every 10 ms), or fails after `timeoutMs`. */
  waitFor(
    predicate: () => boolean | Promise<boolean>,
    what: string,
    timeoutMs?: number,
  ): Promise<void>;
  /** Sends `signal` (default SIGTERM) and waits for the process to exit. */
  stop(signal?: Deno.Signal): Promise<Exit>;
  /** Waits for the process to exit by itself. */
  exited(): Promise<Exit>;
}

/** Options for `spawnAdapter`. */
export interface SpawnOptions {
  /** Variables for the adapter; NOTIFY_SOCKET and ADAPTER_PORT get test defaults. */
  readonly env?: Record<string, string>;
  /** Extra arguments after `main.ts` (e.g. `run -- cmd`), or a whole other command. */
  readonly args?: readonly string[];
  /** Run this program instead of `deno run … main.ts` (e.g. a compiled binary). */
  readonly command?: string;
  /** Wait for `/healthz` 200 before returning (default true). */
  readonly waitHealthy?: boolean;
  /** Start reading the adapter's stdout only once this resolves (a pipe nobody drains). */
  readonly stdoutGate?: Promise<void>;
}

/** Starts the adapter and (by default) waits until `/healthz` answers 200. */
export async function spawnAdapter(options: SpawnOptions = {}): Promise<AdapterProcess> {
  const port = Number(options.env?.ADAPTER_PORT ?? freePort());
  const notifySocket = options.env?.NOTIFY_SOCKET ??
    `@sd-notify-adapter-test-${crypto.randomUUID()}`;
  const env = { ...options.env, NOTIFY_SOCKET: notifySocket, ADAPTER_PORT: String(port) };
  const command = options.command ?? Deno.execPath();
  const args = options.command === undefined
    ? [...adapterArgs(), ...(options.args ?? [])]
    : [...(options.args ?? [])];
  const child = new Deno.Command(command, {
    args,
    cwd: ROOT,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const out = new Collector(child.stdout, options.stdoutGate);
  const err = new Collector(child.stderr);
  let exit: Promise<Exit> | undefined;
  const exited = () =>
    exit ??= child.status.then(async (status) => {
      await Promise.all([out.done, err.done]);
      return { code: status.code, signal: status.signal, stdout: out.text(), stderr: err.text() };
    });

  const request = (path: string, method = "GET") => httpRequest(port, path, method);

  const waitFor = async (
    predicate: () => boolean | Promise<boolean>,
    what: string,
    timeoutMs = 10_000,
  ) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await predicate())) {
      if (Date.now() > deadline) {
        throw new Error(
          `Timed out after ${timeoutMs} ms waiting for ${what}\nstderr:\n${err.text()}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  const adapter: AdapterProcess = {
    port,
    notifySocket,
    child,
    env,
    stdout: () => out.text(),
    stderr: () => err.text(),
    logRecords: () =>
      err.text().split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line)),
    request,
    send: (datagram) => sendDatagram(notifySocket, datagram),
    waitFor,
    stop: async (signal = "SIGTERM") => {
      try {
        child.kill(signal);
      } catch {
        // Already gone.
      }
      return await exited();
    },
    exited,
  };

  if (options.waitHealthy ?? true) {
    let done = false;
    exited().then(() => done = true);
    await waitFor(
      async () => {
        if (done) {
          const result = await exited();
          throw new Error(`Adapter exited with ${result.code} before healthy:\n${result.stderr}`);
        }
        try {
          return (await request("/healthz")).status === 200;
        } catch {
          return false;
        }
      },
      "/healthz 200",
      20_000,
    );
  }
  return adapter;
}

/** Whether anything (a socket included) exists at `path`. */
export function pathExists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** What one datagram produced: its echo on stdout and its records in the log. */
export interface Settled {
  readonly stdout: string;
  readonly records: Record<string, unknown>[];
}

let markers = 0;

/**
 * Sends `datagram`, then a marker datagram, and waits until the marker shows on stdout and in
 * the log; returns what appeared before it. Needs ADAPTER_ECHO and ADAPTER_LOG on: output of
 * consecutive datagrams keeps its order on each stream, so the marker bounds the datagram's.
 */
export async function sendAndSettle(
  adapter: AdapterProcess,
  datagram: string | Uint8Array,
): Promise<Settled> {
  const stdoutBefore = adapter.stdout().length;
  const recordsBefore = adapter.logRecords().length;
  const marker = `settle-${Deno.pid}-${++markers}`;
  await adapter.send(datagram);
  // X_ lines are echoed and unknown keys logged, and neither changes a probe.
  await adapter.send(`X_SETTLE=${marker}\nSETTLE=${marker}`);
  const markerLine = `X_SETTLE=${marker}\n`;
  const isMarker = (record: Record<string, unknown>) => record.excerpt === `SETTLE=${marker}`;
  await adapter.waitFor(
    () => adapter.stdout().includes(markerLine) && adapter.logRecords().some(isMarker),
    `marker ${marker} on stdout and in the log`,
  );
  const stdout = adapter.stdout();
  const records = adapter.logRecords();
  return {
    stdout: stdout.slice(stdoutBefore, stdout.indexOf(markerLine, stdoutBefore)),
    records: records.slice(recordsBefore, records.findIndex(isMarker)),
  };
}

/**
 * Waits for the first log record with `message` and returns it: the log is written
 * asynchronously, so `/healthz` may answer before the start-up records reach stderr.
 */
export async function waitForRecord(
  adapter: AdapterProcess,
  message: string,
): Promise<Record<string, unknown>> {
  const find = () => adapter.logRecords().find((record) => record.message === message);
  await adapter.waitFor(() => find() !== undefined, `the log record "${message}"`);
  return find()!;
}
