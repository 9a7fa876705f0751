// Wrapper mode as process 1 of a PID namespace (behaviour §9.6; issue 10 item 9): orphans the
// child leaves behind are reaped as tini reaps them, and the child's own exit status still
// reaches the adapter.
import assert from "node:assert/strict";
import { adapterArgs, spawnAdapter, tempDir } from "../helpers/adapter_process.ts";
import { killIfRunning, sleep } from "../fixtures/hardening/support.ts";
import { needs } from "../helpers/tools.ts";

/** Processes whose parent is `parent`, by state letter (`Z` for a zombie). */
function childStates(parent: number): Map<number, string> {
  const states = new Map<number, string>();
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    let stat: string;
    try {
      stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
    } catch {
      continue; // Gone meanwhile.
    }
    // pid (comm) state ppid …: comm may hold blanks and parentheses.
    const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(ppid) === parent) states.set(Number(entry.name), state);
  }
  return states;
}

function zombies(parent: number): number {
  return [...childStates(parent).values()].filter((state) => state === "Z").length;
}

/** Wrapper mode as process 1 of a new PID namespace, running `sh -c script args…`. */
function wrapAsPid1(script: string, args: string[], waitHealthy = true) {
  return spawnAdapter({
    command: "unshare",
    args: [
      "--pid",
      "--fork",
      "--mount-proc",
      Deno.execPath(),
      ...adapterArgs(),
      "run",
      "--",
      "sh",
      "-c",
      script,
      "sh",
      ...args,
    ],
    env: { ADAPTER_ECHO: "false" },
    waitHealthy,
  });
}

function lineCount(path: string): number {
  try {
    return Deno.readTextFileSync(path).split("\n").length - 1;
  } catch {
    return 0;
  }
}

// Orphans 30 grandchildren that end 0.2 s later (each notes it in $1), then waits for the
// file $2 (at most 10 s) and exits 7.
const SERVICE = 'for i in $(seq 30); do ( (sleep 0.2; echo x >> "$1") & ); done; ' +
  'n=0; while [ ! -e "$2" ] && [ $n -lt 200 ]; do sleep 0.05; n=$((n + 1)); done; exit 7';

Deno.test(
  "pid 1: wrapper mode reaps its child's orphans, and still exits with the child's status",
  needs("util-linux", "python3"),
  async () => {
    const dir = tempDir();
    const done = `${dir.path}/done`;
    const release = `${dir.path}/release`;
    const adapter = await wrapAsPid1(SERVICE, [done, release]);
    // unshare forks the adapter, which is process 1 of the new namespace.
    const pid1 = [...childStates(adapter.child.pid).keys()][0];
    try {
      const nsPids = Deno.readTextFileSync(`/proc/${pid1}/status`).match(/^NSpid:\s+(.*)$/m)?.[1];
      assert.deepEqual(nsPids?.split(/\s+/), [String(pid1), "1"]);
      await adapter.waitFor(() => lineCount(done) === 30, "the 30 orphans to end", 5_000);
      // A SIGCHLD per orphan, or the periodic sweep, reaps them.
      const deadline = performance.now() + 2_000;
      while (zombies(pid1) > 0 && performance.now() < deadline) await sleep(20);
      assert.equal(zombies(pid1), 0, "zombies under process 1");
      Deno.writeTextFileSync(release, "");
      const status = await adapter.child.status;
      assert.equal(status.code, 7);
      const exited = adapter.logRecords().filter((record) => record.message === "Child exited");
      assert.deepEqual(exited.map(({ code, exitStatus }) => ({ code, exitStatus })), [
        { code: 7, exitStatus: 7 },
      ]);
    } finally {
      Deno.writeTextFileSync(release, "");
      let timer: ReturnType<typeof setTimeout> | undefined;
      const ended = await Promise.race([
        adapter.child.status.then(() => true),
        new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), 3_000)),
      ]);
      clearTimeout(timer);
      // SIGKILL to process 1 ends every process of its namespace; unshare then exits.
      if (!ended && pid1 !== undefined) killIfRunning(pid1);
      await adapter.exited();
      dir.remove();
    }
  },
);

Deno.test(
  "pid 1: orphans ending together with the child never take its exit status away",
  needs("util-linux", "python3"),
  async () => {
    // The reaper and Deno's own wait for the child race here if reaping is not careful.
    const service = 'for i in $(seq 30); do ( (sleep 0.3) & ); done; sleep 0.3; exit "$1"';
    for (const status of [7, 0, 42]) {
      const adapter = await wrapAsPid1(service, [String(status)], false);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const ended = await Promise.race([
        adapter.child.status.then(() => true),
        new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), 8_000)),
      ]);
      clearTimeout(timer);
      if (!ended) {
        const pid1 = [...childStates(adapter.child.pid).keys()][0];
        if (pid1 !== undefined) killIfRunning(pid1);
      }
      const exit = await adapter.exited();
      assert.equal(ended, true, "the adapter exits when its child does");
      assert.equal(exit.code, status, exit.stderr);
      const exited = adapter.logRecords().filter((record) => record.message === "Child exited");
      assert.deepEqual(exited.map(({ code }) => code), [status]);
    }
  },
);
