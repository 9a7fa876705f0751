// HTTP (behaviour §5) over a real port: exact probe bodies and headers, /status, HEAD, 404, 405.
import assert from "node:assert/strict";
import denoConfig from "../../deno.json" with { type: "json" };
import { spawnAdapter } from "../helpers/adapter_process.ts";

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/;

/** The probe body with the timestamp checked and replaced by a fixed text. */
function normalised(text: string): string {
  const match = /^\{"timestamp":"([^"]*)",/.exec(text);
  assert.ok(match, text);
  assert.match(match[1], TIMESTAMP);
  assert.ok(Math.abs(Date.parse(match[1]) - Date.now()) < 60_000, `${match[1]} is not now`);
  return text.replace(match[1], "T");
}

Deno.test("http: probes, /status, HEAD, 404 and 405 over a real port", async (t) => {
  const adapter = await spawnAdapter({ env: { ADAPTER_UNIT_WATCHDOG_SEC: "1h" } });
  try {
    await t.step("probes answer 200/503 with exactly the four fields", async () => {
      const expected = { "/healthz": 200, "/livez": 503, "/readyz": 503 };
      for (const [path, status] of Object.entries(expected)) {
        const response = await adapter.request(path);
        assert.equal(response.status, status, path);
        assert.equal(response.headers.get("content-type"), "application/json");
        assert.equal(response.headers.get("cache-control"), "no-store");
        assert.equal(
          normalised(response.text),
          '{"timestamp":"T","healthz":true,"livez":false,"readyz":false}',
          path,
        );
      }
      await adapter.send("READY=1\nSTATUS=serving\nMAINPID=2147483647");
      await adapter.waitFor(async () => (await adapter.request("/readyz")).status === 200, "ready");
      for (const path of ["/healthz", "/livez", "/readyz"]) {
        const response = await adapter.request(path);
        assert.equal(response.status, 200, path);
        assert.equal(
          normalised(response.text),
          '{"timestamp":"T","healthz":true,"livez":true,"readyz":true}',
        );
      }
    });

    await t.step("/status tells what the adapter knows", async () => {
      await adapter.send("ERRNO=ENOENT\nFOO=bar");
      await adapter.waitFor(async () => (await adapter.request("/livez")).status === 503, "errno");
      const response = await adapter.request("/status");
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("content-type"), "application/json");
      assert.equal(response.headers.get("cache-control"), "no-store");
      const body = response.json;
      assert.match(body.timestamp, TIMESTAMP);
      assert.match(body.lastEvent.timestamp, TIMESTAMP);
      assert.ok(body.uptimeSeconds > 0 && body.uptimeSeconds < 600, `${body.uptimeSeconds}`);
      const deadline = body.watchdog.secondsUntilDeadline;
      assert.ok(deadline > 3000 && deadline <= 3600, `${deadline}`);
      assert.deepEqual(Object.keys(body), [
        "timestamp",
        "healthz",
        "livez",
        "readyz",
        "version",
        "uptimeSeconds",
        "statusText",
        "mainPid",
        "mainProcess",
        "errno",
        "busError",
        "exitStatus",
        "lastEvent",
        "watchdog",
        "startTimer",
        "counters",
      ]);
      assert.deepEqual(
        {
          ...body,
          timestamp: "T",
          uptimeSeconds: 1,
          lastEvent: { ...body.lastEvent, timestamp: "T" },
          watchdog: { ...body.watchdog, secondsUntilDeadline: 1 },
          counters: {
            ...body.counters,
            linesByKey: Object.fromEntries(
              Object.entries(body.counters.linesByKey).filter(([, count]) => count !== 0),
            ),
            eventsByName: Object.fromEntries(
              Object.entries(body.counters.eventsByName).filter(([, count]) => count !== 0),
            ),
            rejectedByReason: Object.fromEntries(
              Object.entries(body.counters.rejectedByReason).filter(([, count]) => count !== 0),
            ),
          },
        },
        {
          timestamp: "T",
          healthz: true,
          livez: false,
          readyz: false,
          version: denoConfig.version,
          uptimeSeconds: 1,
          statusText: "serving",
          mainPid: 2147483647,
          // No process has that PID: the adapter follows none (behaviour §11.5).
          mainProcess: { pid: null, origin: null, exits: 0 },
          errno: 2,
          busError: null,
          exitStatus: null,
          lastEvent: { name: "errno", timestamp: "T" },
          watchdog: {
            enabled: true,
            timeoutSeconds: 3600,
            armed: true,
            secondsUntilDeadline: 1,
            lastPing: null,
          },
          startTimer: { pending: false, secondsUntilDeadline: null },
          counters: {
            datagrams: 2,
            lines: 4,
            events: 2,
            rejected: 1,
            linesByKey: { READY: 1, STATUS: 1, MAINPID: 1, ERRNO: 1 },
            eventsByName: { ready: 1, errno: 1 },
            rejectedByReason: { unknown_key: 1 },
            droppedOutputLines: { stdout: 0, stderr: 0 },
          },
        },
      );
    });

    await t.step("HEAD answers like GET, without a body", async () => {
      for (
        const [path, status] of [["/healthz", 200], ["/livez", 503], ["/status", 200]] as const
      ) {
        const response = await adapter.request(path, "HEAD");
        assert.equal(response.status, status, path);
        assert.equal(response.text, "", path);
        assert.equal(response.headers.get("content-type"), "application/json");
      }
    });

    await t.step("any other path is 404 with a JSON error", async () => {
      for (const path of ["/", "/ready", "/healthz/", "/metricsz"]) {
        const response = await adapter.request(path);
        assert.equal(response.status, 404, path);
        assert.equal(response.headers.get("content-type"), "application/json");
        assert.deepEqual(response.json, { error: "Not found", path });
      }
    });

    await t.step("any other method is 405 with Allow", async () => {
      for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
        const response = await adapter.request("/healthz", method);
        assert.equal(response.status, 405, method);
        assert.equal(response.headers.get("allow"), "GET, HEAD");
        assert.deepEqual(response.json, { error: "Method not allowed", method });
      }
    });
  } catch (error) {
    await adapter.stop();
    throw error;
  }
  assert.equal((await adapter.stop()).code, 0);
});
