// Shutdown on an event (behaviour §3, §7) with the real adapter: an event in
// ADAPTER_STATUS_SHUTDOWN applies its state change, then stops the adapter with exit 0 for
// ready/reloading/stopping/watchdog and 1 for the failure events; the socket is removed.
import assert from "node:assert/strict";
import { pathExists, spawnAdapter, tempDir } from "../helpers/adapter_process.ts";

Deno.test("shutdown: events in ADAPTER_STATUS_SHUTDOWN stop the adapter with exit 0 or 1", async () => {
  const dir = tempDir();
  // event, what makes it happen (a datagram, or nothing for a timer), exit status
  const cases: [string, string | null, Record<string, string>, number][] = [
    ["stopping", "STOPPING=1", {}, 0],
    ["ready", "READY=1", {}, 0],
    ["reloading", "RELOADING=1", {}, 0],
    ["watchdog", "WATCHDOG=1", {}, 0],
    ["errno", "ERRNO=EIO", {}, 1],
    ["buserror", "BUSERROR=org.example.Failed", {}, 1],
    ["watchdog_trigger", "WATCHDOG=trigger", {}, 1],
    ["start_timeout", null, { ADAPTER_UNIT_TIMEOUT_START_SEC: "200ms" }, 1],
    [
      "watchdog_timeout",
      "READY=1",
      { ADAPTER_UNIT_WATCHDOG_SEC: "200ms", ADAPTER_UNIT_TIMEOUT_START_SEC: "0" },
      1,
    ],
  ];
  try {
    await Promise.all(cases.map(async ([event, datagram, env, exitStatus]) => {
      const socket = `${dir.path}/${event}.sock`;
      const adapter = await spawnAdapter({
        env: { ...env, NOTIFY_SOCKET: socket, ADAPTER_STATUS_SHUTDOWN: `${event},stopping` },
      });
      if (datagram !== null) await adapter.send(datagram);
      const exit = await adapter.exited();
      assert.equal(exit.code, exitStatus, `${event}: ${exit.stderr}`);
      assert.equal(pathExists(socket), false, event);
      const messages = adapter.logRecords().map((record) => record.message);
      const shutdown = adapter.logRecords().filter((record) => record.message === "Shutting down");
      assert.deepEqual(shutdown.map(({ reason, exitStatus }) => ({ reason, exitStatus })), [
        { reason: `event ${event}`, exitStatus },
      ], event);
      // The state change comes first, then shutdown, then healthz false.
      const eventAt = adapter.logRecords().findIndex((record) => record.event === event);
      assert.ok(eventAt >= 0 && eventAt < messages.indexOf("Shutting down"), event);
      assert.deepEqual(adapter.logRecords().at(-1), {
        ...adapter.logRecords().at(-1),
        message: "Probe state changed",
        probe: "healthz",
        from: true,
        to: false,
      });
    }));
  } finally {
    dir.remove();
  }
});

Deno.test("shutdown: an event not in ADAPTER_STATUS_SHUTDOWN does not stop the adapter", async () => {
  const adapter = await spawnAdapter({ env: { ADAPTER_STATUS_SHUTDOWN: "stopping" } });
  try {
    await adapter.send("ERRNO=5\nWATCHDOG=trigger\nRELOADING=1");
    await adapter.send("READY=1\nX_DONE=1");
    await adapter.waitFor(() => adapter.stdout().includes("X_DONE=1\n"), "the echo");
    assert.equal((await adapter.request("/healthz")).status, 200);
    // The datagram that holds a shutdown event applies its state change before stopping.
    await adapter.send("STOPPING=1\nSTATUS=bye");
    const exit = await adapter.exited();
    assert.equal(exit.code, 0);
    assert.ok(exit.stdout.endsWith("STOPPING=1\nSTATUS=bye\n"), exit.stdout);
  } finally {
    await adapter.stop();
  }
});
