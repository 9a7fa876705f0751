// The shell's main watch (behaviour §11.2, §11.4), with real processes and files and a fake timer
// queue, so that each wake-up is the test's: what it reports, and that it wakes only while there
// is something to watch.
import assert from "node:assert/strict";
import type { Input } from "../../lib/core/reducer.ts";
import { type Libc, loadLibc } from "../../lib/shell/libc.ts";
import {
  MAIN_WATCH_PERIOD_MS,
  type MainWatch,
  startMainWatch,
} from "../../lib/shell/main_watch.ts";
import type { Schedule } from "../../lib/shell/schedule.ts";
import { tempDir } from "../helpers/adapter_process.ts";

function libc(): Libc {
  const loaded = loadLibc();
  if (loaded instanceof Error) throw loaded;
  return loaded;
}

/** A timer queue the test fires by hand, and the inputs the watch reported, in order. */
function harness(pidFile: string | null, lib: Libc | Error = libc()) {
  const pending: { delayMs: number; fire: () => void; cancelled: boolean }[] = [];
  const schedule: Schedule = (delayMs, fire) => {
    const entry = { delayMs, fire, cancelled: false };
    pending.push(entry);
    return () => {
      entry.cancelled = true;
    };
  };
  const reported: { input: Input; afterQueued: boolean }[] = [];
  const watch: MainWatch = startMainWatch({
    libc: lib,
    pidFile,
    schedule,
    report: (input) => reported.push({ input, afterQueued: false }),
    reportAfterQueued: (input) => reported.push({ input, afterQueued: true }),
  });
  return {
    watch,
    reported,
    /** The delays of the wake-ups armed and not cancelled. */
    armed: () => pending.filter((entry) => !entry.cancelled).map((entry) => entry.delayMs),
    /** Fires the armed wake-up, as the timer queue would. */
    wake: () => {
      const entry = pending.find((candidate) => !candidate.cancelled);
      assert.ok(entry !== undefined, "a wake-up is armed");
      pending.splice(pending.indexOf(entry), 1);
      entry.fire();
    },
  };
}

async function killed(child: Deno.ChildProcess): Promise<void> {
  child.kill("SIGKILL");
  await child.status;
}

Deno.test("startMainWatch() arms no wake-up with nothing to watch: an idle sidecar costs nothing", () => {
  const { armed, reported } = harness(null);
  assert.deepEqual(armed(), []);
  assert.deepEqual(reported, []);
});

Deno.test("startMainWatch() reports the end of the watched process at the next wake-up, once", async () => {
  const child = new Deno.Command("sleep", { args: ["30"] }).spawn();
  try {
    const { watch, armed, wake, reported } = harness(null);
    watch.watch(child.pid);
    assert.deepEqual(armed(), [MAIN_WATCH_PERIOD_MS]);
    wake();
    assert.deepEqual(reported, []);
    assert.deepEqual(armed(), [MAIN_WATCH_PERIOD_MS]);
    await killed(child);
    wake();
    assert.deepEqual(reported, [{
      input: { kind: "mainExited", pid: child.pid },
      afterQueued: true,
    }]);
    // Nothing left to watch: no more wake-ups.
    assert.deepEqual(armed(), []);
  } finally {
    await child.status;
  }
});

Deno.test("startMainWatch() reports a process it cannot watch at once, and arms nothing for it", () => {
  const { watch, armed, reported } = harness(null);
  watch.watch(2147483647);
  assert.deepEqual(reported.map(({ input }) => input), [{
    kind: "mainUnseen",
    pid: 2147483647,
    reason: "absent",
    detail: "",
  }]);
  assert.deepEqual(armed(), []);
});

Deno.test("startMainWatch() without libc: every process unwatchable, the PID file unread", () => {
  const { watch, armed, reported } = harness("/tmp/x.pid", new Error("no libc here"));
  assert.deepEqual(armed(), []);
  watch.watch(4242);
  watch.readPidFile();
  assert.deepEqual(reported.map(({ input }) => input), [
    { kind: "mainUnseen", pid: 4242, reason: "error", detail: "libc not loaded (no libc here)" },
    {
      kind: "pidFile",
      cause: "READY=1",
      read: { problem: "cannot be read without libc: no libc here" },
    },
  ]);
});

Deno.test("startMainWatch() reports the PID file when it changes, not what it held at start", () => {
  const dir = tempDir();
  const path = `${dir.path}/service.pid`;
  try {
    Deno.writeTextFileSync(path, "4242\n");
    const { watch, armed, wake, reported } = harness(path);
    const inputs = () => reported.map(({ input }) => input);
    assert.deepEqual(armed(), [MAIN_WATCH_PERIOD_MS]);
    wake();
    assert.deepEqual(inputs(), []);
    Deno.writeTextFileSync(path, "5151\n");
    wake();
    wake();
    Deno.removeSync(path);
    wake();
    assert.deepEqual(inputs(), [
      { kind: "pidFile", cause: "change", read: { text: "5151\n" } },
      { kind: "pidFile", cause: "change", read: { problem: "does not exist" } },
    ]);
    // READY=1 reads it whatever it holds; the next wake-up does not report it again.
    Deno.writeTextFileSync(path, "6161\n");
    watch.readPidFile();
    wake();
    assert.deepEqual(inputs().slice(2), [
      { kind: "pidFile", cause: "READY=1", read: { text: "6161\n" } },
    ]);
    watch.stop();
    assert.deepEqual(armed(), []);
    watch.readPidFile();
    assert.equal(reported.length, 3);
  } finally {
    dir.remove();
  }
});

Deno.test("startMainWatch() stops watching a process when told to, or when another is named", async () => {
  const first = new Deno.Command("sleep", { args: ["30"] }).spawn();
  const second = new Deno.Command("sleep", { args: ["30"] }).spawn();
  try {
    const { watch, armed, wake, reported } = harness(null);
    watch.watch(first.pid);
    watch.watch(second.pid);
    await killed(first);
    wake();
    assert.deepEqual(reported, []);
    watch.unwatch();
    await killed(second);
    // The wake-up armed before runs, finds nothing to watch, and arms no other.
    wake();
    assert.deepEqual(reported, []);
    assert.deepEqual(armed(), []);
  } finally {
    await first.status;
    await second.status;
  }
});
