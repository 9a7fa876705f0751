// Configuration (behaviour §1) with the real adapter: exit status 2 and one clear message for each
// kind of bad value, the effective configuration in the log, and the settings taking effect.
import assert from "node:assert/strict";
import { httpRequest } from "../helpers/http_client.ts";
import { pathExists, spawnAdapter, tempDir, waitForRecord } from "../helpers/adapter_process.ts";

const BAD_VALUES: [string, string, string][] = [
  ["ADAPTER_ECHO", "maybe", "a boolean (true/false, 1/0, yes/no, on/off)"],
  ["ADAPTER_INITIAL_READYZ", "2", "a boolean (true/false, 1/0, yes/no, on/off)"],
  ["ADAPTER_CHANNEL_SIZE", "12abc", "an integer from 1 to 1000000"],
  ["ADAPTER_PORT", "70000", "an integer from 0 to 65535"],
  ["ADAPTER_PORT", "-1", "an integer from 0 to 65535"],
  [
    "ADAPTER_STATUS_SHUTDOWN",
    "ready,timeout",
    'a comma-separated list of events, and "timeout" is not one of ready, reloading, stopping, ' +
    "errno, buserror, watchdog, watchdog_trigger, watchdog_timeout, start_timeout, main_exited",
  ],
  [
    "ADAPTER_UNIT_WATCHDOG_SEC",
    "5 parsecs",
    'a systemd time span such as "90", "1.5s", "1min 30s" or "infinity"',
  ],
  [
    "ADAPTER_UNIT_TIMEOUT_START_SEC",
    "-1",
    'a systemd time span such as "90", "1.5s", "1min 30s" or "infinity"',
  ],
  ["ADAPTER_SOCKET_MODE", "rw-rw-rw-", "an octal file mode such as 0666 or 0660"],
  ["ADAPTER_HOST", "not a host", "an IP address such as :: or 0.0.0.0 (not a host name)"],
  ["ADAPTER_HOST", "999.999.999.999", "an IP address such as :: or 0.0.0.0 (not a host name)"],
  [
    "NOTIFY_SOCKET",
    "relative.sock",
    "an absolute path to a socket file, or @name, of at most 107 bytes, without NUL",
  ],
];

Deno.test("config: each kind of bad value exits 2 with one message naming the variable", async () => {
  const dir = tempDir();
  try {
    await Promise.all(BAD_VALUES.map(async ([variable, value, expected], index) => {
      const socket = `${dir.path}/${index}.sock`;
      // The message is written even with ADAPTER_LOG=false: the adapter never ran.
      const log = index % 2 === 0 ? "true" : "false";
      const env = { NOTIFY_SOCKET: socket, ADAPTER_LOG: log, [variable]: value };
      const adapter = await spawnAdapter({ env, waitHealthy: false });
      const exit = await adapter.exited();
      const what = `${variable}=${value}`;
      assert.equal(exit.code, 2, `${what}: ${exit.stderr}`);
      assert.equal(exit.stdout, "", what);
      const lines = exit.stderr.split("\n").filter((line) => line !== "");
      assert.equal(lines.length, 1, `${what}: ${exit.stderr}`);
      const { timestamp, ...record } = JSON.parse(lines[0]);
      assert.match(timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
      assert.deepEqual(record, {
        level: "error",
        message: `Cannot parse ${variable} ${JSON.stringify(value)}: expected ${expected}`,
        variable,
        value,
        expected,
        exitStatus: 2,
      }, what);
      // It stopped before it bound anything.
      assert.equal(pathExists(socket), false, what);
    }));
  } finally {
    dir.remove();
  }
});

Deno.test("config: the Configuration record shows every default; unknown ADAPTER_* warns", async () => {
  const inherited = Object.keys(Deno.env.toObject()).filter((name) => name.startsWith("ADAPTER_"));
  const adapter = await spawnAdapter({ env: { ADAPTER_PROT: "8089" } });
  try {
    await waitForRecord(adapter, "Adapter ready");
    const records = adapter.logRecords();
    const { timestamp: _, ...configuration } = records[0];
    const expected: Record<string, string> = {
      level: "info",
      message: "Configuration",
      NOTIFY_SOCKET: adapter.notifySocket,
      ADAPTER_PORT: String(adapter.port),
      ADAPTER_ECHO: "true",
      ADAPTER_LOG: "true",
      ADAPTER_CHANNEL_SIZE: "256",
      ADAPTER_INITIAL_LIVEZ: "false",
      ADAPTER_INITIAL_READYZ: "false",
      ADAPTER_ALLOW_MESSAGE_WATCHDOG_USEC: "true",
      ADAPTER_ALLOW_MESSAGE_EXTEND_TIMEOUT_USEC: "true",
      ADAPTER_STATUS_LIVEZ_TRUE: "ready,watchdog",
      ADAPTER_STATUS_LIVEZ_FALSE:
        "errno,buserror,watchdog_trigger,watchdog_timeout,start_timeout,main_exited",
      ADAPTER_STATUS_READYZ_TRUE: "ready,watchdog",
      ADAPTER_STATUS_READYZ_FALSE:
        "reloading,stopping,errno,buserror,watchdog_trigger,watchdog_timeout,start_timeout,main_exited",
      ADAPTER_STATUS_SHUTDOWN: "",
      ADAPTER_UNIT_TIMEOUT_START_SEC: "90",
      ADAPTER_UNIT_WATCHDOG_SEC: "0",
      ADAPTER_UNIT_PID_FILE: "",
      ADAPTER_HOST: "::",
      ADAPTER_SOCKET_MODE: "0666",
      ADAPTER_WATCHDOG_SIGNAL: "SIGABRT",
      ADAPTER_TIMEOUT_ABORT_SEC: "90s",
      ADAPTER_TERMINATION_MESSAGE_PATH: "/dev/termination-log",
    };
    // Variables this test run inherited would change the defaults it sees.
    for (const name of inherited) expected[name] = configuration[name] as string;
    assert.deepEqual(configuration, expected);
    const warnings = records.filter((record) => record.level === "warning")
      .map(({ message }) => message);
    assert.ok(
      warnings.includes("Unknown variable ADAPTER_PROT is ignored: is it a typo?"),
      JSON.stringify(warnings),
    );
    const ready = records.find((record) => record.message === "Adapter ready");
    assert.deepEqual(ready && { socket: ready.socket, address: ready.address }, {
      socket: adapter.notifySocket,
      address: `[::]:${adapter.port}`,
    });
    assert.equal((await adapter.request("/healthz")).status, 200);
    assert.equal((await adapter.request("/livez")).status, 503);
    assert.equal((await adapter.request("/readyz")).status, 503);
  } catch (error) {
    await adapter.stop();
    throw error;
  }
  assert.equal((await adapter.stop()).code, 0);
});

Deno.test("config: ADAPTER_PORT=0 takes a free port and announces it in the log", async () => {
  const adapter = await spawnAdapter({ env: { ADAPTER_PORT: "0" }, waitHealthy: false });
  try {
    const ready = await waitForRecord(adapter, "Adapter ready");
    const match = /^\[::\]:(\d+)$/.exec(String(ready.address));
    assert.ok(match, String(ready.address));
    const port = Number(match[1]);
    assert.ok(port > 0);
    assert.equal((await httpRequest(port, "/healthz")).status, 200);
  } catch (error) {
    await adapter.stop();
    throw error;
  }
  assert.equal((await adapter.stop()).code, 0);
});

Deno.test("config: host, initial values and reaction lists take effect", async () => {
  const adapter = await spawnAdapter({
    env: {
      ADAPTER_HOST: "127.0.0.1",
      ADAPTER_INITIAL_LIVEZ: "TRUE",
      ADAPTER_INITIAL_READYZ: "on",
      ADAPTER_STATUS_LIVEZ_FALSE: "",
      ADAPTER_STATUS_READYZ_FALSE: " errno ",
      ADAPTER_STATUS_READYZ_TRUE: "reloading",
    },
  });
  const statuses = async () => ({
    livez: (await adapter.request("/livez")).status,
    readyz: (await adapter.request("/readyz")).status,
  });
  try {
    const ready = await waitForRecord(adapter, "Adapter ready");
    assert.equal(ready.address, `127.0.0.1:${adapter.port}`);
    assert.deepEqual(await statuses(), { livez: 200, readyz: 200 });
    // STOPPING=1 is in no list any more: nothing changes.
    await adapter.send("STOPPING=1\nX_STEP=1");
    await adapter.waitFor(() => adapter.stdout().includes("X_STEP=1\n"), "step 1");
    assert.deepEqual(await statuses(), { livez: 200, readyz: 200 });
    await adapter.send("ERRNO=5");
    await adapter.waitFor(async () => (await statuses()).readyz === 503, "readyz 503");
    assert.deepEqual(await statuses(), { livez: 200, readyz: 503 });
    await adapter.send("RELOADING=1");
    await adapter.waitFor(async () => (await statuses()).readyz === 200, "readyz 200");
  } catch (error) {
    await adapter.stop();
    throw error;
  }
  assert.equal((await adapter.stop()).code, 0);
});
