// The Redis recipe (examples/services/redis/): Debian's Redis 7.0 with
// `redis-server --supervised systemd`, which sends STATUS= lines, READY=1 once it accepts
// connections and STOPPING=1 when it shuts down; no WATCHDOG=1. The recipe runs it in wrapper
// mode, because in a sidecar nothing tells the adapter that Redis died (second test).
import assert from "node:assert/strict";
import { rawExchange } from "../helpers/http_client.ts";
import {
  type AdapterProcess,
  freePort,
  spawnAdapter,
  tempDir,
} from "../helpers/adapter_process.ts";
import {
  echoed,
  echoedLines,
  echoedSoFar,
  killProcess,
  killWrapped,
  requireProgram,
  waitForStatus,
} from "./service_process.ts";
import { needs } from "../helpers/tools.ts";

/** The recipe's command line, with a free port, and data and log in `dir`. */
function redisCommand(dir: string, port: number): string[] {
  return [
    "redis-server",
    ...["--supervised", "systemd", "--port", String(port), "--bind", "127.0.0.1"],
    // A save point, so that SIGTERM writes the final snapshot (and says so).
    ...["--dir", dir, "--save", "3600 1", "--appendonly", "no"],
    // In wrapper mode the service's stdout is the adapter's: the echo stays alone there.
    ...["--logfile", `${dir}/redis.log`],
  ];
}

// Inline commands, then QUIT: Redis answers each in RESP and closes the connection.
const SESSION = "PING\r\nSET recipe works\r\nGET recipe\r\nQUIT\r\n";
const ANSWERS = "+PONG\r\n+OK\r\n$5\r\nworks\r\n+OK\r\n";

const READY_LINES = ["STATUS=Redis is loading...", "STATUS=Ready to accept connections", "READY=1"];

function probeChanges(adapter: AdapterProcess) {
  return adapter.logRecords()
    .filter((record) => record.message === "Probe state changed")
    .map(({ probe, from, to }) => `${probe} ${from}->${to}`);
}

Deno.test(
  "redis: run -- redis-server --supervised systemd: STATUS= and READY=1, PING, SIGTERM saves and exits 0",
  needs("redis-server", "util-linux", "systemd"),
  async () => {
    requireProgram("redis-server", "redis-server");
    const dir = tempDir();
    const port = freePort();
    let adapter: AdapterProcess | undefined;
    try {
      adapter = await spawnAdapter({ args: ["run", "--", ...redisCommand(dir.path, port)] });
      await waitForStatus(adapter, "/readyz", 200);
      assert.deepEqual(await echoedLines(adapter, 3), READY_LINES);
      const status = (await adapter.request("/status")).json;
      assert.equal(status.statusText, "Ready to accept connections");
      assert.equal(status.livez, true);
      assert.equal(status.counters.datagrams, 3);
      assert.equal(status.watchdog.enabled, false);
      assert.equal(await rawExchange(port, SESSION), ANSWERS);

      const exit = await adapter.stop("SIGTERM");
      assert.equal(exit.code, 0);
      assert.deepEqual(echoed(adapter), [
        ...READY_LINES,
        "STOPPING=1",
        "STATUS=Saving the final RDB snapshot",
      ]);
      // STOPPING=1 took readiness away before Redis exited.
      assert.deepEqual(probeChanges(adapter), [
        "healthz false->true",
        "livez false->true",
        "readyz false->true",
        "readyz true->false",
        "livez true->false",
        "healthz true->false",
      ]);
      const log = Deno.readTextFileSync(`${dir.path}/redis.log`);
      assert.match(log, / \* DB saved on disk\n/);
      assert.match(log, / # Redis is now ready to exit, bye bye\.\.\.\n/);
      assert.ok(Deno.statSync(`${dir.path}/dump.rdb`).size > 0);
    } finally {
      if (adapter !== undefined) await killWrapped(adapter);
      dir.remove();
    }
  },
);

Deno.test(
  "redis: as a sidecar the adapter cannot tell that Redis died: /readyz stays 200",
  needs("redis-server", "util-linux", "systemd"),
  async () => {
    requireProgram("redis-server", "redis-server");
    const dir = tempDir();
    const port = freePort();
    const adapter = await spawnAdapter();
    const [program, ...args] = redisCommand(dir.path, port);
    const redis = new Deno.Command(program, {
      args,
      env: { NOTIFY_SOCKET: adapter.notifySocket },
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    try {
      await waitForStatus(adapter, "/readyz", 200);
      assert.deepEqual(await echoedLines(adapter, 3), READY_LINES);
      assert.equal(await rawExchange(port, "PING\r\nQUIT\r\n"), "+PONG\r\n+OK\r\n");

      // A crash sends no STOPPING=1 and Redis pings no watchdog: the adapter keeps its state.
      redis.kill("SIGKILL");
      assert.equal((await redis.status).signal, "SIGKILL");
      await assert.rejects(rawExchange(port, "PING\r\n"), Deno.errors.ConnectionRefused);
      assert.equal((await adapter.request("/readyz")).status, 200);
      assert.equal((await adapter.request("/livez")).status, 200);
      assert.deepEqual(await echoedSoFar(adapter), READY_LINES);
      assert.equal((await adapter.stop()).code, 0);
    } finally {
      await killProcess(redis);
      await adapter.stop("SIGKILL");
      dir.remove();
    }
  },
);
