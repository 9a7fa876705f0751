// Wrapper mode and the environment (behaviour §9.1, §1.2, §1.3, §4.1; issue 10 items 8 and
// 10): the child gets the adapter's environment byte for byte, less what describes the
// adapter's own service manager; a configuration value that is not UTF-8 is refused, never
// replaced by the default; a watchdog below 1 µs is no watchdog.
import assert from "node:assert/strict";
import { adapterArgs, pathExists, spawnAdapter, tempDir } from "../helpers/adapter_process.ts";
import {
  endWrapper,
  errorRecords,
  exitedWithin,
  pythonForOthers,
  sleep,
  startOutcome,
  withMessage,
} from "../fixtures/hardening/support.ts";

const HARDENING = new URL("../fixtures/hardening/", import.meta.url).pathname;

function hex(text: string): string {
  return [...new TextEncoder().encode(text)].map((byte) => byte.toString(16).padStart(2, "0"))
    .join("");
}

/** The adapter's command line behind a launcher that adds variables given as hex bytes. */
function withBytes(variables: Record<string, string>, ...rest: string[]): string[] {
  return [
    `${HARDENING}exec_with_bytes.py`,
    ...Object.entries(variables).map(([name, value]) => `${name}=${value}`),
    "--",
    Deno.execPath(),
    ...adapterArgs(),
    ...rest,
  ];
}

/** The environment `env_dump.py` wrote: hex of each name → hex of its value. */
function readDump(path: string): Record<string, string> {
  return JSON.parse(Deno.readTextFileSync(path));
}

// Variables the adapter's own service manager may have given it.
const INHERITED = {
  WATCHDOG_PID: "1",
  WATCHDOG_USEC: "999",
  LISTEN_PID: "1",
  LISTEN_FDS: "3",
  LISTEN_FDNAMES: "inherited",
};

Deno.test("run --: the child gets the environment byte for byte, less the adapter's own manager's variables", async () => {
  const dir = tempDir();
  const socket = `${dir.path}/notify.sock`;
  // A value with a stray byte, a lone continuation byte and an overlong "/"; a name with 0xff.
  const value = "61ff6280c0af";
  const name = "585f4eff414d45"; // X_N\xffAME
  try {
    for (const watchdog of [undefined, "30s"]) {
      const out = `${dir.path}/env-${watchdog}.json`;
      const adapter = await spawnAdapter({
        command: pythonForOthers(),
        args: withBytes(
          { [hex("X_VALUE")]: value, [name]: hex("value") },
          "run",
          "--",
          pythonForOthers(),
          `${HARDENING}env_dump.py`,
          out,
        ),
        env: {
          ...INHERITED,
          NOTIFY_SOCKET: socket,
          PLAIN: "plain",
          ...(watchdog === undefined ? {} : { ADAPTER_UNIT_WATCHDOG_SEC: watchdog }),
        },
        waitHealthy: false,
      });
      const exit = await exitedWithin(adapter, 8_000);
      assert.equal(exit.code, 0, exit.stderr);
      const dump = readDump(out);
      const seen = (key: string) => dump[key] ?? null;
      assert.deepEqual(
        {
          X_VALUE: seen(hex("X_VALUE")),
          [name]: seen(name),
          PLAIN: seen(hex("PLAIN")),
          NOTIFY_SOCKET: seen(hex("NOTIFY_SOCKET")),
          WATCHDOG_USEC: seen(hex("WATCHDOG_USEC")),
          WATCHDOG_PID: seen(hex("WATCHDOG_PID")),
          LISTEN_PID: seen(hex("LISTEN_PID")),
          LISTEN_FDS: seen(hex("LISTEN_FDS")),
          LISTEN_FDNAMES: seen(hex("LISTEN_FDNAMES")),
        },
        {
          X_VALUE: value,
          [name]: hex("value"),
          PLAIN: hex("plain"),
          NOTIFY_SOCKET: hex(socket),
          WATCHDOG_USEC: watchdog === undefined ? null : hex("30000000"),
          WATCHDOG_PID: null,
          LISTEN_PID: null,
          LISTEN_FDS: null,
          LISTEN_FDNAMES: null,
        },
        `ADAPTER_UNIT_WATCHDOG_SEC=${watchdog}`,
      );
    }
  } finally {
    dir.remove();
  }
});

Deno.test("config: ADAPTER_UNIT_WATCHDOG_SEC or NOTIFY_SOCKET that is not UTF-8 is refused with exit 2", async () => {
  const dir = tempDir();
  const socket = `${dir.path}/notify.sock`;
  const cases = [
    { variable: "ADAPTER_UNIT_WATCHDOG_SEC", bytes: `${hex("5s")}ff` },
    { variable: "NOTIFY_SOCKET", bytes: `${hex(`${dir.path}/a`)}ff${hex(".sock")}` },
  ];
  const results = [];
  try {
    for (const { variable, bytes } of cases) {
      const adapter = await spawnAdapter({
        command: pythonForOthers(),
        args: withBytes({ [hex(variable)]: bytes }),
        env: { NOTIFY_SOCKET: socket },
        waitHealthy: false,
      });
      const { exit, ran } = await startOutcome(adapter);
      const errors = errorRecords(exit.stderr);
      results.push({
        variable,
        ran,
        code: exit.code,
        errors: errors.map((record) => ({
          variable: record.variable,
          expected: record.expected,
          exitStatus: record.exitStatus,
        })),
        created: [...Deno.readDirSync(dir.path)].map((entry) => entry.name),
      });
    }
  } finally {
    dir.remove();
  }
  assert.deepEqual(
    results,
    cases.map(({ variable }) => ({
      variable,
      ran: false,
      code: 2,
      errors: [{
        variable,
        expected: "valid UTF-8 (the value holds bytes that are not)",
        exitStatus: 2,
      }],
      created: [],
    })),
  );
});

Deno.test("run --: ADAPTER_UNIT_WATCHDOG_SEC=0.4us is no watchdog: no WATCHDOG_USEC, no timeout", async () => {
  const dir = tempDir();
  const out = `${dir.path}/env.json`;
  const adapter = await spawnAdapter({
    args: ["run", "--", pythonForOthers(), `${HARDENING}env_dump.py`, out, "--wait"],
    env: { NOTIFY_SOCKET: `${dir.path}/notify.sock`, ADAPTER_UNIT_WATCHDOG_SEC: "0.4us" },
  });
  const timeouts = () =>
    adapter.logRecords().filter((record) =>
      record.event === "watchdog_timeout" || record.message === "Timer expired"
    );
  try {
    await adapter.waitFor(() => pathExists(out), "the child's environment");
    assert.equal(readDump(out)[hex("WATCHDOG_USEC")], undefined);
    await adapter.send("READY=1");
    await adapter.waitFor(
      () => withMessage(adapter, "Event").some((record) => record.event === "ready"),
      "READY=1 judged",
    );
    // A watchdog of 0 µs would fire at once; give it the time to show.
    await sleep(200);
    assert.deepEqual(timeouts(), []);
    assert.equal((await adapter.request("/livez")).status, 200);
    const { watchdog } = (await adapter.request("/status")).json;
    assert.equal(watchdog.enabled, false);
    const exit = await endWrapper(adapter);
    assert.equal(exit.code, 0, exit.stderr);
    assert.deepEqual(timeouts(), []);
  } finally {
    await endWrapper(adapter);
    dir.remove();
  }
});
