// The adapter's permission set (deno.json, `deno task start`, baked into the compiled binary)
// with the real process: a socket outside it is a configuration error, caught before binding.
import assert from "node:assert/strict";
import { freePort, pathExists, spawnAdapter } from "../helpers/adapter_process.ts";

Deno.test("permissions: NOTIFY_SOCKET outside /run, /var/run, /tmp exits 2 before binding", async () => {
  // Not under the repository: a clone may itself live under /tmp, which the set allows.
  const directory = `/var/lib/sd-notify-adapter-test-${crypto.randomUUID()}`;
  const path = `${directory}/adapter.sock`;
  const port = freePort();
  const adapter = await spawnAdapter({
    env: { NOTIFY_SOCKET: path, ADAPTER_PORT: String(port), ADAPTER_LOG: "false" },
    waitHealthy: false,
  });
  // Were the socket allowed, the adapter would run on: stop it rather than hang the suite.
  const guard = setTimeout(() => adapter.child.kill("SIGKILL"), 10_000);
  const exit = await adapter.exited();
  clearTimeout(guard);
  assert.equal(exit.code, 2, exit.stderr);
  assert.equal(exit.stdout, "");
  const lines = exit.stderr.split("\n").filter((line) => line !== "");
  assert.equal(lines.length, 1, exit.stderr);
  const { timestamp: _, ...record } = JSON.parse(lines[0]);
  assert.deepEqual(record, {
    level: "error",
    message: `Cannot use NOTIFY_SOCKET ${JSON.stringify(path)}: the adapter's permissions ` +
      "allow sockets only under /run, /var/run, /tmp, or an abstract socket @name",
    variable: "NOTIFY_SOCKET",
    value: path,
    exitStatus: 2,
  });
  // Nothing was created or bound.
  assert.equal(pathExists(directory), false);
  const listener = Deno.listen({ hostname: "127.0.0.1", port });
  listener.close();
});

const root = Deno.uid() === 0;

Deno.test({
  name: `permissions: the default NOTIFY_SOCKET's directory lies inside the permission set${
    root ? "" : " (skipped: only root may create directories in /var/run)"
  }`,
  ignore: !root,
}, async () => {
  // /var/run/adapter/adapter.sock may be in use on this machine: its directory is what matters.
  const path = `/var/run/sd-notify-adapter-test-${crypto.randomUUID()}/adapter.sock`;
  const adapter = await spawnAdapter({ env: { NOTIFY_SOCKET: path, ADAPTER_LOG: "false" } });
  try {
    assert.equal(pathExists(path), true);
  } catch (error) {
    await adapter.stop();
    Deno.removeSync(path.slice(0, path.lastIndexOf("/")));
    throw error;
  }
  const exit = await adapter.stop();
  assert.equal(exit.code, 0, exit.stderr);
  Deno.removeSync(path.slice(0, path.lastIndexOf("/")));
});
