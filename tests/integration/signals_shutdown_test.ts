// Signals stay caught for the whole life of the process (behaviour §7.2, §7.3, §9.2; issue 10
// item 7): a SIGHUP during the sidecar's shutdown, a SIGTERM during the grace period of a
// wrapped child, and the signals whose default action would end the sidecar change nothing.
import assert from "node:assert/strict";
import { pathExists, spawnAdapter, tempDir } from "../helpers/adapter_process.ts";
import { killIfRunning, processRuns, sleep, withMessage } from "../fixtures/hardening/support.ts";
import { needs } from "../helpers/tools.ts";

const FIXTURES = new URL("../fixtures/", import.meta.url).pathname;

function readText(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return "";
  }
}

Deno.test(
  "signals in shutdown: a SIGHUP 0.3 s into the sidecar's shutdown, then a second SIGTERM, change nothing",
  needs("python3", "util-linux"),
  async () => {
    // stdout is a pipe nobody reads, so the shutdown spends its budget waiting for echo.
    let release = () => {};
    const gate = new Promise<void>((resolve) => release = resolve);
    const dir = tempDir();
    const socket = `${dir.path}/notify.sock`;
    const adapter = await spawnAdapter({ env: { NOTIFY_SOCKET: socket }, stdoutGate: gate });
    try {
      const line = `X_FILL=${"x".repeat(4_000)}`;
      for (let i = 0; i < 40; i++) await adapter.send(line);
      await adapter.waitFor(
        async () => (await adapter.request("/status")).json.counters.datagrams >= 40,
        "the 40 datagrams judged",
      );
      const started = performance.now();
      adapter.child.kill("SIGTERM");
      await sleep(300);
      adapter.child.kill("SIGHUP");
      await sleep(200);
      try {
        adapter.child.kill("SIGTERM");
      } catch {
        // Already gone: the status below says how.
      }
      const status = await adapter.child.status;
      const elapsed = performance.now() - started;
      release();
      const exit = await adapter.exited();
      assert.deepEqual({ code: status.code, signal: status.signal }, { code: 0, signal: null });
      assert.equal(exit.code, 0);
      // The SIGHUP and the second SIGTERM came while the shutdown was still under way, and did
      // not prolong it.
      assert.ok(elapsed > 500 && elapsed < 2_500, `exited ${Math.round(elapsed)} ms after SIGTERM`);
      assert.deepEqual(
        withMessage(adapter, "Shutting down").map(({ reason, exitStatus }) => ({
          reason,
          exitStatus,
        })),
        [{ reason: "SIGTERM", exitStatus: 0 }],
      );
      assert.equal(pathExists(socket), false, "the socket is removed");
    } finally {
      release();
      await adapter.stop("SIGKILL");
      dir.remove();
    }
  },
);

Deno.test(
  "signals in shutdown: SIGTERM during a wrapped child's grace period: forwarded, adapter lives on",
  needs("python3", "util-linux"),
  async () => {
    // The adapter stops on the child's READY=1; the child ignores SIGTERM, so it gets SIGKILL
    // 1 s later. A SIGTERM to the adapter 0.3 s into that second is only forwarded.
    const dir = tempDir();
    const record = `${dir.path}/signals`;
    const socket = `${dir.path}/notify.sock`;
    const adapter = await spawnAdapter({
      args: ["run", "--", "python3", `${FIXTURES}service.py`, record, "--ignore-term"],
      env: { NOTIFY_SOCKET: socket, ADAPTER_STATUS_SHUTDOWN: "ready" },
      waitHealthy: false,
    });
    let childPid = 0;
    try {
      await adapter.waitFor(
        () => withMessage(adapter, "Stopping child").some((r) => r.signal === "SIGTERM"),
        "SIGTERM to the child",
      );
      childPid = Number(withMessage(adapter, "Child started")[0].pid);
      await sleep(300);
      adapter.child.kill("SIGTERM");
      const status = await adapter.child.status;
      const childLeft = processRuns(childPid);
      // An adapter killed by the SIGTERM leaves its child running, holding the output pipes.
      killIfRunning(childPid);
      const exit = await adapter.exited();
      assert.deepEqual({ code: status.code, signal: status.signal }, { code: 0, signal: null });
      assert.equal(childLeft, false, "the child is gone when the adapter exits");
      const lines = readText(record).split("\n").filter((line) => line !== "");
      assert.deepEqual(lines, [`pid ${childPid}`, "ready", "SIGTERM", "SIGTERM"]);
      assert.deepEqual(withMessage(adapter, "Stopping child").map((r) => r.signal), [
        "SIGTERM",
        "SIGKILL",
      ]);
      assert.equal(exit.code, 0);
      assert.deepEqual(
        withMessage(adapter, "Shutting down").map(({ reason, exitStatus }) => ({
          reason,
          exitStatus,
        })),
        [{ reason: "event ready", exitStatus: 0 }],
      );
      assert.equal(pathExists(socket), false);
    } finally {
      try {
        adapter.child.kill("SIGKILL");
      } catch {
        // Already gone.
      }
      await adapter.child.status;
      // Its child holds the output pipes open: end it too, then collect the output.
      const pid = childPid || Number(readText(record).match(/^pid (\d+)$/m)?.[1] ?? 0);
      if (pid > 0) killIfRunning(pid);
      await adapter.exited();
      dir.remove();
    }
  },
);

Deno.test(
  "signals: SIGALRM, SIGVTALRM, SIGPWR, SIGXCPU and SIGTSTP leave the sidecar running",
  needs("python3", "util-linux"),
  async () => {
    const dir = tempDir();
    const socket = `${dir.path}/notify.sock`;
    const adapter = await spawnAdapter({ env: { NOTIFY_SOCKET: socket } });
    let exited = false;
    void adapter.exited().then(() => exited = true);
    const signals: Deno.Signal[] = ["SIGALRM", "SIGVTALRM", "SIGPWR", "SIGXCPU", "SIGTSTP"];
    try {
      for (const signal of signals) {
        adapter.child.kill(signal);
        await adapter.waitFor(
          () => exited || withMessage(adapter, "Signal ignored").some((r) => r.signal === signal),
          `${signal} noted`,
        );
        assert.equal(exited, false, `${signal} ended the adapter`);
        assert.equal((await adapter.request("/healthz")).status, 200, signal);
        assert.ok(Deno.lstatSync(socket).isSocket, signal);
      }
      await adapter.send("READY=1");
      await adapter.waitFor(async () => (await adapter.request("/readyz")).status === 200, "ready");
      const exit = await adapter.stop("SIGTERM");
      assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null });
      assert.equal(pathExists(socket), false);
    } finally {
      await adapter.stop("SIGKILL");
      dir.remove();
    }
  },
);
