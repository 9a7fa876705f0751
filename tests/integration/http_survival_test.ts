// The HTTP listener survives what the system and clients do to it (behaviour §5.1, §5.2, §5.6,
// §1.3; issue 10 items 2 and 10, issue 18 item 5): a siege of half-sent requests under a low
// open-files limit, accept() failing for want of descriptors, Host headers that are no valid
// authority, and an ADAPTER_HOST that is no IP address.
import assert from "node:assert/strict";
import {
  adapterArgs,
  pathExists,
  sendAndSettle,
  spawnAdapter,
  tempDir,
} from "../helpers/adapter_process.ts";
import {
  errorRecords,
  sleep,
  startOutcome,
  statusOrError,
  withMessage,
} from "../fixtures/hardening/support.ts";
import { rawGet } from "../helpers/http_client.ts";
import { needs } from "../helpers/tools.ts";

function openDescriptors(pid: number): number {
  return [...Deno.readDirSync(`/proc/${pid}/fd`)].length;
}

/** This process's hard open-files limit, from /proc. */
function hardOpenFilesLimit(): number {
  const line = Deno.readTextFileSync("/proc/self/limits").split("\n")
    .find((text) => text.startsWith("Max open files"));
  const hard = line?.split(/\s{2,}/)[2];
  assert.ok(hard !== undefined && /^\d+$/.test(hard), `no hard limit in ${line}`);
  return Number(hard);
}

/** Opens `count` connections that each send half a request head and then nothing. */
async function siege(port: number, count: number): Promise<Deno.Conn[]> {
  const held: Deno.Conn[] = [];
  const half = new TextEncoder().encode("GET /livez HTTP/1.1\r\nHost: x\r\n");
  for (let i = 0; i < count; i++) {
    let conn: Deno.Conn;
    try {
      conn = await Deno.connect({ hostname: "127.0.0.1", port });
    } catch (error) {
      // A listener gone (refused), or gone with connections queued (reset): the siege won.
      const gone = error instanceof Deno.errors.ConnectionRefused ||
        error instanceof Deno.errors.ConnectionReset;
      if (!gone) throw error;
      break;
    }
    held.push(conn);
    try {
      await conn.write(half);
    } catch {
      // Closed by the adapter to make room: the siege goes on with the next one.
    }
  }
  return held;
}

function release(held: Deno.Conn[]) {
  for (const conn of held.splice(0)) {
    try {
      conn.close();
    } catch {
      // Closed already.
    }
  }
}

/** Starts the adapter under `prlimit --nofile=SOFT:HARD`, ready (livez 200). */
async function readyUnderLimit(soft: number, hard: number) {
  const adapter = await spawnAdapter({
    command: "prlimit",
    args: [`--nofile=${soft}:${hard}`, Deno.execPath(), ...adapterArgs()],
    env: { ADAPTER_ECHO: "false" },
  });
  await adapter.send("READY=1");
  await adapter.waitFor(async () => await statusOrError(adapter.port, "/livez") === 200, "livez");
  return adapter;
}

/** Asks /livez `times` times on fresh connections; every status (or error) seen. */
async function probes(port: number, times: number): Promise<(number | string)[]> {
  const seen = [];
  for (let i = 0; i < times; i++) {
    seen.push(await statusOrError(port, "/livez"));
    await sleep(20);
  }
  return seen;
}

Deno.test(
  "http: with a soft limit of 128 under a higher hard one, the adapter raises it, logs it, and /livez outlasts 200 half-sent requests",
  needs("util-linux"),
  async () => {
    const hard = Math.min(65_536, hardOpenFilesLimit());
    const adapter = await readyUnderLimit(128, hard);
    let held: Deno.Conn[] = [];
    try {
      const [limit] = withMessage(adapter, "Open files limit");
      // Under deno run the CLI has raised it already; the compiled binary does not (denort).
      assert.deepEqual({ ...limit, timestamp: "T" }, {
        timestamp: "T",
        level: "info",
        message: "Open files limit",
        soft: hard,
        hard,
        raisedFrom: limit?.raisedFrom,
        maxConnections: Math.min(256, hard - 64),
      });
      assert.ok(limit.raisedFrom === 128 || limit.raisedFrom === hard, `from ${limit.raisedFrom}`);
      held = await siege(adapter.port, 200);
      assert.deepEqual(await probes(adapter.port, 10), Array(10).fill(200));
      assert.ok(openDescriptors(adapter.child.pid) > 200, "the siege's connections are all held");
      assert.deepEqual(withMessage(adapter, "Accept failed"), []);
    } finally {
      release(held);
      await adapter.stop();
    }
  },
);

Deno.test(
  "http: with a hard limit of 128 too, /livez outlasts 200 half-sent requests: the oldest are closed for new ones",
  needs("util-linux"),
  async () => {
    const adapter = await readyUnderLimit(128, 128);
    let held: Deno.Conn[] = [];
    try {
      const [limit] = withMessage(adapter, "Open files limit");
      assert.deepEqual(
        [limit.soft, limit.hard, limit.raisedFrom, limit.maxConnections],
        [128, 128, 128, 64],
      );
      held = await siege(adapter.port, 200);
      assert.deepEqual(await probes(adapter.port, 10), Array(10).fill(200));
      assert.ok(openDescriptors(adapter.child.pid) < 128, "the cap keeps descriptors free");
      assert.deepEqual(withMessage(adapter, "Accept failed"), []);
      // The newest of the siege are still held: only the oldest made room.
      assert.equal(await statusOrError(adapter.port, "/readyz"), 200);
    } finally {
      release(held);
      await adapter.stop();
    }
  },
);

Deno.test(
  "http: when accept() fails for want of descriptors, probes are still answered; the failure and the recovery are logged once",
  needs("util-linux"),
  async () => {
    const adapter = await readyUnderLimit(1024, 1024);
    const pid = adapter.child.pid;
    let held: Deno.Conn[] = [];
    try {
      // Lowered under the running adapter, below its connection cap: accept() fails first.
      const nofile = openDescriptors(pid) + 20;
      const lowered = await new Deno.Command("prlimit", {
        args: [`--pid=${pid}`, `--nofile=${nofile}:${nofile}`],
      }).output();
      assert.equal(lowered.code, 0, new TextDecoder().decode(lowered.stderr));
      held = await siege(adapter.port, 60);
      await adapter.waitFor(
        () => withMessage(adapter, "Accept failed").length > 0,
        '"Accept failed"',
        5_000,
      );
      // Each failure closes the oldest half-sent connection: the probe's turn comes at once.
      const during = await probes(adapter.port, 10);
      assert.deepEqual(during, Array(10).fill(200));
      release(held);
      await sleep(1_100);
      await adapter.waitFor(
        async () =>
          await statusOrError(adapter.port, "/livez") === 200 &&
          withMessage(adapter, "Accepting again").length > 0,
        '"Accepting again"',
        5_000,
      );
      const failed = withMessage(adapter, "Accept failed");
      assert.equal(failed.length, 1, adapter.stderr());
      assert.equal(failed[0].level, "error");
      assert.match(String(failed[0].error), /Too many open files/);
      const again = withMessage(adapter, "Accepting again");
      assert.equal(again.length, 1);
      assert.ok(Number(again[0].failures) >= 1, `${again[0].failures} failures`);
      assert.deepEqual(withMessage(adapter, "Unexpected error"), []);
      const exit = await adapter.stop();
      assert.equal(exit.code, 0, exit.stderr);
    } finally {
      release(held);
      await adapter.stop("SIGKILL");
    }
  },
);

Deno.test(
  "http: a Host header that is no valid authority changes neither the route nor the answer",
  needs("util-linux"),
  async () => {
    const adapter = await spawnAdapter();
    try {
      const hosts = ["a b", "a:99999", "[::1", "evil/x"];
      const answers = [];
      for (const host of hosts) {
        for (const path of ["/healthz", "/readyz"]) {
          const { status, body } = await rawGet(adapter.port, path, host);
          let fields: unknown = body;
          try {
            fields = Object.keys(JSON.parse(body));
          } catch {
            // Not JSON: the body itself shows what came back.
          }
          answers.push({ host, path, status, fields });
        }
      }
      const probeFields = ["timestamp", "healthz", "livez", "readyz"];
      assert.deepEqual(
        answers,
        hosts.flatMap((host) => [
          { host, path: "/healthz", status: 200, fields: probeFields },
          { host, path: "/readyz", status: 503, fields: probeFields },
        ]),
      );
      // Every record of those requests is out once a later datagram's are.
      await sendAndSettle(adapter, "X_AFTER_REQUESTS=1");
      assert.deepEqual(withMessage(adapter, "HTTP handler failed"), []);
      assert.deepEqual(adapter.logRecords().filter((record) => record.level === "error"), []);
    } finally {
      await adapter.stop();
    }
  },
);

Deno.test(
  "http: ADAPTER_HOST=999.999.999.999 is a configuration error: exit 2, no socket bound",
  needs("util-linux"),
  async () => {
    const dir = tempDir();
    const socket = `${dir.path}/notify.sock`;
    try {
      const adapter = await spawnAdapter({
        env: { NOTIFY_SOCKET: socket, ADAPTER_HOST: "999.999.999.999" },
        waitHealthy: false,
      });
      const { exit, ran } = await startOutcome(adapter);
      assert.equal(ran, false);
      assert.equal(exit.code, 2, exit.stderr);
      const errors = errorRecords(exit.stderr);
      assert.equal(errors.length, 1, exit.stderr);
      assert.equal(errors[0].variable, "ADAPTER_HOST");
      assert.match(String(errors[0].message), /^Cannot parse ADAPTER_HOST "999\.999\.999\.999": /);
      assert.ok(!exit.stderr.includes('"Adapter ready"'), exit.stderr);
      assert.equal(pathExists(socket), false);
    } finally {
      dir.remove();
    }
  },
);
