// The main process, followed by the real adapter (behaviour §11), with real processes: one that
// sends MAINPID=$$ and is killed with SIGKILL, a MAINPID= for a PID that does not exist, a PID
// given again to another process before the adapter looks, a PID file replaced while it is
// read, and wrapper mode's forking service.
import assert from "node:assert/strict";
import {
  adapterArgs,
  type AdapterProcess,
  spawnAdapter,
  tempDir,
} from "../helpers/adapter_process.ts";
import { needs } from "../helpers/tools.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

const records = (adapter: AdapterProcess, message: string) =>
  adapter.logRecords().filter((record) => record.message === message);

async function status(adapter: AdapterProcess, path: string): Promise<number> {
  return (await adapter.request(path)).status;
}

/** Milliseconds until `path` answers `want`, polled every 10 ms; fails after `timeoutMs`. */
async function msUntil(adapter: AdapterProcess, path: string, want: number, timeoutMs = 5_000) {
  const since = performance.now();
  await adapter.waitFor(
    async () => await status(adapter, path) === want,
    `${path} ${want}`,
    timeoutMs,
  );
  return performance.now() - since;
}

/** Starts `sh -c script` with the adapter's NOTIFY_SOCKET; `stdout` piped when asked. */
function shell(adapter: AdapterProcess, script: string, stdout: "piped" | "null" = "null") {
  return new Deno.Command("sh", {
    args: ["-c", script],
    env: { NOTIFY_SOCKET: adapter.notifySocket },
    stdin: "piped",
    stdout,
    stderr: "null",
  }).spawn();
}

async function killQuietly(child: Deno.ChildProcess) {
  try {
    child.kill("SIGKILL");
  } catch {
    // Already gone.
  }
  await child.status;
}

/** The next line a process writes on its piped stdout. */
async function lineOf(reader: ReadableStreamDefaultReader<string>): Promise<string> {
  const { value, done } = await reader.read();
  assert.ok(!done, "a line");
  return value!;
}

function lines(child: Deno.ChildProcess): ReadableStreamDefaultReader<string> {
  let buffered = "";
  return child.stdout.pipeThrough(new TextDecoderStream()).pipeThrough(
    new TransformStream<string, string>({
      transform(chunk, controller) {
        buffered += chunk;
        const parts = buffered.split("\n");
        buffered = parts.pop()!;
        for (const part of parts) controller.enqueue(part);
      },
    }),
  ).getReader();
}

Deno.test(
  "sidecar: a service that sent MAINPID=$$ is killed with SIGKILL: /readyz 503 within 1 s, 200 again at the new instance's READY=1",
  needs("systemd"),
  async () => {
    const adapter = await spawnAdapter({
      env: { ADAPTER_UNIT_WATCHDOG_SEC: "10s", ADAPTER_ECHO: "false" },
    });
    // systemd-notify --pid=$$ names the shell, which exec's sleep: the same process.
    const script = "systemd-notify --pid=$$ --ready && exec sleep 600";
    let service = shell(adapter, script);
    try {
      await msUntil(adapter, "/readyz", 200);
      const followed = (await adapter.request("/status")).json.mainProcess;
      assert.deepEqual(followed, { pid: service.pid, origin: "MAINPID", exits: 0 });

      service.kill("SIGKILL");
      const toNotReady = await msUntil(adapter, "/readyz", 503);
      assert.equal(await status(adapter, "/livez"), 503);
      // The target: within 1 s of the death (0.25 s polling), here bounded at 5 s.
      console.log(`SIGKILL → /readyz 503 in ${toNotReady.toFixed(0)} ms`);
      const body = (await adapter.request("/status")).json;
      assert.deepEqual(body.mainProcess, { pid: null, origin: null, exits: 1 });
      assert.equal(body.startTimer.pending, true);
      assert.equal(body.watchdog.armed, false);
      assert.match(
        (await adapter.request("/metrics")).text,
        /^sd_notify_adapter_events_total\{event="main_exited"\} 1$/m,
      );
      await adapter.waitFor(() => records(adapter, "Main process exited").length === 1, "record");
      assert.deepEqual(
        records(adapter, "Main process exited").map(({ level, pid, origin }) => [
          level,
          pid,
          origin,
        ]),
        [["warning", service.pid, "MAINPID"]],
      );
      await service.status;

      // The container restarts: a new instance, a new PID, its own READY=1.
      service = shell(adapter, script);
      await msUntil(adapter, "/readyz", 200);
      assert.equal(await status(adapter, "/livez"), 200);
      const again = (await adapter.request("/status")).json;
      assert.deepEqual(again.mainProcess, { pid: service.pid, origin: "MAINPID", exits: 1 });
      assert.equal(again.startTimer.pending, false);
      assert.equal(again.watchdog.armed, true);
    } finally {
      await killQuietly(service);
      await adapter.stop();
    }
  },
);

Deno.test(
  "sidecar: a MAINPID= for a PID that does not exist is one warning saying what to set, and nothing else changes",
  async () => {
    const adapter = await spawnAdapter({ env: { ADAPTER_ECHO: "false" } });
    try {
      // Above any pid_max Linux allows: no process has it, as a PID from another namespace.
      await adapter.send("MAINPID=2147483647\nREADY=1");
      await msUntil(adapter, "/readyz", 200);
      await adapter.waitFor(
        () => records(adapter, "Main process not followed").length === 1,
        "the warning",
      );
      await adapter.send("MAINPID=2147483646");
      await adapter.waitFor(
        () => records(adapter, "Main process not followed").length === 2,
        "the second record",
      );
      const [first, second] = records(adapter, "Main process not followed");
      assert.deepEqual(
        { ...first, timestamp: undefined },
        {
          timestamp: undefined,
          level: "warning",
          message: "Main process not followed",
          pid: 2147483647,
          origin: "MAINPID",
          reason: "no process 2147483647 is in the adapter's PID namespace",
          fix: "share the Pod's PID namespace with the service: " +
            "shareProcessNamespace: true in the Pod spec",
        },
      );
      assert.equal(second.level, "info");
      // Today's behaviour: still live and ready, a second later too.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      assert.equal(await status(adapter, "/readyz"), 200);
      assert.equal(await status(adapter, "/livez"), 200);
      assert.deepEqual((await adapter.request("/status")).json.mainProcess, {
        pid: null,
        origin: null,
        exits: 0,
      });
    } finally {
      await adapter.stop();
    }
  },
);

Deno.test(
  "sidecar: the main process's PID given to a new process before the adapter looks is still seen to end (a pidfd, not the number)",
  needs("util-linux"),
  async () => {
    // A PID namespace of the adapter's own, where the test may choose the next PID
    // (/proc/sys/kernel/ns_last_pid, as CRIU does): the adapter is its PID 1.
    const adapter = await spawnAdapter({
      command: "unshare",
      args: ["--pid", "--fork", "--kill-child=SIGTERM", Deno.execPath(), ...adapterArgs()],
      env: { ADAPTER_ECHO: "false" },
    });
    const inside = Number(
      Deno.readTextFileSync(`/proc/${adapter.child.pid}/task/${adapter.child.pid}/children`)
        .trim(),
    );
    // In the adapter's namespace: a service, then, on "go", its SIGKILL and a new process given
    // the same PID at once, well within the adapter's 0.25 s between two looks.
    const script = [
      "sleep 600 & service=$!",
      "echo $service",
      "read go",
      "kill -9 $service; wait $service",
      "echo $((service - 1)) > /proc/sys/kernel/ns_last_pid",
      "sleep 600 & echo $!",
      "wait",
    ].join("\n");
    const namespace = new Deno.Command("nsenter", {
      args: ["--target", String(inside), "--pid", "--", "sh", "-c", script],
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const output = lines(namespace);
    try {
      const pid = Number(await lineOf(output));
      assert.ok(pid > 1, `a PID in the adapter's namespace: ${pid}`);
      await adapter.send(`MAINPID=${pid}\nREADY=1`);
      await msUntil(adapter, "/readyz", 200);
      assert.equal((await adapter.request("/status")).json.mainProcess.pid, pid);

      const writer = namespace.stdin.getWriter();
      await writer.write(new TextEncoder().encode("go\n"));
      const reused = Number(await lineOf(output));
      // The kernel gave the same PID to the new process (a thread of the adapter could take it
      // in between, in theory: then this run proves nothing, and says so).
      assert.equal(reused, pid, "the new process got the main process's PID");
      await msUntil(adapter, "/readyz", 503);
      assert.deepEqual(
        records(adapter, "Main process exited").map(({ pid }) => pid),
        [pid],
      );
      await writer.close();
    } finally {
      await killQuietly(namespace);
      // The adapter is PID 1 there: its end ends the namespace's processes.
      await adapter.stop("SIGKILL");
    }
  },
);

Deno.test(
  "sidecar: a PID file replaced and rewritten while the adapter reads it: only the PIDs written are followed, never a torn one",
  async () => {
    const dir = tempDir();
    const path = `${dir.path}/service.pid`;
    const adapter = await spawnAdapter({
      env: { ADAPTER_ECHO: "false", ADAPTER_UNIT_PID_FILE: path },
    });
    const services = [0, 1].map(() => new Deno.Command("sleep", { args: ["600"] }).spawn());
    const pids = services.map((service) => service.pid);
    try {
      Deno.writeTextFileSync(path, `${pids[0]}\n`);
      await adapter.send("READY=1");
      await msUntil(adapter, "/readyz", 200);
      // For 2 s (8 of the adapter's reads), the file changes hands every millisecond or so:
      // replaced whole (rename), or truncated and written again in place.
      const until = performance.now() + 2_000;
      let writes = 0;
      while (performance.now() < until) {
        const text = `${pids[writes % 2]}\n`;
        if (writes % 3 === 0) Deno.writeTextFileSync(path, text);
        else {
          Deno.writeTextFileSync(`${dir.path}/next.pid`, text);
          Deno.renameSync(`${dir.path}/next.pid`, path);
        }
        writes++;
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      // The last word: the second process, in a file that stays.
      Deno.writeTextFileSync(`${dir.path}/next.pid`, `${pids[1]}\n`);
      Deno.renameSync(`${dir.path}/next.pid`, path);
      await adapter.waitFor(
        async () => (await adapter.request("/status")).json.mainProcess.pid === pids[1],
        "the last PID written followed",
      );
      const followed = records(adapter, "Main process followed").map(({ pid }) => pid);
      assert.ok(followed.length >= 1);
      assert.deepEqual(followed.filter((pid) => !pids.includes(Number(pid))), []);
      // What a read between a truncation and a write may see is an empty file, never a PID.
      const refused = records(adapter, "PID file not used").map(({ reason }) => reason);
      assert.deepEqual(refused.filter((reason) => reason !== "is empty"), []);
      assert.deepEqual(records(adapter, "Main process not followed"), []);
      assert.equal(await status(adapter, "/readyz"), 200);
      console.log(`${writes} writes, ${followed.length} PIDs followed, ${refused.length} refused`);
    } finally {
      for (const service of services) await killQuietly(service);
      await adapter.stop();
      dir.remove();
    }
  },
);

Deno.test(
  "run --: a service that forks and names the fork with MAINPID=: its end is main_exited; the child's end still stops the adapter",
  needs("systemd"),
  async () => {
    const script = "sleep 600 & systemd-notify --pid=$! --ready; while :; do sleep 1; done";
    const adapter = await spawnAdapter({
      args: ["run", "--", "sh", "-c", script],
      env: { ADAPTER_ECHO: "false", ADAPTER_TERMINATION_MESSAGE_PATH: "" },
    });
    try {
      await msUntil(adapter, "/readyz", 200);
      const child = Number(
        adapter.logRecords().find((record) => record.message === "Child started")?.pid,
      );
      const followed = (await adapter.request("/status")).json.mainProcess;
      assert.equal(followed.origin, "MAINPID");
      assert.notEqual(followed.pid, child);

      Deno.kill(followed.pid, "SIGKILL");
      await msUntil(adapter, "/readyz", 503);
      assert.equal(await status(adapter, "/livez"), 503);
      // The child still runs, and is the main process again: the adapter goes on.
      assert.equal(await status(adapter, "/healthz"), 200);
      assert.deepEqual((await adapter.request("/status")).json.mainProcess, {
        pid: child,
        origin: "child",
        exits: 1,
      });
      // SIGTERM is forwarded to the child (sh), which it ends: the adapter exits with its status.
      const exit = await adapter.stop("SIGTERM");
      assert.equal(exit.code, 143);
    } finally {
      await adapter.stop("SIGKILL");
    }
  },
);

Deno.test(
  "notify --pid names the process that ran it: a shell script's own PID (behaviour §8.1)",
  async () => {
    const adapter = await spawnAdapter({ env: { ADAPTER_ECHO: "false" } });
    const notify = [Deno.execPath(), ...adapterArgs(), "notify", "--pid", "--ready"]
      .map((arg) => `'${arg}'`).join(" ");
    const service = new Deno.Command("sh", {
      args: ["-c", `cd '${ROOT}' && ${notify} && exec sleep 600`],
      env: { NOTIFY_SOCKET: adapter.notifySocket },
      stdout: "null",
      stderr: "null",
    }).spawn();
    try {
      await msUntil(adapter, "/readyz", 200, 20_000);
      assert.deepEqual((await adapter.request("/status")).json.mainProcess, {
        pid: service.pid,
        origin: "MAINPID",
        exits: 0,
      });
      service.kill("SIGKILL");
      await msUntil(adapter, "/readyz", 503);
    } finally {
      await killQuietly(service);
      await adapter.stop();
    }
  },
);

Deno.test(
  "an ADAPTER_UNIT_PID_FILE the permission set does not let the adapter read stops it with exit 2 (behaviour §1.5)",
  async () => {
    const adapter = await spawnAdapter({
      env: { ADAPTER_UNIT_PID_FILE: "/var/lib/redis/redis.pid" },
      waitHealthy: false,
    });
    const exit = await adapter.exited();
    assert.equal(exit.code, 2);
    const records = exit.stderr.split("\n").filter((line) => line !== "").map((line) =>
      JSON.parse(line)
    );
    assert.deepEqual(records.map(({ timestamp: _, ...record }) => record), [{
      level: "error",
      message: 'Cannot use ADAPTER_UNIT_PID_FILE "/var/lib/redis/redis.pid": the adapter may ' +
        "read only files under /run, /var/run or /tmp",
      exitStatus: 2,
      variable: "ADAPTER_UNIT_PID_FILE",
      value: "/var/lib/redis/redis.pid",
    }]);
  },
);
