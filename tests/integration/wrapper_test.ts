import assert from "node:assert/strict";
import { type AdapterProcess, spawnAdapter, tempDir } from "../helpers/adapter_process.ts";
import { needs } from "../helpers/tools.ts";

const FIXTURES = new URL("../fixtures/", import.meta.url).pathname;

/** `sd-notify-adapter run -- command…` with a path socket in `dir`, so its removal shows. */
function wrap(
  command: readonly string[],
  dir: string,
  env: Record<string, string> = {},
  waitHealthy = true,
): Promise<AdapterProcess> {
  return spawnAdapter({
    args: ["run", "--", ...command],
    env: { NOTIFY_SOCKET: `${dir}/notify.sock`, ...env },
    waitHealthy,
  });
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function readText(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return "";
  }
}

/** The lines the service fixture recorded, without its first line (its PID). */
function recorded(path: string): string[] {
  return readText(path).split("\n").filter((line) => line !== "" && !line.startsWith("pid "));
}

function shutdownRecords(adapter: AdapterProcess) {
  return adapter.logRecords()
    .filter((record) => record.message === "Shutting down")
    .map(({ reason, exitStatus }) => ({ reason, exitStatus }));
}

function probeChanges(adapter: AdapterProcess) {
  return adapter.logRecords()
    .filter((record) => record.message === "Probe state changed")
    .map(({ probe, from, to }) => `${probe} ${from}->${to}`);
}

Deno.test(
  "run --: READY=1 from the child turns /readyz 200; signals reach it; its status ends the adapter",
  needs("systemd", "python3"),
  async () => {
    const dir = tempDir();
    const record = `${dir.path}/signals`;
    const adapter = await wrap(["python3", `${FIXTURES}service.py`, record], dir.path);
    try {
      await adapter.waitFor(
        async () => (await adapter.request("/readyz")).status === 200,
        "/readyz 200",
      );
      assert.equal((await adapter.request("/livez")).status, 200);
      const forwarded: Deno.Signal[] = ["SIGHUP", "SIGINT", "SIGQUIT", "SIGUSR1", "SIGUSR2"];
      for (const signal of forwarded) {
        adapter.child.kill(signal);
        await adapter.waitFor(
          () => recorded(record).includes(signal),
          `the child to get ${signal}`,
        );
      }
      // None of them stopped the adapter: its child decides.
      assert.equal((await adapter.request("/healthz")).status, 200);
      assert.equal((await adapter.request("/readyz")).status, 200);
      const exit = await adapter.stop("SIGTERM");
      assert.deepEqual(recorded(record), ["ready", ...forwarded, "SIGTERM"]);
      assert.equal(exit.code, 0);
      assert.equal(exit.stdout, "READY=1\nSTATUS=serving\n");
      assert.deepEqual(shutdownRecords(adapter), [
        { reason: "child exited with status 0", exitStatus: 0 },
      ]);
      assert.deepEqual(probeChanges(adapter), [
        "healthz false->true",
        "livez false->true",
        "readyz false->true",
        "livez true->false",
        "readyz true->false",
        "healthz true->false",
      ]);
      assert.equal(exists(`${dir.path}/notify.sock`), false);
    } finally {
      await adapter.stop("SIGKILL");
      dir.remove();
    }
  },
);

Deno.test(
  "run --: the child's exit status is the adapter's, its stdout and stderr pass through",
  needs("systemd", "python3"),
  async () => {
    const dir = tempDir();
    try {
      for (const status of [0, 7]) {
        const adapter = await wrap(
          ["sh", `${FIXTURES}exit_with.sh`, String(status)],
          dir.path,
          { ADAPTER_ECHO: "false" },
          false,
        );
        const exit = await adapter.exited();
        assert.equal(exit.code, status);
        assert.equal(exit.stdout, `exit_with.sh: exiting with ${status}\n`);
        assert.match(exit.stderr, /^exit_with\.sh: on stderr$/m);
        assert.deepEqual(shutdownRecords(adapter), [
          { reason: `child exited with status ${status}`, exitStatus: status },
        ]);
        // A child that is gone is not signalled again.
        assert.deepEqual(adapter.logRecords().filter((r) => r.message === "Stopping child"), []);
        assert.equal(exists(`${dir.path}/notify.sock`), false);
      }
    } finally {
      dir.remove();
    }
  },
);

Deno.test(
  "run --: a child killed by a signal gives 128 + its number",
  needs("systemd", "python3"),
  async () => {
    const dir = tempDir();
    try {
      for (const [signal, status] of [["KILL", 137], ["USR1", 138]] as const) {
        const adapter = await wrap(
          ["sh", `${FIXTURES}exit_with.sh`, "signal", signal],
          dir.path,
          {},
          false,
        );
        const exit = await adapter.exited();
        assert.equal(exit.code, status);
        assert.deepEqual(shutdownRecords(adapter), [
          { reason: `child killed by SIG${signal}`, exitStatus: status },
        ]);
      }
      // SIGTERM forwarded to a child that does not handle it.
      const adapter = await wrap(["sleep", "60"], dir.path);
      const exit = await adapter.stop("SIGTERM");
      assert.equal(exit.code, 143);
      assert.deepEqual(shutdownRecords(adapter), [
        { reason: "child killed by SIGTERM", exitStatus: 143 },
      ]);
    } finally {
      dir.remove();
    }
  },
);

Deno.test(
  "run --: the child gets WATCHDOG_USEC and sd_watchdog_enabled() reports it",
  needs("systemd", "python3"),
  async () => {
    const dir = tempDir();
    // A watchdog of the adapter's own parent must not leak into the child.
    const inherited = { WATCHDOG_PID: "1", WATCHDOG_USEC: "999" };
    try {
      const cases = [
        { ADAPTER_UNIT_WATCHDOG_SEC: "1.5", enabled: 1, usec: 1_500_000, text: "1500000" },
        { ADAPTER_UNIT_WATCHDOG_SEC: "0", enabled: 0, usec: 0, text: null },
      ];
      for (const { ADAPTER_UNIT_WATCHDOG_SEC, enabled, usec, text } of cases) {
        const adapter = await wrap(
          ["python3", `${FIXTURES}watchdog_enabled.py`],
          dir.path,
          { ...inherited, ADAPTER_UNIT_WATCHDOG_SEC, ADAPTER_ECHO: "false" },
          false,
        );
        const exit = await adapter.exited();
        assert.equal(exit.code, 0);
        assert.deepEqual(JSON.parse(exit.stdout), {
          enabled,
          usec,
          WATCHDOG_USEC: text,
          WATCHDOG_PID: null,
          NOTIFY_SOCKET: `${dir.path}/notify.sock`,
        });
      }
    } finally {
      dir.remove();
    }
  },
);

Deno.test(
  "run --: a command that cannot start gives 127 or 126, a message naming it, no socket",
  needs("systemd", "python3"),
  async () => {
    const dir = tempDir();
    const notExecutable = `${dir.path}/not-executable`;
    Deno.writeTextFileSync(notExecutable, "#!/bin/sh\n", { mode: 0o644 });
    try {
      const cases = [
        { command: "sd-notify-adapter-no-such-command", status: 127, what: "not found in PATH" },
        { command: `${dir.path}/missing`, status: 127, what: "not found" },
        { command: notExecutable, status: 126, what: "not executable" },
      ];
      for (const { command, status, what } of cases) {
        for (const log of ["true", "false"]) {
          const adapter = await wrap([command, "arg"], dir.path, { ADAPTER_LOG: log }, false);
          const exit = await adapter.exited();
          assert.equal(exit.code, status);
          const errors = adapter.logRecords().filter((record) => record.level === "error");
          assert.equal(errors.length, 1);
          assert.ok(
            String(errors[0].message).startsWith(
              `Cannot start COMMAND ${JSON.stringify(command)}: ${what} (`,
            ),
            String(errors[0].message),
          );
          assert.equal(errors[0].exitStatus, status);
          assert.equal(exists(`${dir.path}/notify.sock`), false);
        }
      }
    } finally {
      dir.remove();
    }
  },
);

Deno.test(
  "run --: when the adapter stops on its own, the child gets SIGTERM, then SIGKILL",
  needs("systemd", "python3"),
  async () => {
    const dir = tempDir();
    try {
      for (const ignoreTerm of [false, true]) {
        const record = `${dir.path}/signals-${ignoreTerm}`;
        const adapter = await wrap(
          ["python3", `${FIXTURES}service.py`, record, ...(ignoreTerm ? ["--ignore-term"] : [])],
          dir.path,
          { ADAPTER_STATUS_SHUTDOWN: "ready" },
          false,
        );
        const exit = await adapter.exited();
        // The shutdown event's status wins over whatever the stopped child says.
        assert.equal(exit.code, 0);
        assert.deepEqual(recorded(record), ["ready", "SIGTERM"]);
        const stops = adapter.logRecords()
          .filter((record) => record.message === "Stopping child")
          .map((record) => record.signal);
        assert.deepEqual(stops, ignoreTerm ? ["SIGTERM", "SIGKILL"] : ["SIGTERM"]);
        const pid = Number(readText(record).match(/^pid (\d+)$/m)?.[1]);
        assert.equal(exists(`/proc/${pid}`), false);
        assert.deepEqual(shutdownRecords(adapter), [{ reason: "event ready", exitStatus: 0 }]);
      }
    } finally {
      dir.remove();
    }
  },
);

// Signals that never end the child: those whose default action ignores or stops a process, and
// glibc's two internal real-time signals (32, 33), which glibc's posix_spawn (Deno's way to
// start a process) hands to the child ignored, and which a glibc program cannot reset.
const NOT_ENDING = new Set([17, 18, 19, 20, 21, 22, 23, 28, 32, 33]);
const KILL_ITSELF = [
  "import os, signal, sys",
  "n = int(sys.argv[1])",
  "try:\n    signal.signal(n, signal.SIG_DFL)\nexcept (OSError, ValueError, RuntimeError):\n    pass",
  "os.kill(os.getpid(), n)",
].join("\n");

Deno.test(
  "run --: a child ended by any signal from 1 to 64 gives 128 + n, named in the log and message",
  needs("systemd", "python3"),
  async () => {
    const dir = tempDir();
    const numbers = Array.from({ length: 64 }, (_, i) => i + 1).filter((n) => !NOT_ENDING.has(n));
    try {
      const endOne = async (n: number) => {
        const message = `${dir.path}/message-${n}`;
        Deno.writeTextFileSync(message, "");
        const adapter = await spawnAdapter({
          args: ["run", "--", "python3", "-c", KILL_ITSELF, String(n)],
          env: {
            NOTIFY_SOCKET: `${dir.path}/notify-${n}.sock`,
            ADAPTER_TERMINATION_MESSAGE_PATH: message,
          },
          waitHealthy: false,
        });
        // An adapter that hangs (the old failure) is killed, and fails the test instead.
        const timer = setTimeout(() => adapter.stop("SIGKILL"), 15_000);
        const exit = await adapter.exited();
        clearTimeout(timer);
        const ended = adapter.logRecords().find((record) => record.message === "Child exited");
        return { n, code: exit.code, signal: ended?.signal, text: readText(message) };
      };
      const results = [];
      // Four at a time: each is a whole adapter start.
      for (let i = 0; i < numbers.length; i += 4) {
        results.push(...await Promise.all(numbers.slice(i, i + 4).map(endOne)));
      }
      for (const { n, code, signal, text } of results) {
        assert.equal(code, 128 + n, `signal ${n}`);
        assert.equal(typeof signal, "string", `signal ${n}`);
        assert.equal(
          text,
          `the service ended by ${signal} (exit status ${128 + n})\n`,
          `signal ${n}`,
        );
      }
      const names = Object.fromEntries(results.map(({ n, signal }) => [n, signal]));
      assert.deepEqual([names[6], names[15], names[34], names[36], names[64]], [
        "SIGABRT",
        "SIGTERM",
        "SIGRTMIN",
        "SIGRTMIN+2",
        "SIGRTMAX",
      ]);
    } finally {
      dir.remove();
    }
  },
);
