// Watching a process through a pidfd (behaviour §11.4), with real processes: one that runs and is
// killed, a PID no process has, and a zombie.
import assert from "node:assert/strict";
import { type Libc, loadLibc } from "../../lib/shell/libc.ts";
import { watchProcess } from "../../lib/shell/pidfd.ts";

function libc(): Libc {
  const loaded = loadLibc();
  if (loaded instanceof Error) throw loaded;
  return loaded;
}

async function endedWithin(watched: { hasEnded(): boolean }, timeoutMs: number) {
  const deadline = performance.now() + timeoutMs;
  while (!watched.hasEnded()) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return true;
}

Deno.test("watchProcess() sees a running process end by SIGKILL, and only then", async () => {
  const child = new Deno.Command("sleep", { args: ["30"] }).spawn();
  try {
    const watched = watchProcess(libc(), child.pid);
    assert.ok("hasEnded" in watched, JSON.stringify(watched));
    assert.equal(watched.pid, child.pid);
    assert.equal(watched.hasEnded(), false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(watched.hasEnded(), false);
    child.kill("SIGKILL");
    assert.equal(await endedWithin(watched, 5_000), true);
    watched.close();
    // Closed: ended for good, and closing again is no error.
    assert.equal(watched.hasEnded(), true);
    watched.close();
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // Gone.
    }
    await child.status;
  }
});

Deno.test("watchProcess() says a PID no process has is absent", () => {
  // Above any pid_max the kernel allows (2^22): never a process.
  assert.deepEqual(watchProcess(libc(), 2147483647), { reason: "absent", detail: "" });
});

Deno.test("watchProcess() says a thread's ID is a thread's, not a process's", () => {
  const threads = [...Deno.readDirSync(`/proc/${Deno.pid}/task`)]
    .map((entry) => Number(entry.name))
    .filter((tid) => tid !== Deno.pid);
  assert.ok(threads.length > 0, "Deno runs threads besides its main one");
  assert.deepEqual(watchProcess(libc(), threads[0]), { reason: "thread", detail: "" });
});

Deno.test("watchProcess() says a zombie had already ended, as systemd refuses one", async () => {
  // The child ends once its parent is `sleep`, which never waits for it: a zombie.
  const parent = new Deno.Command("sh", {
    args: ["-c", "sleep 0.2 & echo $!; exec sleep 30"],
    stdout: "piped",
  }).spawn();
  try {
    const reader = parent.stdout.getReader();
    const { value } = await reader.read();
    reader.releaseLock();
    const zombie = Number(new TextDecoder().decode(value).trim());
    assert.ok(zombie > 1);
    const deadline = performance.now() + 5_000;
    while (!Deno.readTextFileSync(`/proc/${zombie}/stat`).includes(") Z ")) {
      assert.ok(performance.now() < deadline, "the child became a zombie");
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.deepEqual(watchProcess(libc(), zombie), { reason: "ended", detail: "" });
  } finally {
    parent.kill("SIGKILL");
    await parent.status;
    await parent.stdout.cancel();
  }
});
