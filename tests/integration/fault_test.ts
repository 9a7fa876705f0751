// Faults from outside (issue: hardening): idle and broken HTTP clients, and SIGTERM in the
// middle of a flood. Blocked and closed stdout are in output_test.ts, a port in use in
// signals_test.ts, a socket that cannot be created in socket_test.ts.
import assert from "node:assert/strict";
import { pathExists, spawnAdapter, tempDir } from "../helpers/adapter_process.ts";
import { httpRequest, rawExchange } from "../helpers/http_client.ts";
import { needs } from "../helpers/tools.ts";

const encoder = new TextEncoder();

async function healthz(port: number): Promise<number> {
  return (await httpRequest(port, "/healthz")).status;
}

Deno.test(
  "faults: 1,000 idle TCP connections held open, probes keep answering",
  needs("python3"),
  async () => {
    const adapter = await spawnAdapter({ env: { ADAPTER_LOG: "false" } });
    const idle: Deno.Conn[] = [];
    try {
      for (let i = 0; i < 1_000; i++) {
        idle.push(await Deno.connect({ hostname: "127.0.0.1", port: adapter.port }));
      }
      // Half of them start a request and never finish it.
      for (const conn of idle.slice(0, 500)) {
        await conn.write(encoder.encode("GET /healthz HTTP/1.1\r\nHost: x\r\n"));
      }
      for (let i = 0; i < 20; i++) assert.equal(await healthz(adapter.port), 200);
      await adapter.send("READY=1");
      await adapter.waitFor(async () => (await adapter.request("/readyz")).status === 200, "ready");
    } catch (error) {
      for (const conn of idle) conn.close();
      await adapter.stop();
      throw error;
    }
    for (const conn of idle) conn.close();
    const exit = await adapter.stop();
    assert.equal(exit.code, 0);
  },
);

Deno.test(
  "faults: garbage, half-sent and oversized HTTP requests leave the adapter answering",
  needs("python3"),
  async () => {
    const adapter = await spawnAdapter({ env: { ADAPTER_LOG: "false" } });
    try {
      const garbage = await rawExchange(adapter.port, encoder.encode("GARBAGE\r\n\r\n"));
      assert.match(garbage, /^(HTTP\/1\.1 400 |)/, "a 400 or a closed connection");
      const binary = new Uint8Array(8192);
      crypto.getRandomValues(binary);
      await rawExchange(adapter.port, binary);
      assert.equal(
        await rawExchange(adapter.port, encoder.encode("GET /healthz HTTP/1.1\r\nHost: x\r\n"), {
          closeWrite: true,
        }),
        "",
        "a request cut off before its end gets no answer",
      );
      const longHeader = `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${
        "a".repeat(200_000)
      }\r\n\r\n`;
      const big = await rawExchange(adapter.port, encoder.encode(longHeader));
      assert.doesNotMatch(big, /^HTTP\/1\.1 200 /, "an oversized header is not served");
      const pipelined = await rawExchange(
        adapter.port,
        encoder.encode(
          "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n",
        ),
        { closeWrite: true },
      );
      assert.match(pipelined, /^HTTP\/1\.1 200 [\s\S]*HTTP\/1\.1 404 /);
      assert.equal(await healthz(adapter.port), 200);
    } catch (error) {
      await adapter.stop();
      throw error;
    }
    const exit = await adapter.stop();
    assert.equal(exit.code, 0);
  },
);

// Sends WATCHDOG=1 as fast as blocking send() allows until killed.
const FLOOD = `
import socket, sys
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
address = sys.argv[1]
sock.connect("\\0" + address[1:] if address.startswith("@") else address)
while True:
    try:
        sock.send(b"WATCHDOG=1")
    except OSError:
        break
`;

Deno.test(
  "faults: SIGTERM in the middle of a flood exits 0 within 2 s, socket removed",
  needs("python3"),
  async () => {
    const directory = tempDir();
    const adapter = await spawnAdapter({ env: { NOTIFY_SOCKET: `${directory.path}/notify.sock` } });
    assert.equal(pathExists(adapter.notifySocket), true);
    const sender = new Deno.Command("python3", {
      args: ["-c", FLOOD, adapter.notifySocket],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    try {
      await adapter.waitFor(
        async () => (await adapter.request("/status")).json.counters.datagrams > 10_000,
        "the flood under way",
      );
      const started = performance.now();
      const exit = await adapter.stop("SIGTERM");
      const tookMs = performance.now() - started;
      assert.equal(exit.code, 0);
      assert.ok(tookMs < 2_000, `stopped after ${tookMs.toFixed(0)} ms`);
      assert.equal(pathExists(adapter.notifySocket), false);
      // What was echoed is whole lines of what was sent.
      assert.match(exit.stdout, /^(WATCHDOG=1\n)*$/);
    } finally {
      try {
        sender.kill("SIGKILL");
      } catch {
        // It stopped when the socket went away.
      }
      await sender.status;
      directory.remove();
    }
  },
);
