// The HTTP listener survives what the system and clients do to it (behaviour §5.1, §5.2, §1.3;
// issue 10 items 2 and 10): accept() failing for want of descriptors, Host headers that are
// no valid authority, and an ADAPTER_HOST that is no IP address.
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

// Deno holds about 26 descriptors at idle: this leaves about 20 for connections.
const NOFILE = 48;

function openDescriptors(pid: number): number {
  return [...Deno.readDirSync(`/proc/${pid}/fd`)].length;
}

Deno.test(
  "http: after accept() fails for want of descriptors, probes answer within 1 s of their release",
  needs("util-linux"),
  async () => {
    const adapter = await spawnAdapter({
      command: "prlimit",
      args: [`--nofile=${NOFILE}:${NOFILE}`, Deno.execPath(), ...adapterArgs()],
    });
    const pid = adapter.child.pid;
    const held: Deno.Conn[] = [];
    let afterRelease: number | string = "no answer";
    let waited = 0;
    try {
      const spare = NOFILE - openDescriptors(pid);
      assert.ok(spare >= 5 && spare <= 40, `spare descriptors: ${spare}`);
      // More connections than the adapter has descriptors: accept() fails once its table is
      // full, and the listening socket is closed (further connects are refused).
      for (let i = 0; i < spare + 20; i++) {
        try {
          held.push(await Deno.connect({ hostname: "127.0.0.1", port: adapter.port }));
        } catch (error) {
          // Refused once the listener is gone; reset when it went with connections queued.
          const gone = error instanceof Deno.errors.ConnectionRefused ||
            error instanceof Deno.errors.ConnectionReset;
          if (!gone) throw error;
          break;
        }
      }
      assert.ok(held.length >= spare - 2, `${held.length} connections for ${spare} descriptors`);
      await adapter.waitFor(
        () => openDescriptors(pid) >= NOFILE - 1,
        "the adapter's descriptor table to fill",
        5_000,
      );
      // Long enough for accept() to fail and the listener to try again while still exhausted.
      await sleep(300);
      // Exhausted: no probe is answered while the connections are held.
      assert.notEqual(await statusOrError(adapter.port, "/healthz"), 200);
      for (const conn of held.splice(0)) conn.close();
      const released = performance.now();
      for (;;) {
        afterRelease = await statusOrError(adapter.port, "/healthz");
        waited = performance.now() - released;
        if (afterRelease === 200 || waited > 1_000) break;
        await sleep(20);
      }
      assert.equal(afterRelease, 200, `GET /healthz ${Math.round(waited)} ms after the release`);
      assert.ok(waited <= 1_000, `answered ${Math.round(waited)} ms after the release`);
      await adapter.waitFor(
        () => withMessage(adapter, "Accepting again").length > 0,
        '"Accepting again"',
        5_000,
      );
      const failed = withMessage(adapter, "Accept failed");
      assert.equal(failed.length, 1, adapter.stderr());
      assert.equal(failed[0].level, "error");
      assert.match(String(failed[0].error), /Too many open files/);
      assert.equal(withMessage(adapter, "Accepting again").length, 1);
      // No unhandled rejection got swallowed on the way.
      assert.deepEqual(withMessage(adapter, "Unexpected error"), []);
      const exit = await adapter.stop();
      assert.equal(exit.code, 0, exit.stderr);
    } finally {
      for (const conn of held) conn.close();
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
