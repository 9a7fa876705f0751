// Wrapper mode supervises as systemd does (behaviour §9.3, §9.5): the watchdog signal, the abort
// timeout, and the termination message Kubernetes shows, with real children.
import assert from "node:assert/strict";
import {
  adapterArgs,
  type AdapterProcess,
  pathExists,
  spawnAdapter,
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

function run(command: string, ...args: string[]) {
  const output = new Deno.Command(command, { args, stderr: "piped" }).outputSync();
  assert.equal(output.code, 0, `${command}: ${new TextDecoder().decode(output.stderr)}`);
}

/** A file the message must not go to: makes it under `dir`, returns its path and the reason. */
type BadFile = (dir: string, outside: string) => { path: string; error: string };

const BAD_FILES: Record<string, BadFile> = {
  "a missing directory": (dir) => ({
    path: `${dir}/missing/termination-log`,
    error: `cannot open the directory ${dir}/missing: ENOENT`,
  }),
  "a directory on the path that is a link elsewhere": (dir, outside) => {
    Deno.symlinkSync(outside, `${dir}/linked`);
    return {
      path: `${dir}/linked/termination-log`,
      error: `a directory on the path is a symbolic link: ${dir}/linked`,
    };
  },
  "a dangling link": (dir) => {
    Deno.symlinkSync(`${dir}/nowhere`, `${dir}/termination-log`);
    return { path: `${dir}/termination-log`, error: "is a symbolic link" };
  },
  "a FIFO nobody reads": (dir) => {
    run("mkfifo", `${dir}/termination-log`);
    return { path: `${dir}/termination-log`, error: "is a FIFO, not a regular file" };
  },
  "a directory": (dir) => {
    Deno.mkdirSync(`${dir}/termination-log`);
    return { path: `${dir}/termination-log`, error: "is a directory, not a regular file" };
  },
  "a character device": (dir) => {
    run("mknod", `${dir}/termination-log`, "c", "1", "3");
    return { path: `${dir}/termination-log`, error: "is a character device, not a regular file" };
  },
};

Deno.test(
  "run --: a file the termination message must not go to is one warning, the service's status, at once",
  needs("systemd", "python3", "util-linux"),
  async () => {
    // allSettled: every case cleans up its directories before a failure is reported.
    const outcomes = await Promise.allSettled(
      Object.entries(BAD_FILES).map(async ([what, make]) => {
        const dir = tempDir();
        const outside = tempDir("/var/lib");
        const target = `${outside.path}/termination-log`;
        Deno.writeTextFileSync(target, "keep");
        try {
          const { path, error } = make(dir.path, outside.path);
          const started = Date.now();
          const adapter = await spawnAdapter({
            args: ["run", "--", "sh", "-c", "exit 4"],
            env: { ADAPTER_TERMINATION_MESSAGE_PATH: path },
            waitHealthy: false,
          });
          const exit = await adapter.exited();
          const elapsedMs = Date.now() - started;
          assert.equal(exit.code, 4, `${what}: ${exit.stderr}`);
          assert.ok(elapsedMs < 10_000, `${what}: ${elapsedMs} ms`);
          assert.deepEqual(
            records(adapter, "Termination message not written").map((record) => ({
              level: record.level,
              path: record.path,
              error: record.error,
            })),
            [{ level: "warning", path, error }],
            what,
          );
          assert.equal(Deno.readTextFileSync(target), "keep", what);
        } finally {
          dir.remove();
          outside.remove();
        }
      }),
    );
    for (const outcome of outcomes) if (outcome.status === "rejected") throw outcome.reason;
  },
);

Deno.test(
  "run --, sidecar: a termination message path outside the permission set exits 2, nothing run or written",
  needs("systemd", "python3", "util-linux"),
  async () => {
    const outside = tempDir("/var/lib");
    const path = `${outside.path}/termination-log`;
    Deno.writeTextFileSync(path, "keep");
    const marker = `${outside.path}/service-ran`;
    try {
      for (const args of [["run", "--", "touch", marker], []]) {
        const adapter = await spawnAdapter({
          args,
          env: { ADAPTER_TERMINATION_MESSAGE_PATH: path },
          waitHealthy: false,
        });
        const exit = await adapter.exited();
        const mode = args.length === 0 ? "sidecar" : "wrapper";
        assert.equal(exit.code, 2, `${mode}: ${exit.stderr}`);
        const errors = adapter.logRecords().map(({ timestamp: _, ...record }) => record);
        assert.deepEqual(errors, [{
          level: "error",
          message: `Cannot use ADAPTER_TERMINATION_MESSAGE_PATH ${JSON.stringify(path)}: the ` +
            "adapter may write only /dev/termination-log or a file under /run, /var/run or /tmp",
          variable: "ADAPTER_TERMINATION_MESSAGE_PATH",
          value: path,
          exitStatus: 2,
        }], mode);
        assert.equal(Deno.readTextFileSync(path), "keep", mode);
        assert.equal(pathExists(marker), false, mode);
      }
    } finally {
      outside.remove();
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

/**
 * Runs `script` with `sh` in a private mount namespace of its own (unshare); the script runs
 * "$@", the adapter in wrapper mode around `service`, with `env`.
 */
async function inMountNamespace(
  script: string,
  service: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command("unshare", {
    args: [
      "--mount",
      "--propagation",
      "private",
      "sh",
      "-c",
      script,
      "sh",
      Deno.execPath(),
      ...adapterArgs(),
      "run",
      "--",
      ...service,
    ],
    cwd: new URL("../../", import.meta.url).pathname,
    env: {
      NOTIFY_SOCKET: `@sd-notify-adapter-test-${crypto.randomUUID()}`,
      ADAPTER_PORT: "0",
      ...env,
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

Deno.test(
  "run --: the default /dev/termination-log is written, though Deno opens nothing under /dev",
  needs("systemd", "python3", "util-linux"),
  async () => {
    const output = await inMountNamespace(DEV_SCRIPT, ["sh", "-c", "exit 3"]);
    assert.equal(output.code, 0, output.stderr);
    assert.equal(output.stdout, "exit 3\nthe service exited with status 3\n");
    assert.ok(!output.stderr.includes("Termination message not written"), output.stderr);
  },
);

// A termination-log on a file system mounted read-only, in the namespace only.
const READ_ONLY_SCRIPT = `
set -e
mount -t tmpfs -o size=64k tmpfs "$MESSAGE_DIR"
printf 'keep' > "$MESSAGE_DIR/termination-log"
mount -o remount,ro "$MESSAGE_DIR"
"$@" && status=0 || status=$?
printf '%s\\n' "exit $status"
cat "$MESSAGE_DIR/termination-log"
`;

Deno.test(
  "run --: a termination-log on a read-only mount is one warning, the service's status",
  needs("systemd", "python3", "util-linux"),
  async () => {
    const dir = tempDir();
    const path = `${dir.path}/termination-log`;
    try {
      const output = await inMountNamespace(READ_ONLY_SCRIPT, ["sh", "-c", "exit 5"], {
        MESSAGE_DIR: dir.path,
        ADAPTER_TERMINATION_MESSAGE_PATH: path,
      });
      assert.equal(output.code, 0, output.stderr);
      assert.equal(output.stdout, "exit 5\nkeep");
      const warnings = output.stderr.split("\n").filter((line) => line !== "")
        .map((line) => JSON.parse(line))
        .filter((record) => record.message === "Termination message not written")
        .map(({ level, path, error }) => ({ level, path, error }));
      assert.deepEqual(warnings, [{ level: "warning", path, error: "cannot open: EROFS" }]);
    } finally {
      dir.remove();
    }
  },
);
