// Hostile input (behaviour §2: nothing that arrives on the socket can stop the adapter, leak
// memory, or delay the probes noticeably): random bytes, oversize, NUL, invalid UTF-8, floods.
import assert from "node:assert/strict";
import { adapterArgs, type AdapterProcess, spawnAdapter } from "../helpers/adapter_process.ts";
import { needs } from "../helpers/tools.ts";

/** A small seeded generator (mulberry32), so that a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBytes(next: () => number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(next() * 256);
  return bytes;
}

// Sends `count` copies of a datagram as fast as blocking send() allows.
const FLOOD_SENDER = `
import socket, sys
address, count, payload = sys.argv[1], int(sys.argv[2]), bytes.fromhex(sys.argv[3])
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.connect("\\0" + address[1:] if address.startswith("@") else address)
for _ in range(count):
    sock.send(payload)
`;

async function flood(adapter: AdapterProcess, count: number, payload: Uint8Array) {
  const hex = Array.from(payload, (byte) => byte.toString(16).padStart(2, "0")).join("");
  const { code, stderr } = await new Deno.Command("python3", {
    args: ["-c", FLOOD_SENDER, adapter.notifySocket, String(count), hex],
    stdin: "null",
    stdout: "null",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
}

function rssKiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(Deno.readTextFileSync(`/proc/${pid}/status`));
  assert.ok(match);
  return Number(match[1]);
}

async function assertHealthy(adapter: AdapterProcess, what: string) {
  const started = performance.now();
  const response = await adapter.request("/healthz");
  assert.equal(response.status, 200, what);
  return performance.now() - started;
}

/** Asks for `/healthz` every 20 ms until `flooding` settles; the slowest answer, in ms. */
async function slowestProbeDuring(adapter: AdapterProcess, flooding: Promise<unknown>) {
  let done = false;
  const probing = (async () => {
    let max = 0;
    while (!done) {
      max = Math.max(max, await assertHealthy(adapter, "during the flood"));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return max;
  })();
  await flooding.finally(() => done = true);
  return await probing;
}

Deno.test("hostile input: the adapter keeps running and answering", needs("python3"), async (t) => {
  const adapter = await spawnAdapter({ env: { ADAPTER_CHANNEL_SIZE: "32" } });
  const counted = async () => (await adapter.request("/status")).json.counters.datagrams;
  try {
    await t.step("random bytes of random lengths, from many client sockets", async () => {
      const next = random(20240501);
      for (let i = 0; i < 300; i++) {
        await adapter.send(randomBytes(next, Math.floor(next() * 5000)));
      }
      await adapter.waitFor(async () => await counted() === 300, "300 datagrams counted");
      await assertHealthy(adapter, "after random bytes");
    });

    await t.step("oversize, NUL, invalid UTF-8, empty and line-noise datagrams", async () => {
      const before = await counted();
      const datagrams: (string | Uint8Array)[] = [
        new Uint8Array(100_000).fill(0x41),
        "\0".repeat(4096),
        "READY=1\0STATUS=x",
        new Uint8Array([0xff, 0xfe, 0xfd, 0x0a, 0xc3, 0x28]),
        new Uint8Array(0),
        "\n\r\n\r",
        "=".repeat(4096),
        "X_" + "\u{1f600}".repeat(1000),
        "BARRIER=1\n".repeat(400),
        "STATUS=a\nSTATUS=b\n".repeat(200),
      ];
      for (const datagram of datagrams) await adapter.send(datagram);
      await adapter.waitFor(
        async () => await counted() === before + datagrams.length,
        "every datagram counted",
      );
      await assertHealthy(adapter, "after malformed datagrams");
      assert.equal((await adapter.request("/readyz")).status, 503, "none of it was READY=1");
    });

    await t.step("a flood of 20,000 pings: probes stay fast, memory stays bounded", async () => {
      const rssBefore = rssKiB(adapter.child.pid);
      const before = await counted();
      const oversize = new Uint8Array(4096);
      oversize.set(new TextEncoder().encode("STATUS=x"));
      const slowestMs = await slowestProbeDuring(
        adapter,
        Promise.all([
          flood(adapter, 10_000, new TextEncoder().encode("WATCHDOG=1")),
          flood(adapter, 10_000, oversize),
        ]).then(() =>
          adapter.waitFor(
            async () => await counted() === before + 20_000,
            "20,000 datagrams counted",
            30_000,
          )
        ),
      );
      // "Noticeably": far below a kubelet probe's 1 s timeout, even on a busy machine.
      assert.ok(slowestMs < 900, `the slowest probe during the flood took ${slowestMs} ms`);
      const grownMiB = (rssKiB(adapter.child.pid) - rssBefore) / 1024;
      assert.ok(grownMiB < 64, `RSS grew by ${grownMiB.toFixed(1)} MiB over 20,000 datagrams`);
    });

    await t.step("after all that, it still does its job", async () => {
      await adapter.send("READY=1");
      await adapter.waitFor(async () => (await adapter.request("/readyz")).status === 200, "ready");
      const status = (await adapter.request("/status")).json;
      assert.equal(status.healthz, true);
      assert.ok(status.counters.rejected > 10_000, `${status.counters.rejected} rejections`);
    });
  } catch (error) {
    await adapter.stop();
    throw error;
  }
  const exit = await adapter.stop();
  assert.equal(exit.code, 0);
  // Whatever arrived, every log line is still one JSON record.
  for (const line of exit.stderr.split("\n").filter((line) => line !== "")) JSON.parse(line);
});

Deno.test(
  "hostile input: without libc (no ffi), a flood still lets the probes in (behaviour §2.5)",
  needs("python3"),
  async () => {
    // The accept queue cannot be watched: the reader falls back to a turn every 0.25 ms.
    const args = adapterArgs();
    const adapter = await spawnAdapter({
      command: Deno.execPath(),
      args: [...args.slice(0, -1), "--deny-ffi", ...args.slice(-1)],
    });
    try {
      const counted = async () => (await adapter.request("/status")).json.counters.datagrams;
      const slowestMs = await slowestProbeDuring(
        adapter,
        flood(adapter, 20_000, new TextEncoder().encode("WATCHDOG=1")).then(() =>
          adapter.waitFor(async () => await counted() === 20_000, "20,000 counted", 30_000)
        ),
      );
      assert.ok(slowestMs < 900, `the slowest probe during the flood took ${slowestMs} ms`);
    } finally {
      const exit = await adapter.stop();
      assert.equal(exit.code, 0);
    }
  },
);
