// Output and flow control (SPEC §6) with the real adapter: echo on stdout, JSON Lines on
// stderr, ADAPTER_ECHO/ADAPTER_LOG off, ADAPTER_CHANNEL_SIZE back-pressure, a broken stdout.
import assert from "node:assert/strict";
import { spawnAdapter } from "../helpers/adapter_process.ts";

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/;

/** Every stderr line as a JSON record with timestamp, level and message first. */
function parseLog(stderr: string): Record<string, unknown>[] {
  assert.ok(stderr.endsWith("\n"), "the log ends with a whole line");
  return stderr.slice(0, -1).split("\n").map((line) => {
    const record = JSON.parse(line);
    assert.deepEqual(Object.keys(record).slice(0, 3), ["timestamp", "level", "message"], line);
    assert.match(record.timestamp, TIMESTAMP);
    assert.ok(["info", "warning", "error"].includes(record.level), line);
    return record;
  });
}

const withoutTimestamp = ({ timestamp: _, ...rest }: Record<string, unknown>) => rest;

Deno.test("output: echo lines on stdout exactly, every log line a JSON record", async () => {
  const adapter = await spawnAdapter({ env: { ADAPTER_UNIT_TIMEOUT_START_SEC: "200ms" } });
  await adapter.send("X_FIRST=1\nFOO=x\nREADY=0");
  await adapter.send("STATUS=ünï ✓\rX_SECOND=2");
  await adapter.waitFor(() => adapter.stdout().includes("X_SECOND=2\n"), "the echo");
  await adapter.waitFor(
    () => adapter.logRecords().some((record) => record.message === "Timer expired"),
    "the start timer's expiry",
  );
  await adapter.send("READY=1");
  await adapter.waitFor(
    () => adapter.logRecords().some((record) => record.event === "ready"),
    "READY=1",
  );
  const exit = await adapter.stop("SIGTERM");
  assert.equal(exit.code, 0);
  assert.equal(exit.stdout, "X_FIRST=1\nSTATUS=ünï ✓\nX_SECOND=2\nREADY=1\n");
  const records = parseLog(exit.stderr).map(withoutTimestamp);
  const socket = adapter.notifySocket;
  assert.deepEqual(records.slice(1), [
    { level: "info", message: "Adapter ready", socket, address: `[::]:${adapter.port}` },
    { level: "info", message: "Probe state changed", probe: "healthz", from: false, to: true },
    { level: "info", message: "Timer armed", timer: "start", timeoutMs: 200 },
    { level: "warning", message: "Input rejected", reason: "unknown_key", excerpt: "FOO=x" },
    { level: "warning", message: "Input rejected", reason: "invalid_value", excerpt: "READY=0" },
    { level: "warning", message: "Timer expired", timer: "start" },
    { level: "warning", message: "Event", event: "start_timeout" },
    { level: "info", message: "Event", event: "ready" },
    { level: "info", message: "Probe state changed", probe: "livez", from: false, to: true },
    { level: "info", message: "Probe state changed", probe: "readyz", from: false, to: true },
    { level: "info", message: "Shutting down", reason: "SIGTERM", exitStatus: 0 },
    { level: "info", message: "Probe state changed", probe: "healthz", from: true, to: false },
  ]);
  assert.equal(records[0].message, "Configuration");
});

Deno.test("output: ADAPTER_ECHO=false leaves stdout empty, the log still runs", async () => {
  const adapter = await spawnAdapter({ env: { ADAPTER_ECHO: "false" } });
  await adapter.send("READY=1\nSTATUS=quiet");
  await adapter.waitFor(async () => (await adapter.request("/readyz")).status === 200, "ready");
  const exit = await adapter.stop();
  assert.equal(exit.code, 0);
  assert.equal(exit.stdout, "");
  assert.ok(parseLog(exit.stderr).some((record) => record.event === "ready"));
});

Deno.test("output: ADAPTER_LOG=false means an empty stderr, across a whole run", async () => {
  const adapter = await spawnAdapter({
    env: {
      ADAPTER_LOG: "false",
      ADAPTER_UNIT_TIMEOUT_START_SEC: "100ms",
      ADAPTER_PROT: "typo",
    },
  });
  // Rejections, events, a timer's expiry, probe changes and SIGTERM: all would be logged.
  await adapter.send("FOO=1\nREADY=0");
  await adapter.send(new Uint8Array([0xff, 0x00, 0xfe]));
  await adapter.send("x".repeat(5000));
  await adapter.waitFor(
    async () => (await adapter.request("/status")).json.counters.events > 0,
    "start_timeout",
  );
  await adapter.send("READY=1\nX_DONE=1");
  await adapter.waitFor(() => adapter.stdout().includes("X_DONE=1\n"), "the echo");
  assert.equal((await adapter.request("/nope")).status, 404);
  const exit = await adapter.stop("SIGTERM");
  assert.equal(exit.code, 0);
  assert.equal(exit.stderr, "");
  assert.equal(exit.stdout, "READY=1\nX_DONE=1\n");
});

// Sends numbered X_N= datagrams on a connected, non-blocking socket; when the adapter stops
// reading for a whole second, prints how many went out. Without back-pressure the adapter
// would read them all into memory and the sender would reach its limit.
const FLOOD_SENDER = `
import select, socket, sys
address, limit = sys.argv[1], int(sys.argv[2])
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.connect("\\0" + address[1:] if address.startswith("@") else address)
sock.setblocking(False)
sent = 0
while sent < limit:
    try:
        sock.send(b"X_N=%d" % sent)
        sent += 1
    except BlockingIOError:
        if not select.select([], [sock], [], 1.0)[1]:
            break
print(sent)
`;

Deno.test("output: a full channel pauses the reader; probes answer; nothing is lost", async () => {
  let drain = () => {};
  const stdoutGate = new Promise<void>((resolve) => drain = resolve);
  const adapter = await spawnAdapter({
    env: { ADAPTER_CHANNEL_SIZE: "16", ADAPTER_LOG: "false" },
    stdoutGate,
  });
  const limit = 200_000;
  try {
    const sender = new Deno.Command("python3", {
      args: ["-c", FLOOD_SENDER, adapter.notifySocket, String(limit)],
      stdin: "null",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    // While the sender is stuck against a full pipe, the probes still answer.
    let probesDuringFlood = 0;
    let senderDone = false;
    const output = sender.output().finally(() => senderDone = true);
    while (!senderDone) {
      assert.equal((await adapter.request("/healthz")).status, 200);
      probesDuringFlood++;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const sent = Number(new TextDecoder().decode((await output).stdout));
    assert.ok(probesDuringFlood > 0);
    // The pipe (64 KiB, ~6,500 lines), the channel and the kernel queue hold a bounded number.
    assert.ok(sent > 100 && sent < 20_000, `the sender got ${sent} datagrams out`);
    const status = (await adapter.request("/status")).json;
    assert.ok(status.counters.datagrams < sent, `read ${status.counters.datagrams} of ${sent}`);
    drain();
    const expected = Array.from({ length: sent }, (_, n) => `X_N=${n}\n`).join("");
    await adapter.waitFor(() => adapter.stdout() === expected, `all ${sent} lines in order`);
  } finally {
    drain();
    assert.equal((await adapter.stop()).code, 0);
  }
});

Deno.test("output: a closed stdout stops the echo with one logged error; the adapter runs on", async () => {
  let release = () => {};
  const stdoutGate = new Promise<void>((resolve) => release = resolve);
  const adapter = await spawnAdapter({ stdoutGate });
  try {
    await adapter.child.stdout.cancel();
    release();
    for (let i = 0; i < 20; i++) await adapter.send(`X_LOST=${i}`);
    const stopped = () =>
      adapter.logRecords().filter((record) =>
        record.message === "Echo stopped: stdout is closed or broken"
      );
    await adapter.waitFor(() => stopped().length > 0, "the echo error");
    await adapter.send("READY=1");
    await adapter.waitFor(async () => (await adapter.request("/readyz")).status === 200, "ready");
    for (let i = 0; i < 20; i++) await adapter.send(`X_LOST=${i}`);
    await adapter.send("ERRNO=5");
    await adapter.waitFor(async () => (await adapter.request("/readyz")).status === 503, "errno");
    assert.equal(stopped().length, 1);
    assert.equal(stopped()[0].level, "error");
    assert.equal((await adapter.request("/healthz")).status, 200);
  } finally {
    release();
    assert.equal((await adapter.stop()).code, 0);
  }
});
