/**
 * The floor that the benchmark (bench/main.ts) measures the adapter against: the least a Deno
 * program can do with the adapter's primitives. One `Deno.listenDatagram` receive loop into one reused
 * buffer of 4097 bytes; every datagram echoed to stdout and one JSON line per datagram
 * logged to stderr, both batched (one async write in flight per stream, the next batch
 * gathered meanwhile); `Deno.serve` answering every path, `/healthz` included, with 200 from
 * memory. No parsing, no state, no bound on what waits for output, no yielding to the probes.
 *
 * It reads the adapter's variables, so the benchmark drives both the same way:
 * `NOTIFY_SOCKET` (a path or `@abstract`), `ADAPTER_PORT` (default 8089), `ADAPTER_HOST`
 * (default `::`, falling back to `0.0.0.0` as the adapter does), and `ADAPTER_ECHO` and
 * `ADAPTER_LOG`, which turn the echo and the log off when `false` (the only word it knows).
 *
 *   deno run -P=adapter bench/floor.ts
 *
 * Not a benchmark file for `deno bench` (those end in `.bench.ts`).
 *
 * @module
 */

const BUFFER_BYTES = 4096 + 1;
const LF = 0x0a;

/** Bytes gathered while the previous write is under way, then written with one call. */
class BatchWriter {
  #sink: { write(bytes: Uint8Array): Promise<number> };
  #gather = new Uint8Array(1 << 16);
  #spare = new Uint8Array(1 << 16);
  #length = 0;
  #writing = false;

  constructor(sink: { write(bytes: Uint8Array): Promise<number> }) {
    this.#sink = sink;
  }

  append(bytes: Uint8Array, newline: boolean): void {
    const needed = this.#length + bytes.length + 1;
    if (needed > this.#gather.length) {
      const grown = new Uint8Array(Math.max(needed, this.#gather.length * 2));
      grown.set(this.#gather.subarray(0, this.#length));
      this.#gather = grown;
    }
    this.#gather.set(bytes, this.#length);
    this.#length += bytes.length;
    if (newline) this.#gather[this.#length++] = LF;
    if (!this.#writing) void this.#pump();
  }

  async #pump(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#length > 0) {
        const batch = this.#gather;
        let bytes = batch.subarray(0, this.#length);
        this.#gather = this.#spare.length >= batch.length
          ? this.#spare
          : new Uint8Array(batch.length);
        this.#length = 0;
        while (bytes.length > 0) bytes = bytes.subarray(await this.#sink.write(bytes));
        this.#spare = batch;
      }
    } catch {
      // stdout or stderr went away: the floor has nothing to report it to.
    } finally {
      this.#writing = false;
    }
  }
}

const encoder = new TextEncoder();
const echo = new BatchWriter(Deno.stdout);
const log = new BatchWriter(Deno.stderr);

// One log line per datagram, its text made once per millisecond, as the adapter's log does.
let lineMs = Number.NaN;
let lineBytes = new Uint8Array(0);
function logLine(): Uint8Array {
  const now = Date.now();
  if (now !== lineMs) {
    lineMs = now;
    const timestamp = new Date(now).toISOString().replace("Z", "+00:00");
    lineBytes = encoder.encode(
      `{"timestamp":"${timestamp}","level":"info","message":"Datagram","event":"datagram"}\n`,
    );
  }
  return lineBytes;
}

const BODY = '{"healthz":true,"livez":true,"readyz":true}';
const HEADERS = { "content-type": "application/json", "cache-control": "no-store" };

function serve(port: number): Deno.HttpServer {
  const host = Deno.env.get("ADAPTER_HOST") ?? "::";
  const hosts = host === "::" ? ["::", "0.0.0.0"] : [host];
  let failure: unknown;
  for (const hostname of hosts) {
    try {
      return Deno.serve(
        { hostname, port, onListen: () => {} },
        () => new Response(BODY, { headers: HEADERS }),
      );
    } catch (error) {
      failure ??= error;
    }
  }
  throw failure;
}

async function receiveLoop(
  conn: Deno.DatagramConn,
  { echoOn, logOn }: { echoOn: boolean; logOn: boolean },
): Promise<void> {
  const buffer = new Uint8Array(BUFFER_BYTES);
  while (true) {
    let datagram: Uint8Array;
    try {
      [datagram] = await conn.receive(buffer);
    } catch (error) {
      if (error instanceof Deno.errors.BadResource) return;
      throw error;
    }
    if (echoOn) echo.append(datagram, true);
    if (logOn) log.append(logLine(), false);
  }
}

if (import.meta.main) {
  const socket = Deno.env.get("NOTIFY_SOCKET") ?? "";
  const abstract = socket.startsWith("@");
  const path = abstract ? `\0${socket.slice(1)}` : socket;
  if (!abstract) {
    try {
      Deno.removeSync(path);
    } catch {
      // Nothing stale to replace.
    }
  }
  const conn = Deno.listenDatagram({ transport: "unixpacket", path });
  serve(Number(Deno.env.get("ADAPTER_PORT") ?? "8089"));
  await receiveLoop(conn, {
    echoOn: Deno.env.get("ADAPTER_ECHO") !== "false",
    logOn: Deno.env.get("ADAPTER_LOG") !== "false",
  });
}
