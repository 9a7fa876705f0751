// systemd's own clients against the real adapter (behaviour §2): `systemd-notify`, which waits for
// its BARRIER=1 to complete, and libsystemd's sd_notify() and sd_notify_barrier() via ctypes.
import assert from "node:assert/strict";
import { type AdapterProcess, spawnAdapter, tempDir } from "../helpers/adapter_process.ts";
import { needs } from "../helpers/tools.ts";

const decoder = new TextDecoder();

/** Runs a client with NOTIFY_SOCKET set; its exit code, output and how long it took. */
async function runClient(program: string, args: string[], notifySocket: string) {
  const started = performance.now();
  const { code, stdout, stderr } = await new Deno.Command(program, {
    args,
    env: { NOTIFY_SOCKET: notifySocket },
    stdin: "null",
  }).output();
  return {
    code,
    stdout: decoder.decode(stdout),
    stderr: decoder.decode(stderr),
    elapsedMs: performance.now() - started,
  };
}

// sd_notify() returns > 0 when it sent; sd_notify_barrier() >= 0 when the receiver closed the
// pipe's write end it was passed, i.e. read the datagram (it waits at most 5 s).
const LIBSYSTEMD_CLIENT = `
import ctypes, sys
lib = ctypes.CDLL("libsystemd.so.0")
lib.sd_notify.argtypes = [ctypes.c_int, ctypes.c_char_p]
lib.sd_notify_barrier.argtypes = [ctypes.c_int, ctypes.c_uint64]
print(lib.sd_notify(0, sys.argv[1].encode()))
print(lib.sd_notify_barrier(0, 5_000_000))
`;

async function assertReadyWithStatus(adapter: AdapterProcess, statusText: string) {
  await adapter.waitFor(
    async () => (await adapter.request("/readyz")).status === 200,
    "/readyz 200",
  );
  const body = (await adapter.request("/status")).json;
  assert.equal(body.statusText, statusText);
  assert.equal(body.readyz, true);
  assert.equal(body.livez, true);
}

Deno.test(
  "systemd clients: systemd-notify and libsystemd, path and abstract sockets",
  needs("systemd", "python3"),
  async (t) => {
    const dir = tempDir();
    const [onPath, onAbstract] = await Promise.all([
      spawnAdapter({ env: { NOTIFY_SOCKET: `${dir.path}/notify.sock` } }),
      spawnAdapter({ env: { NOTIFY_SOCKET: `@sd-notify-adapter-clients-${crypto.randomUUID()}` } }),
    ]);
    try {
      for (
        const [adapter, kind] of [[onPath, "a path"], [onAbstract, "an abstract @name"]] as const
      ) {
        await t.step(
          `systemd-notify --ready --status completes its barrier on ${kind} socket`,
          async () => {
            const client = await runClient(
              "systemd-notify",
              ["--ready", "--status=up and serving"],
              adapter.notifySocket,
            );
            assert.equal(client.code, 0, client.stderr);
            // Without the barrier completing, systemd-notify waits 5 s and then fails.
            assert.ok(client.elapsedMs < 4_000, `systemd-notify took ${client.elapsedMs} ms`);
            await assertReadyWithStatus(adapter, "up and serving");
            await adapter.waitFor(
              () => adapter.stdout().includes("BARRIER=1\n"),
              "the barrier's echo",
            );
            assert.equal(adapter.stdout(), "READY=1\nSTATUS=up and serving\nBARRIER=1\n");
          },
        );
      }

      await t.step("libsystemd sd_notify() > 0 and sd_notify_barrier() >= 0", async () => {
        for (const adapter of [onPath, onAbstract]) {
          const client = await runClient(
            "python3",
            ["-c", LIBSYSTEMD_CLIENT, "STOPPING=1\nSTATUS=libsystemd says bye"],
            adapter.notifySocket,
          );
          assert.equal(client.code, 0, client.stderr);
          const [sent, barrier] = client.stdout.trim().split("\n").map(Number);
          assert.ok(sent > 0, `sd_notify() returned ${sent}`);
          assert.ok(barrier >= 0, `sd_notify_barrier() returned ${barrier}`);
          assert.ok(client.elapsedMs < 4_000, `the client took ${client.elapsedMs} ms`);
          await adapter.waitFor(
            async () =>
              (await adapter.request("/status")).json.statusText === "libsystemd says bye",
            "the status text",
          );
          assert.equal((await adapter.request("/readyz")).status, 503);
          assert.equal((await adapter.request("/livez")).status, 200);
        }
      });

      await t.step("libsystemd READY=1 on a fresh adapter turns it ready", async () => {
        const fresh = await spawnAdapter();
        try {
          const client = await runClient(
            "python3",
            ["-c", LIBSYSTEMD_CLIENT, "READY=1\nSTATUS=x"],
            fresh.notifySocket,
          );
          assert.equal(client.code, 0, client.stderr);
          const [sent, barrier] = client.stdout.trim().split("\n").map(Number);
          assert.ok(sent > 0, `sd_notify() returned ${sent}`);
          assert.ok(barrier >= 0, `sd_notify_barrier() returned ${barrier}`);
          await assertReadyWithStatus(fresh, "x");
        } catch (error) {
          await fresh.stop();
          throw error;
        }
        assert.equal((await fresh.stop()).code, 0);
      });
    } catch (error) {
      await Promise.all([onPath.stop(), onAbstract.stop()]);
      dir.remove();
      throw error;
    }
    const exits = await Promise.all([onPath.stop(), onAbstract.stop()]);
    assert.deepEqual(exits.map((exit) => exit.code), [0, 0]);
    dir.remove();
  },
);
