// The PostgreSQL recipe (examples/services/postgresql/): Debian's PostgreSQL 15 under
// `sd-notify-adapter run --`, dropped from root to the user postgres by setpriv. postgres is
// built with libsystemd: READY=1 once it accepts connections, STOPPING=1 when a shutdown
// begins; nothing on reload, no STATUS=, no WATCHDOG=1.
import assert from "node:assert/strict";
import {
  type AdapterProcess,
  freePort,
  spawnAdapter,
  tempDir,
} from "../helpers/adapter_process.ts";
import {
  childPid,
  echoed,
  echoedLines,
  echoedSoFar,
  killProcess,
  killWrapped,
  requireProgram,
  spawnBeside,
  systemUser,
  waitForStatus,
} from "./service_process.ts";
import { needs } from "../helpers/tools.ts";

const BIN = "/usr/lib/postgresql/15/bin";
const AS_POSTGRES = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"];
const RUNUSER = ["runuser", "-u", "postgres", "--"];
const decoder = new TextDecoder();

interface Cluster {
  /** Owned by postgres: the data directory, postgres' Unix socket, the adapter's socket. */
  readonly dir: string;
  readonly data: string;
  readonly port: number;
  readonly uid: number;
  remove(): Promise<void>;
}

/** initdb of a throwaway cluster in a fresh temporary directory, as the user postgres. */
async function newCluster(): Promise<Cluster> {
  requireProgram(`${BIN}/postgres`, "postgresql");
  requireProgram("psql", "postgresql");
  requireProgram("setpriv", "util-linux");
  if (Deno.uid() !== 0) {
    throw new Error("The PostgreSQL recipe test runs as root: setpriv drops to the user postgres");
  }
  const { uid, gid } = systemUser("postgres", "postgresql");
  const dir = tempDir();
  Deno.chownSync(dir.path, uid, gid);
  const data = `${dir.path}/data`;
  const [program, ...args] = AS_POSTGRES;
  const initdb = await new Deno.Command(program, {
    args: [
      ...args,
      `${BIN}/initdb`,
      ...["-D", data, "--auth=trust", "--username=postgres", "--encoding=UTF8"],
      ...["--locale=C.UTF-8", "--no-sync", "--no-instructions"],
    ],
    cwd: dir.path,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  if (initdb.code !== 0) {
    await removeCluster(dir.path, data);
    throw new Error(`initdb exited with ${initdb.code}: ${decoder.decode(initdb.stderr)}`);
  }
  return {
    dir: dir.path,
    data,
    port: freePort(),
    uid,
    remove: () => removeCluster(dir.path, data),
  };
}

/** Kills a postmaster left running (a failed test) and removes the directory, asserting nothing. */
async function removeCluster(dir: string, data: string) {
  try {
    const pid = Number(Deno.readTextFileSync(`${data}/postmaster.pid`).split("\n")[0]);
    if (Deno.readTextFileSync(`/proc/${pid}/cmdline`).includes(data)) Deno.kill(pid, "SIGKILL");
  } catch {
    // Shut down cleanly (no postmaster.pid), or already gone.
  }
  // Its backends notice the postmaster's death and exit within moments.
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      Deno.removeSync(dir, { recursive: true });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** The recipe's command line, with a free port and the sockets in the cluster's directory. */
function postgresCommand(cluster: Cluster, dropPrivileges = AS_POSTGRES): string[] {
  return [
    ...dropPrivileges,
    `${BIN}/postgres`,
    ...["-D", cluster.data, "-p", String(cluster.port)],
    ...["-c", "listen_addresses=127.0.0.1", "-c", `unix_socket_directories=${cluster.dir}`],
    ...["-c", "fsync=off"],
  ];
}

function startPostgres(cluster: Cluster, command: string[]): Promise<AdapterProcess> {
  return spawnAdapter({
    args: ["run", "--", ...command],
    env: {
      // A directory the adapter creates (0755), so that postgres reaches the 0666 socket.
      NOTIFY_SOCKET: `${cluster.dir}/notify/notify.sock`,
      // As Debian's postgresql@.service (TimeoutStartSec=0): crash recovery takes its time.
      ADAPTER_UNIT_TIMEOUT_START_SEC: "0",
    },
  });
}

async function psql(port: number, sql: string) {
  const { code, stdout, stderr } = await new Deno.Command("psql", {
    args: ["-X", "-w", "-At", "-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-c", sql],
    env: { PGCONNECT_TIMEOUT: "5" },
    stdin: "null",
  }).output();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}

/** A psql session that stays open until `close()`: a smart shutdown waits for it. */
async function openSession(adapter: AdapterProcess, port: number) {
  const child = new Deno.Command("psql", {
    args: ["-X", "-w", "-At", "-h", "127.0.0.1", "-p", String(port), "-U", "postgres"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  const reading = (async () => {
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) output += chunk;
  })();
  const errors = new Response(child.stderr).text();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode("select 'session ' || 'open';\n"));
  await adapter.waitFor(() => output.includes("session open\n"), "the psql session");
  return {
    child,
    /** Ends the session, after one more statement if given. */
    async close(lastStatement?: string) {
      if (lastStatement !== undefined) {
        await writer.write(new TextEncoder().encode(`${lastStatement}\n`));
      }
      await writer.close();
      const status = await child.status;
      await reading;
      return { code: status.code, stderr: await errors };
    },
  };
}

function shutdownRecords(adapter: AdapterProcess) {
  return adapter.logRecords()
    .filter((record) => record.message === "Shutting down")
    .map(({ reason, exitStatus }) => ({ reason, exitStatus }));
}

Deno.test(
  "postgresql: run -- setpriv … postgres: ready, SQL, SIGHUP reloads, SIGTERM is a smart shutdown",
  needs("postgresql", "util-linux", "systemd"),
  async () => {
    const cluster = await newCluster();
    let adapter: AdapterProcess | undefined;
    let session: Awaited<ReturnType<typeof openSession>> | undefined;
    try {
      adapter = await startPostgres(cluster, postgresCommand(cluster));
      await waitForStatus(adapter, "/readyz", 200);
      assert.equal((await adapter.request("/livez")).status, 200);
      assert.deepEqual(await echoedLines(adapter, 1), ["READY=1"]);

      // The adapter (root) made the directory 0755 and the socket 0666: postgres could send.
      const socketDir = Deno.statSync(`${cluster.dir}/notify`);
      assert.equal((socketDir.mode ?? 0) & 0o7777, 0o755);
      assert.equal(socketDir.uid, 0);
      assert.equal((Deno.statSync(`${cluster.dir}/notify/notify.sock`).mode ?? 0) & 0o777, 0o666);

      // setpriv exec()s postgres: the adapter's child is the postmaster itself, as postgres.
      const pid = await childPid(adapter);
      assert.equal(
        Deno.readTextFileSync(`${cluster.data}/postmaster.pid`).split("\n")[0],
        String(pid),
      );
      const uids = Deno.readTextFileSync(`/proc/${pid}/status`).match(/^Uid:\s+(.*)$/m)?.[1];
      assert.deepEqual(uids?.split(/\s+/).map(Number), [
        cluster.uid,
        cluster.uid,
        cluster.uid,
        cluster.uid,
      ]);

      assert.deepEqual(await psql(cluster.port, "select current_user, 6 * 7"), {
        code: 0,
        stdout: "postgres|42\n",
        stderr: "",
      });

      // SIGHUP to the adapter reaches postgres, which rereads postgresql.conf; PostgreSQL 15
      // sends no RELOADING=1 (so /readyz stays 200).
      Deno.writeTextFileSync(`${cluster.data}/postgresql.conf`, "statement_timeout = '4321ms'\n", {
        append: true,
      });
      adapter.child.kill("SIGHUP");
      await adapter.waitFor(
        () => adapter!.stderr().includes('parameter "statement_timeout" changed to "4321ms"'),
        "postgres to log the reload",
      );
      assert.match(adapter.stderr(), /LOG: {2}received SIGHUP, reloading configuration files\n/);
      assert.equal((await psql(cluster.port, "show statement_timeout")).stdout, "4321ms\n");
      assert.equal((await adapter.request("/readyz")).status, 200);
      assert.deepEqual(await echoedSoFar(adapter), ["READY=1"]);

      // SIGTERM is postgres' smart shutdown: STOPPING=1 at once, then it waits for the open
      // session, refusing new ones; meanwhile the adapter says live but not ready.
      session = await openSession(adapter, cluster.port);
      adapter.child.kill("SIGTERM");
      await waitForStatus(adapter, "/readyz", 503);
      assert.deepEqual(await echoedLines(adapter, 2), ["READY=1", "STOPPING=1"]);
      assert.equal((await adapter.request("/livez")).status, 200);
      assert.equal((await adapter.request("/healthz")).status, 200);
      const refused = await psql(cluster.port, "select 1");
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /FATAL: {2}the database system is shutting down\n/);
      assert.match(adapter.stderr(), /LOG: {2}received smart shutdown request\n/);

      // The last session ends: postgres shuts down and exits 0, and so does the adapter.
      assert.deepEqual(await session.close(), { code: 0, stderr: "" });
      session = undefined;
      const exit = await adapter.exited();
      assert.equal(exit.code, 0);
      assert.match(exit.stderr, /LOG: {2}database system is shut down\n/);
      assert.deepEqual(echoed(adapter), ["READY=1", "STOPPING=1"]);
      assert.deepEqual(shutdownRecords(adapter), [
        { reason: "child exited with status 0", exitStatus: 0 },
      ]);
    } finally {
      if (session !== undefined) await killProcess(session.child);
      if (adapter !== undefined) await killWrapped(adapter);
      await cluster.remove();
    }
  },
);

Deno.test(
  "postgresql: setpriv passes SIGHUP and SIGINT on and keeps exit 0; runuser does not, and SIGKILLs postgres 2 s after SIGTERM",
  needs("postgresql", "util-linux", "systemd"),
  async () => {
    requireProgram("runuser", "util-linux");
    const cluster = await newCluster();
    let adapter: AdapterProcess | undefined;
    let session: Awaited<ReturnType<typeof openSession>> | undefined;
    try {
      // setpriv: SIGHUP reloads, SIGINT is the fast shutdown, postgres' 0 is the adapter's 0.
      adapter = await startPostgres(cluster, postgresCommand(cluster, AS_POSTGRES));
      await waitForStatus(adapter, "/readyz", 200);
      adapter.child.kill("SIGHUP");
      await adapter.waitFor(
        () => adapter!.stderr().includes("received SIGHUP, reloading configuration files"),
        "postgres to log the reload",
      );
      const viaSetpriv = await adapter.stop("SIGINT");
      assert.equal(viaSetpriv.code, 0);
      assert.match(viaSetpriv.stderr, /LOG: {2}received fast shutdown request\n/);
      assert.match(viaSetpriv.stderr, /LOG: {2}database system is shut down\n/);
      assert.deepEqual(shutdownRecords(adapter), [
        { reason: "child exited with status 0", exitStatus: 0 },
      ]);

      // runuser stays postgres' parent: it blocks SIGHUP (and SIGUSR1, SIGUSR2), ignores SIGINT
      // and SIGQUIT, and passes SIGTERM on; 2 s later it SIGKILLs postgres if it still runs (here
      // a smart shutdown waits for an open session) and kills itself with SIGTERM: 143.
      adapter = await startPostgres(cluster, postgresCommand(cluster, RUNUSER));
      await waitForStatus(adapter, "/readyz", 200);
      const runuser = await childPid(adapter);
      const postmaster = Number(
        Deno.readTextFileSync(`${cluster.data}/postmaster.pid`).split("\n")[0],
      );
      assert.notEqual(postmaster, runuser);
      for (const signal of ["SIGHUP", "SIGINT"] as const) {
        adapter.child.kill(signal);
        await adapter.waitFor(
          () =>
            adapter!.logRecords().some((record) =>
              record.message === "Signal forwarded" && record.signal === signal
            ),
          `the adapter to forward ${signal}`,
        );
      }
      session = await openSession(adapter, cluster.port);
      const stopping = performance.now();
      const viaRunuser = await adapter.stop("SIGTERM");
      const elapsed = performance.now() - stopping;
      assert.equal(viaRunuser.code, 143);
      assert.ok(elapsed >= 1_900, `runuser exited ${elapsed} ms after SIGTERM`);
      assert.match(viaRunuser.stderr, /LOG: {2}received smart shutdown request\n/);
      assert.doesNotMatch(
        viaRunuser.stderr,
        /received SIGHUP|fast shutdown|database system is shut down/,
      );
      assert.deepEqual(shutdownRecords(adapter), [
        { reason: "child killed by SIGTERM", exitStatus: 143 },
      ]);
      // The postmaster died of SIGKILL (a zombie until init reaps it); its backend follows.
      const state = () => {
        try {
          return Deno.readTextFileSync(`/proc/${postmaster}/status`).match(/^State:\s+(\S)/m)?.[1];
        } catch {
          return "gone";
        }
      };
      await adapter.waitFor(() => ["Z", "gone"].includes(state()!), "the postmaster to die");
      const closed = await session.close("select 1;");
      session = undefined;
      assert.equal(closed.code, 2);
      assert.match(
        closed.stderr,
        /FATAL: {2}terminating connection due to unexpected postmaster exit/,
      );
    } finally {
      if (session !== undefined) await killProcess(session.child);
      if (adapter !== undefined) await killWrapped(adapter);
      await cluster.remove();
    }
  },
);

Deno.test(
  "postgresql: as a sidecar following external_pid_file (ADAPTER_UNIT_PID_FILE): the postmaster SIGKILLed → /readyz 503 within 1 s, 200 again after crash recovery's READY=1",
  needs("postgresql", "util-linux", "systemd"),
  async () => {
    const cluster = await newCluster();
    // In the cluster's directory, which postgres may write; the adapter (root) reads the 0600 file.
    const pidFile = `${cluster.dir}/postgres.pid`;
    const adapter = await spawnAdapter({
      env: {
        NOTIFY_SOCKET: `${cluster.dir}/notify/notify.sock`,
        ADAPTER_UNIT_TIMEOUT_START_SEC: "0",
        ADAPTER_UNIT_PID_FILE: pidFile,
      },
    });
    const start = () =>
      spawnBeside(adapter, [...postgresCommand(cluster), "-c", `external_pid_file=${pidFile}`]);
    const followed = async () => (await adapter.request("/status")).json.mainProcess;
    // setpriv exec()s postgres: the process started is the postmaster.
    let postmaster = start();
    try {
      await waitForStatus(adapter, "/readyz", 200);
      await adapter.waitFor(async () => (await followed()).pid === postmaster.pid, "followed");
      assert.deepEqual(await followed(), { pid: postmaster.pid, origin: "PID file", exits: 0 });
      assert.equal(Deno.readTextFileSync(pidFile), `${postmaster.pid}\n`);
      assert.equal((await psql(cluster.port, "select 6 * 7")).stdout, "42\n");

      postmaster.kill("SIGKILL");
      const killedAt = performance.now();
      await waitForStatus(adapter, "/readyz", 503);
      const toNotReady = performance.now() - killedAt;
      assert.ok(toNotReady < 5_000, `${toNotReady} ms`);
      console.log(`postmaster SIGKILL → /readyz 503 in ${toNotReady.toFixed(0)} ms`);
      assert.equal((await adapter.request("/livez")).status, 503);
      await postmaster.status;
      // Left behind by the SIGKILL, still naming the dead postmaster.
      assert.equal(Deno.readTextFileSync(pidFile), `${postmaster.pid}\n`);

      // The container restarts: crash recovery, then READY=1; the file names the new postmaster.
      postmaster = start();
      await waitForStatus(adapter, "/readyz", 200);
      await adapter.waitFor(async () => (await followed()).pid === postmaster.pid, "the new one");
      assert.deepEqual(await followed(), { pid: postmaster.pid, origin: "PID file", exits: 1 });
      assert.equal((await psql(cluster.port, "select 6 * 7")).stdout, "42\n");
      assert.deepEqual(echoed(adapter), ["READY=1", "READY=1"]);
      assert.equal((await adapter.stop()).code, 0);
    } finally {
      await killProcess(postmaster);
      await adapter.stop("SIGKILL");
      await cluster.remove();
    }
  },
);
