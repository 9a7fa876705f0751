// Output and flow control (behaviour §6) with the real adapter: echo on stdout, JSON Lines
// on stderr, ADAPTER_ECHO/ADAPTER_LOG off, a stalled stdout, a fast file, a broken stdout.
import assert from "node:assert/strict";
import { adapterArgs, spawnAdapter, tempDir, waitForRecord } from "../helpers/adapter_process.ts";
import { needs } from "../helpers/tools.ts";

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

Deno.test(
  "output: echo lines on stdout exactly, every log line a JSON record",
  needs("python3"),
  async () => {
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
    // The open-files limit is this machine's: its record is checked in http_survival_test.ts.
    assert.equal(records[1].message, "Open files limit");
    assert.deepEqual(records.slice(2), [
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
  },
);

Deno.test(
  "output: control characters and bidi controls from a service are escaped in echo and log",
  needs("python3"),
  async () => {
    const adapter = await spawnAdapter();
    await adapter.send("STATUS=\x1b]0;pwned\x07\x0b\x0c\x7f\x85\u2028\u202eevil\u2066\tok");
    await adapter.send("FOO=\x1b[2J\x9b\u2029");
    await adapter.waitFor(
      () => adapter.logRecords().some((record) => record.message === "Input rejected"),
      "the rejection",
    );
    const exit = await adapter.stop("SIGTERM");
    assert.equal(exit.code, 0);
    assert.equal(
      exit.stdout,
      "STATUS=\\x1b]0;pwned\\x07\\x0b\\x0c\\x7f\\x85\\u2028\\u202eevil\\u2066\tok\n",
    );
    const rejected = exit.stderr.split("\n").find((line) => line.includes("Input rejected"));
    assert.equal(
      rejected?.slice(rejected.indexOf('"level"')),
      '"level":"warning","message":"Input rejected","reason":"unknown_key",' +
        '"excerpt":"FOO=\\u001b[2J\\u009b\\u2029"}',
    );
    assert.doesNotMatch(exit.stderr, /[\x7f-\x9f\u2028-\u202e\u2066-\u2069]/);
  },
);

Deno.test(
  "output: ADAPTER_ECHO=false leaves stdout empty, the log still runs",
  needs("python3"),
  async () => {
    const adapter = await spawnAdapter({ env: { ADAPTER_ECHO: "false" } });
    await adapter.send("READY=1\nSTATUS=quiet");
    await adapter.waitFor(async () => (await adapter.request("/readyz")).status === 200, "ready");
    const exit = await adapter.stop();
    assert.equal(exit.code, 0);
    assert.equal(exit.stdout, "");
    assert.ok(parseLog(exit.stderr).some((record) => record.event === "ready"));
  },
);

Deno.test(
  "output: ADAPTER_LOG=false means an empty stderr, across a whole run",
  needs("python3"),
  async () => {
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
  },
);

// Sends a WATCHDOG=1 every 20 ms for the given seconds, each followed by a 2 KiB X_PAD line,
// on a non-blocking socket: prints how many sends found the adapter's queue full (a real
// sd_notify would have blocked there) and how many datagrams went out.
const PINGER = `
import socket, sys, time
address, seconds = sys.argv[1], float(sys.argv[2])
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.connect("\\0" + address[1:] if address.startswith("@") else address)
sock.setblocking(False)
blocked = sent = 0
end = time.monotonic() + seconds
while time.monotonic() < end:
    for datagram in (b"WATCHDOG=1", b"X_PAD=" + b"p" * 2048):
        try:
            sock.send(datagram)
            sent += 1
        except BlockingIOError:
            blocked += 1
    time.sleep(0.02)
print(blocked, sent)
`;

Deno.test(
  "output: a stalled stdout never stops judging: no false restart, lines dropped and counted",
  needs("python3"),
  async () => {
    let drain = () => {};
    const stdoutGate = new Promise<void>((resolve) => drain = resolve);
    const adapter = await spawnAdapter({
      env: { ADAPTER_CHANNEL_SIZE: "16", ADAPTER_UNIT_WATCHDOG_SEC: "1s" },
      stdoutGate,
    });
    try {
      await adapter.send("READY=1");
      const sender = new Deno.Command("python3", {
        args: ["-c", PINGER, adapter.notifySocket, "3"],
        stdout: "piped",
      }).output();
      // Nobody reads stdout: the pipe (64 KiB) fills after about 30 lines of 2 KiB.
      const livez: number[] = [];
      let done = false;
      const sending = sender.finally(() => done = true);
      while (!done) {
        livez.push((await adapter.request("/livez")).status);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const [blocked, sent] = new TextDecoder().decode((await sending).stdout).trim().split(" ")
        .map(Number);
      assert.equal(blocked, 0, "no send found the queue full");
      assert.ok(sent > 200, `${sent} datagrams sent`);
      assert.deepEqual(new Set(livez), new Set([200]), "live throughout");
      const metrics = (await adapter.request("/metrics")).text;
      const dropped = Number(
        metrics.match(/^sd_notify_adapter_output_dropped_lines_total\{output="stdout"\} (\d+)$/m)
          ?.[1],
      );
      assert.ok(dropped > 0, metrics);
      assert.equal((await adapter.request("/status")).json.counters.datagrams, sent + 1);
      // Output moves again: one record says how many lines were lost, and the echo goes on.
      drain();
      await adapter.send("X_AFTER=1");
      await adapter.waitFor(() => adapter.stdout().includes("X_AFTER=1\n"), "the echo again");
      // The record follows on stderr, written asynchronously.
      await waitForRecord(adapter, "Output lines dropped");
      const records = adapter.logRecords().filter((r) => r.message === "Output lines dropped");
      assert.deepEqual(records.map(({ level, output, lines }) => ({ level, output, lines })), [
        { level: "warning", output: "stdout", lines: dropped },
      ]);
      for (const line of adapter.stdout().split("\n").slice(0, -1)) {
        assert.match(line, /^(READY=1|WATCHDOG=1|X_PAD=p{2048}|X_AFTER=1)$/);
      }
    } catch (error) {
      drain();
      await adapter.stop();
      throw error;
    }
    drain();
    assert.equal((await adapter.stop()).code, 0);
  },
);

// Sends numbered X_N= datagrams, blocking, as fast as the adapter takes them.
const FLOODER = `
import socket, sys
address, count = sys.argv[1], int(sys.argv[2])
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.connect("\\0" + address[1:] if address.startswith("@") else address)
for n in range(count):
    sock.send(b"X_N=%d" % n)
`;

Deno.test("output: a flood into a fast file loses no line", needs("python3"), async () => {
  const dir = tempDir();
  const out = `${dir.path}/stdout`;
  const count = 50_000;
  const adapter = await spawnAdapter({
    command: "sh",
    args: ["-c", 'exec "$@" > "$OUT"', "sh", Deno.execPath(), ...adapterArgs()],
    env: { OUT: out, ADAPTER_LOG: "false" },
  });
  try {
    const flood = await new Deno.Command("python3", {
      args: ["-c", FLOODER, adapter.notifySocket, String(count)],
    }).output();
    assert.equal(flood.code, 0);
    const expected = Array.from({ length: count }, (_, n) => `X_N=${n}\n`).join("");
    await adapter.waitFor(() => Deno.readTextFileSync(out).length >= expected.length, "every line");
    assert.equal(Deno.readTextFileSync(out), expected);
    assert.match(
      (await adapter.request("/metrics")).text,
      /^sd_notify_adapter_output_dropped_lines_total\{output="stdout"\} 0$/m,
    );
  } catch (error) {
    await adapter.stop();
    dir.remove();
    throw error;
  }
  assert.equal((await adapter.stop()).code, 0);
  dir.remove();
});

Deno.test(
  "output: a closed stdout stops the echo with one logged error; the adapter runs on",
  needs("python3"),
  async () => {
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
    } catch (error) {
      release();
      await adapter.stop();
      throw error;
    }
    release();
    assert.equal((await adapter.stop()).code, 0);
  },
);

Deno.test(
  "output: a full disk drops and counts lines, and echo resumes whole when there is room",
  needs("python3"),
  async () => {
    const dir = tempDir();
    const mount = `${dir.path}/disk`;
    Deno.mkdirSync(mount);
    const mounted = await new Deno.Command("mount", {
      args: ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mount],
    }).output();
    assert.equal(
      mounted.code,
      0,
      `mount a 64 KiB tmpfs (needs root): ${new TextDecoder().decode(mounted.stderr)}`,
    );
    const out = `${mount}/stdout`;
    // All but one page taken: about 40 lines of 100 bytes fit.
    Deno.writeFileSync(`${mount}/filler`, new Uint8Array(60 * 1024));
    const adapter = await spawnAdapter({
      command: "sh",
      args: ["-c", 'exec "$@" > "$OUT"', "sh", Deno.execPath(), ...adapterArgs()],
      env: { OUT: out },
    });
    const line = (name: string, n: number) => `X_${name}=${String(n).padStart(94, "0")}`;
    try {
      for (let n = 0; n < 100; n++) await adapter.send(line("FULL", n));
      await adapter.waitFor(
        () => adapter.logRecords().some((record) => record.message === "Output failed"),
        "the write error",
      );
      Deno.removeSync(`${mount}/filler`);
      for (let n = 0; n < 10; n++) await adapter.send(line("ROOM", n));
      await adapter.waitFor(
        () => Deno.readTextFileSync(out).includes(`${line("ROOM", 9)}\n`),
        "the echo after the disk has room again",
      );
      const text = Deno.readTextFileSync(out);
      assert.ok(text.endsWith("\n"), "the file ends with a whole line");
      const lines = text.slice(0, -1).split("\n");
      const whole = (written: string) => /^X_(FULL|ROOM)=\d{94}$/.test(written);
      // Deno's write may put part of a batch out before it fails with ENOSPC: at most the line
      // it cut (and an empty one, where the failure wrote nothing) are not whole.
      const other = lines.filter((written) => !whole(written));
      assert.ok(other.length <= 2, JSON.stringify(other));
      for (const written of other) assert.ok(line("FULL", 0).startsWith(written.slice(0, 7)));
      assert.deepEqual(
        lines.filter((written) => written.startsWith("X_ROOM=")),
        Array.from({ length: 10 }, (_, n) => line("ROOM", n)),
      );
      const failed = adapter.logRecords().filter((record) => record.message === "Output failed");
      assert.equal(failed.length, 1);
      assert.equal(failed[0].output, "stdout");
      assert.match(String(failed[0].error), /No space left on device/);
      const full = lines.filter((written) =>
        whole(written) && written.startsWith("X_FULL=")
      ).length;
      // The record follows the echo on stderr, written asynchronously.
      await waitForRecord(adapter, "Output lines dropped");
      const dropped = adapter.logRecords().filter((record) =>
        record.message === "Output lines dropped"
      );
      assert.equal(dropped.length, 1);
      assert.equal(dropped[0].output, "stdout");
      // Every line that is not whole in the file was counted; a line the failed write did put
      // out may be counted too (the count is an upper bound).
      const count = Number(dropped[0].lines);
      assert.ok(count >= 100 - full && count <= 100, `${count} dropped, ${full} whole`);
      assert.match(
        (await adapter.request("/metrics")).text,
        new RegExp(
          `^sd_notify_adapter_output_dropped_lines_total\\{output="stdout"\\} ${count}$`,
          "m",
        ),
      );
      assert.equal((await adapter.request("/healthz")).status, 200);
    } catch (error) {
      await adapter.stop();
      await new Deno.Command("umount", { args: [mount] }).output();
      dir.remove();
      throw error;
    }
    assert.equal((await adapter.stop()).code, 0);
    await new Deno.Command("umount", { args: [mount] }).output();
    dir.remove();
  },
);
