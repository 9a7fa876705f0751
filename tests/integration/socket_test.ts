// The notification socket's file rules (behaviour §2, §7) with the real adapter: stale socket
// replaced, other files refused, parent created, mode applied, abstract names, removal.
import assert from "node:assert/strict";
import { pathExists, spawnAdapter, tempDir, waitForRecord } from "../helpers/adapter_process.ts";

/** The one error record of an adapter that could not start. */
function errorRecords(stderr: string) {
  return stderr.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line))
    .filter((record) => record.level === "error");
}

Deno.test("socket: a stale socket is replaced, and the new one works", async () => {
  const dir = tempDir();
  const path = `${dir.path}/notify.sock`;
  // A socket file whose owner is gone, as a crashed adapter leaves it.
  Deno.listenDatagram({ transport: "unixpacket", path }).close();
  assert.ok(Deno.lstatSync(path).isSocket);
  const adapter = await spawnAdapter({ env: { NOTIFY_SOCKET: path } });
  try {
    await waitForRecord(adapter, "Adapter ready");
    assert.deepEqual(
      adapter.logRecords().filter((record) => record.message === "Stale socket replaced")
        .map(({ level, socket }) => ({ level, socket })),
      [{ level: "info", socket: path }],
    );
    await adapter.send("READY=1");
    await adapter.waitFor(async () => (await adapter.request("/readyz")).status === 200, "ready");
  } catch (error) {
    await adapter.stop();
    dir.remove();
    throw error;
  }
  assert.equal((await adapter.stop()).code, 0);
  assert.equal(pathExists(path), false, "the socket is removed on exit");
  dir.remove();
});

Deno.test("socket: a path that exists and is not a socket is refused with exit 2, untouched", async () => {
  const dir = tempDir();
  try {
    const file = `${dir.path}/regular`;
    Deno.writeTextFileSync(file, "keep me\n");
    const directory = `${dir.path}/directory`;
    Deno.mkdirSync(directory);
    for (const path of [file, directory]) {
      const adapter = await spawnAdapter({ env: { NOTIFY_SOCKET: path }, waitHealthy: false });
      const exit = await adapter.exited();
      assert.equal(exit.code, 2, exit.stderr);
      assert.equal(exit.stdout, "");
      const errors = errorRecords(exit.stderr);
      assert.equal(errors.length, 1, exit.stderr);
      assert.equal(
        errors[0].message,
        `Refusing NOTIFY_SOCKET ${JSON.stringify(path)}: it exists and is not a socket`,
      );
      assert.equal(errors[0].exitStatus, 2);
      // Nothing listened: no "Adapter ready" record.
      assert.ok(!exit.stderr.includes('"Adapter ready"'), exit.stderr);
    }
    assert.equal(Deno.readTextFileSync(file), "keep me\n");
    assert.ok(Deno.lstatSync(directory).isDirectory);
  } finally {
    dir.remove();
  }
});

Deno.test("socket: a missing parent directory is created; ADAPTER_SOCKET_MODE is applied", async () => {
  const dir = tempDir();
  const nested = `${dir.path}/a/b/notify.sock`;
  const defaulted = `${dir.path}/default.sock`;
  const [custom, plain] = await Promise.all([
    spawnAdapter({ env: { NOTIFY_SOCKET: nested, ADAPTER_SOCKET_MODE: "0620" } }),
    spawnAdapter({ env: { NOTIFY_SOCKET: defaulted } }),
  ]);
  try {
    const info = Deno.lstatSync(nested);
    assert.ok(info.isSocket);
    assert.equal(info.mode! & 0o777, 0o620);
    assert.equal(Deno.lstatSync(defaulted).mode! & 0o777, 0o666);
    await custom.send("STATUS=nested");
    await custom.waitFor(
      async () => (await custom.request("/status")).json.statusText === "nested",
      "the status",
    );
  } catch (error) {
    await Promise.all([custom.stop(), plain.stop()]);
    dir.remove();
    throw error;
  }
  const exits = await Promise.all([custom.stop(), plain.stop()]);
  assert.deepEqual(exits.map((exit) => exit.code), [0, 0]);
  assert.equal(pathExists(nested), false);
  assert.equal(pathExists(defaulted), false);
  // The directory it created stays: another container may share it.
  assert.ok(Deno.lstatSync(`${dir.path}/a/b`).isDirectory);
  dir.remove();
});

Deno.test("socket: an abstract @name binds no file and is gone after exit", async () => {
  const name = `sd-notify-adapter-abstract-${crypto.randomUUID()}`;
  const listed = () => Deno.readTextFileSync("/proc/net/unix").includes(`@${name}\n`);
  const adapter = await spawnAdapter({ env: { NOTIFY_SOCKET: `@${name}` } });
  try {
    assert.equal(listed(), true);
    await adapter.send("READY=1");
    await adapter.waitFor(async () => (await adapter.request("/readyz")).status === 200, "ready");
  } catch (error) {
    await adapter.stop();
    throw error;
  }
  assert.equal((await adapter.stop()).code, 0);
  assert.equal(listed(), false);
});

Deno.test("socket: a socket that cannot be created stops the adapter with one message", async () => {
  const dir = tempDir();
  try {
    const file = `${dir.path}/file`;
    Deno.writeTextFileSync(file, "");
    const path = `${file}/sub/notify.sock`;
    const adapter = await spawnAdapter({ env: { NOTIFY_SOCKET: path }, waitHealthy: false });
    const exit = await adapter.exited();
    assert.equal(exit.code, 1, exit.stderr);
    const errors = errorRecords(exit.stderr);
    assert.equal(errors.length, 1, exit.stderr);
    assert.ok(
      errors[0].message.startsWith(`Cannot create the directory of NOTIFY_SOCKET ${path}: `),
      errors[0].message,
    );
    assert.equal(pathExists(path), false);
    assert.ok(!exit.stderr.includes('"Adapter ready"'), exit.stderr);
  } finally {
    dir.remove();
  }
});
