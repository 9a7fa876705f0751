// The Redis recipe (examples/services/redis/): Debian's Redis 7.0 with
// `redis-server --supervised systemd`, which sends STATUS= lines, READY=1 once it accepts
// connections and STOPPING=1 when it shuts down; no WATCHDOG=1. In wrapper mode the adapter is
// Redis' parent; as a sidecar, Redis' `--pidfile` named by ADAPTER_UNIT_PID_FILE tells the adapter
// which process to follow, where it shares Redis' PID namespace (behaviour §11). Without it,
// nothing tells the adapter that Redis died.
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
  spawnBeside,
  waitForStatus,
} from "./service_process.ts";
import { needs } from "../helpers/tools.ts";

/** The recipe's command line, with a free port, and data, log and PID file in `dir`. */
function redisCommand(dir: string, port: number): string[] {
  return [
    "redis-server",
    ...["--pidfile", `${dir}/redis-server.pid`],
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
  "redis: as a sidecar without a PID file the adapter cannot tell that Redis died: /readyz stays 200",
  needs("redis-server", "util-linux", "systemd"),
  async () => {
    requireProgram("redis-server", "redis-server");
    const dir = tempDir();
    const port = freePort();
    const adapter = await spawnAdapter();
    const redis = spawnBeside(adapter, redisCommand(dir.path, port));
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
      await cleanUp(redis, adapter, dir);
    }
  },
);

/** Starts the recipe's Redis beside `adapter`, optionally behind `prefix` (unshare). */
function startRedis(adapter: AdapterProcess, dir: string, port: number, prefix: string[] = []) {
  return spawnBeside(adapter, [...prefix, ...redisCommand(dir, port)]);
}

/** A sidecar adapter told Redis' pidfile (ADAPTER_UNIT_PID_FILE), in a fresh directory. */
async function pidFileSidecar() {
  requireProgram("redis-server", "redis-server");
  const dir = tempDir();
  const port = freePort();
  const pidFile = `${dir.path}/redis-server.pid`;
  const adapter = await spawnAdapter({ env: { ADAPTER_UNIT_PID_FILE: pidFile } });
  return { dir, port, pidFile, adapter };
}

/** Kills what a test left running and removes its directory. */
async function cleanUp(redis: Deno.ChildProcess, adapter: AdapterProcess, dir: { remove(): void }) {
  await killProcess(redis);
  await adapter.stop("SIGKILL");
  dir.remove();
}

const notFollowed = (adapter: AdapterProcess) =>
  adapter.logRecords().filter((record) => record.message === "Main process not followed");

Deno.test(
  "redis: as a sidecar following its pidfile (ADAPTER_UNIT_PID_FILE): SIGKILL → /readyz 503 within 1 s, the restarted Redis' READY=1 → 200",
  needs("redis-server", "util-linux", "systemd"),
  async () => {
    const { dir, port, pidFile, adapter } = await pidFileSidecar();
    let redis = startRedis(adapter, dir.path, port);
    try {
      await waitForStatus(adapter, "/readyz", 200);
      await adapter.waitFor(
        async () => (await adapter.request("/status")).json.mainProcess.pid === redis.pid,
        "Redis followed",
      );
      assert.equal(Deno.readTextFileSync(pidFile), `${redis.pid}\n`);
      assert.deepEqual((await adapter.request("/status")).json.mainProcess, {
        pid: redis.pid,
        origin: "PID file",
        exits: 0,
      });

      // The OOM killer, say: no STOPPING=1, the pidfile left behind.
      redis.kill("SIGKILL");
      const killedAt = performance.now();
      await waitForStatus(adapter, "/readyz", 503);
      const toNotReady = performance.now() - killedAt;
      assert.ok(toNotReady < 5_000, `${toNotReady} ms`);
      console.log(`Redis SIGKILL → /readyz 503 in ${toNotReady.toFixed(0)} ms`);
      assert.equal((await adapter.request("/livez")).status, 503);
      assert.equal((await redis.status).signal, "SIGKILL");
      assert.deepEqual((await adapter.request("/status")).json.mainProcess, {
        pid: null,
        origin: null,
        exits: 1,
      });

      // The container restarts: Redis writes its pidfile again, then READY=1.
      redis = startRedis(adapter, dir.path, port);
      await waitForStatus(adapter, "/readyz", 200);
      assert.equal((await adapter.request("/livez")).status, 200);
      await adapter.waitFor(
        async () => (await adapter.request("/status")).json.mainProcess.pid === redis.pid,
        "the new Redis followed",
      );
      assert.equal(await rawExchange(port, "PING\r\nQUIT\r\n"), "+PONG\r\n+OK\r\n");
      assert.deepEqual(notFollowed(adapter), []);
      assert.equal((await adapter.stop()).code, 0);
    } finally {
      await cleanUp(redis, adapter, dir);
    }
  },
);

Deno.test(
  "redis: as a sidecar in a PID namespace of its own, its pidfile names PID 1: one warning saying what to set, and today's behaviour",
  needs("redis-server", "util-linux", "systemd"),
  async () => {
    const { dir, port, pidFile, adapter } = await pidFileSidecar();
    // Its own container without shareProcessNamespace: Redis is PID 1 of its namespace.
    const ownNamespace = ["unshare", "--pid", "--fork", "--kill-child"];
    let redis = startRedis(adapter, dir.path, port, ownNamespace);
    try {
      await waitForStatus(adapter, "/readyz", 200);
      await adapter.waitFor(() => notFollowed(adapter).length === 1, "the warning");
      assert.equal(Deno.readTextFileSync(pidFile), "1\n");
      const [warning] = notFollowed(adapter);
      assert.deepEqual({ ...warning, timestamp: undefined }, {
        timestamp: undefined,
        level: "warning",
        message: "Main process not followed",
        pid: 1,
        origin: "PID file",
        variable: "ADAPTER_UNIT_PID_FILE",
        reason: "PID 1 is the init of the adapter's PID namespace, not the service",
        fix: "share the Pod's PID namespace with the service: " +
          "shareProcessNamespace: true in the Pod spec",
      });

      // Killed with its namespace (unshare's --kill-child sends SIGKILL): nothing changes.
      redis.kill("SIGKILL");
      await redis.status;
      await adapter.waitFor(async () => {
        try {
          await rawExchange(port, "PING\r\n");
          return false;
        } catch {
          return true;
        }
      }, "Redis gone");
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      assert.equal((await adapter.request("/readyz")).status, 200);
      assert.equal((await adapter.request("/livez")).status, 200);

      // Restarted the same way: READY=1, the same "1" in the pidfile, no second warning.
      redis = startRedis(adapter, dir.path, port, ownNamespace);
      await adapter.waitFor(async () => {
        try {
          return await rawExchange(port, "PING\r\nQUIT\r\n") === "+PONG\r\n+OK\r\n";
        } catch {
          return false;
        }
      }, "the new Redis");
      const readies = () => echoed(adapter).filter((line) => line === "READY=1").length;
      await adapter.waitFor(() => readies() === 2, "the second READY=1");
      await echoedSoFar(adapter);
      assert.equal(notFollowed(adapter).length, 1);
      assert.equal((await adapter.stop()).code, 0);
    } finally {
      await cleanUp(redis, adapter, dir);
    }
  },
);
