// Lifecycle by signal (behaviour §7) with the real adapter: SIGTERM and SIGINT stop it within 2 s
// with exit 0 and the socket removed; SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 do not.
import assert from "node:assert/strict";
import { pathExists, spawnAdapter, tempDir } from "../helpers/adapter_process.ts";

Deno.test("signals: SIGTERM and SIGINT stop the adapter within 2 s, exit 0, socket removed", async () => {
  const dir = tempDir();
  const signals: Deno.Signal[] = ["SIGTERM", "SIGINT"];
  try {
    await Promise.all(signals.map(async (signal) => {
      const socket = `${dir.path}/${signal}.sock`;
      const adapter = await spawnAdapter({
        env: { NOTIFY_SOCKET: socket, ADAPTER_UNIT_WATCHDOG_SEC: "1h" },
      });
      await adapter.send("READY=1");
      await adapter.waitFor(async () => (await adapter.request("/readyz")).status === 200, "ready");
      assert.ok(Deno.lstatSync(socket).isSocket);
      const started = performance.now();
      const exit = await adapter.stop(signal);
      const elapsed = performance.now() - started;
      assert.equal(exit.code, 0, `${signal}: ${exit.stderr}`);
      assert.equal(exit.signal, null);
      assert.ok(elapsed < 2_000, `${signal}: stopped after ${elapsed} ms`);
      assert.equal(pathExists(socket), false, `${signal}: the socket is removed`);
      const shutdown = adapter.logRecords().filter((record) => record.message === "Shutting down");
      assert.deepEqual(shutdown.map(({ reason, exitStatus }) => ({ reason, exitStatus })), [
        { reason: signal, exitStatus: 0 },
      ]);
    }));
  } finally {
    dir.remove();
  }
});

Deno.test("signals: SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 do not stop the adapter", async () => {
  const adapter = await spawnAdapter();
  const others: Deno.Signal[] = ["SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"];
  try {
    for (const signal of others) {
      adapter.child.kill(signal);
      await adapter.waitFor(
        () => adapter.logRecords().some((record) => record.signal === signal),
        `${signal} noted`,
      );
      assert.equal((await adapter.request("/healthz")).status, 200, signal);
    }
    assert.deepEqual(
      adapter.logRecords().filter((record) => record.message === "Signal ignored")
        .map(({ level, signal }) => ({ level, signal })),
      others.map((signal) => ({ level: "info", signal })),
    );
    // Still reading the socket, too.
    await adapter.send("READY=1");
    await adapter.waitFor(async () => (await adapter.request("/readyz")).status === 200, "ready");
  } catch (error) {
    await adapter.stop();
    throw error;
  }
  assert.equal((await adapter.stop()).code, 0);
});

Deno.test("signals: a port in use stops the adapter with one message, no socket left", async () => {
  const dir = tempDir();
  const hosts: { listen: string; env: Record<string, string> }[] = [
    { listen: "0.0.0.0", env: {} },
    { listen: "127.0.0.1", env: { ADAPTER_HOST: "127.0.0.1" } },
  ];
  try {
    for (const [i, { listen, env }] of hosts.entries()) {
      const listener = Deno.listen({ hostname: listen, port: 0 });
      const port = listener.addr.port;
      const socket = `${dir.path}/${i}.sock`;
      try {
        const adapter = await spawnAdapter({
          env: { ...env, NOTIFY_SOCKET: socket, ADAPTER_PORT: String(port) },
          waitHealthy: false,
        });
        const exit = await adapter.exited();
        assert.notEqual(exit.code, 0, exit.stderr);
        const errors = adapter.logRecords().filter((record) => record.level === "error");
        assert.equal(errors.length, 1, exit.stderr);
        const host = env.ADAPTER_HOST ?? "::";
        assert.ok(
          String(errors[0].message).startsWith(
            `Cannot listen on ADAPTER_HOST ${host} ADAPTER_PORT ${port}: `,
          ),
          String(errors[0].message),
        );
        assert.equal(errors[0].exitStatus, exit.code);
        assert.equal(pathExists(socket), false);
        assert.equal(exit.stdout, "");
      } finally {
        listener.close();
      }
    }
  } finally {
    dir.remove();
  }
});
