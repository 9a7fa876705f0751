// Wrapper mode supervises as systemd does (behaviour §9.3, §9.5): the watchdog signal, the abort
// timeout, and the termination message Kubernetes shows, with real children.
import assert from "node:assert/strict";
import {
  type AdapterProcess,
  spawnAdapter,
  startTaskArgs,
  tempDir,
} from "../helpers/adapter_process.ts";
import { needs } from "../helpers/tools.ts";

const HANGING = new URL("../fixtures/hanging_service.py", import.meta.url).pathname;

interface Run {
  readonly adapter: AdapterProcess;
  /** The signals the service recorded, and its "ready"/"hung" marks. */
  readonly recorded: () => string[];
  /** The termination message file's text. */
  readonly message: () => string;
  readonly remove: () => void;
}

/** Wraps `command` (default: the hanging service) with a termination message file. */
async function supervise(
  env: Record<string, string>,
  command?: (record: string) => string[],
  waitHealthy = true,
): Promise<Run> {
  const dir = tempDir();
  const record = `${dir.path}/record`;
  const messagePath = `${dir.path}/termination-log`;
  Deno.writeTextFileSync(messagePath, "");
  const adapter = await spawnAdapter({
    args: ["run", "--", ...(command?.(record) ?? ["python3", HANGING, record])],
    env: { ADAPTER_TERMINATION_MESSAGE_PATH: messagePath, ADAPTER_ECHO: "false", ...env },
    waitHealthy,
  });
  const read = (path: string) => {
    try {
      return Deno.readTextFileSync(path);
    } catch {
      return "";
    }
  };
  return {
    adapter,
    recorded: () => read(record).split("\n").filter((line) => line !== ""),
    message: () => read(messagePath),
    remove: () => dir.remove(),
  };
}

const records = (adapter: AdapterProcess, message: string) =>
  adapter.logRecords().filter((record) => record.message === message);

Deno.test(
  "run --: a hung service gets SIGABRT at the watchdog timeout; the adapter exits 134",
  needs("systemd", "python3", "util-linux"),
  async () => {
    const run = await supervise({ ADAPTER_UNIT_WATCHDOG_SEC: "400ms" });
    try {
      const exit = await run.adapter.exited();
      assert.equal(exit.code, 134, exit.stderr);
      assert.deepEqual(run.recorded(), ["ready", "hung", "SIGABRT"]);
      assert.deepEqual(
        records(run.adapter, "Aborting child").map(({ signal, reason }) => ({ signal, reason })),
        [{ signal: "SIGABRT", reason: "watchdog_timeout" }],
      );
      assert.equal(
        run.message(),
        "watchdog timeout: no WATCHDOG=1 within 400ms; the service was sent SIGABRT and ended " +
          "by SIGABRT (exit status 134)\nstatus: pinging\n",
      );
    } finally {
      run.remove();
    }
  },
);

Deno.test(
  "run --: WATCHDOG=trigger aborts the service as a timeout does",
  needs("systemd", "python3", "util-linux"),
  async () => {
    const run = await supervise(
      { ADAPTER_UNIT_WATCHDOG_SEC: "1h" },
      (record) => ["python3", HANGING, record, "--trigger"],
    );
    try {
      const exit = await run.adapter.exited();
      assert.equal(exit.code, 134, exit.stderr);
      assert.deepEqual(run.recorded(), ["ready", "hung", "SIGABRT"]);
      assert.equal(
        run.message(),
        "watchdog triggered by the service (WATCHDOG=trigger); the service was sent SIGABRT and " +
          "ended by SIGABRT (exit status 134)\nstatus: pinging\n",
      );
    } finally {
      run.remove();
    }
  },
);

Deno.test(
  "run --: ADAPTER_WATCHDOG_SIGNAL=none leaves the hung service running with /livez 503",
  needs("systemd", "python3", "util-linux"),
  async () => {
    const run = await supervise({
      ADAPTER_UNIT_WATCHDOG_SEC: "300ms",
      ADAPTER_WATCHDOG_SIGNAL: "none",
    });
    try {
      await run.adapter.waitFor(
        () => run.adapter.logRecords().some((record) => record.event === "watchdog_timeout"),
        "the watchdog timeout",
      );
      assert.equal((await run.adapter.request("/livez")).status, 503);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual(run.recorded(), ["ready", "hung"]);
      assert.deepEqual(records(run.adapter, "Aborting child"), []);
      // Kubernetes stops it as usual: SIGTERM, forwarded; the service exits 0.
      const exit = await run.adapter.stop("SIGTERM");
      assert.equal(exit.code, 0, exit.stderr);
      assert.deepEqual(run.recorded(), ["ready", "hung", "SIGTERM"]);
      assert.equal(
        run.message(),
        "the service exited with status 0\nwatchdog timeout: no WATCHDOG=1 within 300ms\n" +
          "status: pinging\n",
      );
    } finally {
      run.remove();
    }
  },
);

Deno.test(
  "run --: a service that ignores SIGABRT is killed after ADAPTER_TIMEOUT_ABORT_SEC",
  needs("systemd", "python3", "util-linux"),
  async () => {
    const run = await supervise(
      { ADAPTER_UNIT_WATCHDOG_SEC: "300ms", ADAPTER_TIMEOUT_ABORT_SEC: "400ms" },
      (record) => ["python3", HANGING, record, "--ignore-abort"],
    );
    try {
      const exit = await run.adapter.exited();
      assert.equal(exit.code, 137, exit.stderr);
      assert.deepEqual(run.recorded(), ["ready", "hung", "SIGABRT"]);
      const aborted = records(run.adapter, "Aborting child")[0];
      const killed = records(run.adapter, "Killing child")[0];
      assert.equal(killed.signal, "SIGKILL");
      const waited = Date.parse(String(killed.timestamp)) - Date.parse(String(aborted.timestamp));
      assert.ok(waited >= 395 && waited < 1_500, `SIGKILL ${waited} ms after SIGABRT`);
      assert.equal(
        run.message(),
        "watchdog timeout: no WATCHDOG=1 within 300ms; the service was sent SIGABRT and ended " +
          "by SIGKILL (exit status 137)\nstatus: pinging\n",
      );
    } finally {
      run.remove();
    }
  },
);

Deno.test(
  "run --: the termination message says how the service ended: exit, crash, start timeout",
  needs("systemd", "python3", "util-linux"),
  async () => {
    const cases: [string, Record<string, string>, string[], number, string][] = [
      ["a clean exit", {}, ["sh", "-c", "exit 0"], 0, "the service exited with status 0\n"],
      [
        "a crash",
        {},
        ["sh", "-c", "kill -SEGV $$"],
        139,
        "the service ended by SIGSEGV (exit status 139)\n",
      ],
      [
        "a start timeout",
        { ADAPTER_UNIT_TIMEOUT_START_SEC: "200ms" },
        ["sh", "-c", "sleep 0.6; exit 3"],
        3,
        "the service exited with status 3\nstart timeout: no READY=1 within 200ms\n",
      ],
      [
        "a command that is not there",
        {},
        ["/nonexistent/service"],
        127,
        'the service did not start: Cannot start COMMAND "/nonexistent/service": not found ' +
        "(Failed to spawn '/nonexistent/service': No such file or directory (os error 2))\n",
      ],
    ];
    await Promise.all(cases.map(async ([what, env, command, status, message]) => {
      const run = await supervise(env, () => command, false);
      try {
        const exit = await run.adapter.exited();
        assert.equal(exit.code, status, `${what}: ${exit.stderr}`);
        assert.equal(run.message(), message, what);
      } finally {
        run.remove();
      }
    }));
  },
);

Deno.test(
  "run --: a termination message that cannot be written is one warning, nothing more",
  needs("systemd", "python3", "util-linux"),
  async () => {
    const dir = tempDir();
    const path = `${dir.path}/missing/termination-log`;
    try {
      const adapter = await spawnAdapter({
        args: ["run", "--", "sh", "-c", "exit 4"],
        env: { ADAPTER_TERMINATION_MESSAGE_PATH: path },
        waitHealthy: false,
      });
      const exit = await adapter.exited();
      assert.equal(exit.code, 4, exit.stderr);
      const warnings = records(adapter, "Termination message not written");
      assert.equal(warnings.length, 1, exit.stderr);
      assert.equal(warnings[0].level, "warning");
      assert.equal(warnings[0].path, path);
      assert.equal(warnings[0].error, "cannot open: ENOENT");
    } finally {
      dir.remove();
    }
  },
);

Deno.test(
  "sidecar: a watchdog timeout signals nobody and writes no termination message",
  needs("systemd", "python3", "util-linux"),
  async () => {
    const dir = tempDir();
    const messagePath = `${dir.path}/termination-log`;
    Deno.writeTextFileSync(messagePath, "");
    try {
      const adapter = await spawnAdapter({
        env: { ADAPTER_UNIT_WATCHDOG_SEC: "200ms", ADAPTER_TERMINATION_MESSAGE_PATH: messagePath },
      });
      await adapter.send("READY=1");
      await adapter.waitFor(
        () => adapter.logRecords().some((record) => record.event === "watchdog_timeout"),
        "the watchdog timeout",
      );
      const exit = await adapter.stop("SIGTERM");
      assert.equal(exit.code, 0);
      assert.deepEqual(records(adapter, "Aborting child"), []);
      assert.equal(Deno.readTextFileSync(messagePath), "");
    } finally {
      dir.remove();
    }
  },
);

Deno.test(
  "run --: what the service sent just before it exited counts",
  needs("systemd", "python3", "util-linux"),
  async () => {
    // sd_notify, then exit at once: the datagram may still be queued when the exit is seen.
    const lastWords = [
      "python3",
      "-c",
      'import ctypes, sys; ctypes.CDLL("libsystemd.so.0").sd_notify(0, b"STATUS=last words\\nERRNO=5"); sys.exit(3)',
    ];
    const runs = await Promise.all(
      Array.from({ length: 5 }, () => supervise({}, () => lastWords, false)),
    );
    try {
      for (const run of runs) {
        const exit = await run.adapter.exited();
        assert.equal(exit.code, 3, exit.stderr);
        assert.equal(
          run.message(),
          "the service exited with status 3\nstatus: last words\nerrno: 5 (EIO)\n",
        );
      }
    } finally {
      for (const run of runs) run.remove();
    }
  },
);

// Inside a private mount namespace, /dev becomes a tmpfs with the devices Deno needs and an
// empty termination-log, as kubelet bind-mounts one: the default path is written, although Deno
// 2.9.6 opens nothing under /dev without --allow-all (libc does it).
const DEV_SCRIPT = `
set -e
host_dev=$(mktemp -d)
mount --bind /dev "$host_dev"
mount -t tmpfs tmpfs /dev
for device in null zero random urandom; do
  touch /dev/$device && mount --bind "$host_dev/$device" /dev/$device
done
: > /dev/termination-log
"$@" && status=0 || status=$?
printf '%s\\n' "exit $status"
cat /dev/termination-log
umount /dev "$host_dev" 2>/dev/null || true
rmdir "$host_dev" 2>/dev/null || true
`;

Deno.test(
  "run --: the default /dev/termination-log is written, though Deno opens nothing under /dev",
  needs("systemd", "python3", "util-linux"),
  async () => {
    const output = await new Deno.Command("unshare", {
      args: [
        "--mount",
        "--propagation",
        "private",
        "sh",
        "-c",
        DEV_SCRIPT,
        "sh",
        Deno.execPath(),
        ...startTaskArgs(),
        "run",
        "--",
        "sh",
        "-c",
        "exit 3",
      ],
      cwd: new URL("../../", import.meta.url).pathname,
      env: { NOTIFY_SOCKET: `@sd-notify-adapter-test-${crypto.randomUUID()}`, ADAPTER_PORT: "0" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, stderr);
    assert.equal(
      new TextDecoder().decode(output.stdout),
      "exit 3\nthe service exited with status 3\n",
    );
    assert.ok(!stderr.includes("Termination message not written"), stderr);
  },
);
