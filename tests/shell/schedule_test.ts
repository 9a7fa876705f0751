import assert from "node:assert/strict";
import { schedule, sleep } from "../../lib/shell/schedule.ts";

const SCHEDULE_URL = new URL("../../lib/shell/schedule.ts", import.meta.url).href;

/** Runs `code` (with `schedule` and `sleep` imported) in a new process; its output and time. */
async function runScript(code: string): Promise<{ stdout: string; elapsedMs: number }> {
  const started = performance.now();
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      "--quiet",
      `import { schedule, sleep } from ${JSON.stringify(SCHEDULE_URL)};\n${code}`,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const elapsedMs = performance.now() - started;
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  return { stdout: new TextDecoder().decode(output.stdout), elapsedMs };
}

Deno.test("schedule() runs callbacks in deadline order, cancelled ones never", async () => {
  const fired: string[] = [];
  schedule(30, () => fired.push("30 ms"));
  const cancel = schedule(10, () => fired.push("cancelled"));
  schedule(20, () => fired.push("20 ms"));
  schedule(20, () => fired.push("20 ms, later"));
  cancel();
  await sleep(60);
  assert.deepEqual(fired, ["20 ms", "20 ms, later", "30 ms"]);
});

Deno.test("schedule() fires after a timer that went off with nobody waiting for it", async () => {
  // The first timer is released when its callback is cancelled, and fires unheard meanwhile.
  schedule(5, () => {})();
  await new Promise((resolve) => setTimeout(resolve, 30));
  const fired: string[] = [];
  await new Promise<void>((resolve) =>
    schedule(10, () => {
      fired.push("fired");
      resolve();
    })
  );
  assert.deepEqual(fired, ["fired"]);
});

Deno.test("schedule(): a process whose callbacks are all cancelled ends at once", async () => {
  // Two callbacks, the later one cancelled first: the earlier one's timer is the one armed.
  const { stdout, elapsedMs } = await runScript(`
    const later = schedule(5_000, () => console.log("fired"));
    const earlier = schedule(4_000, () => console.log("fired"));
    await sleep(10);
    later();
    earlier();
    console.log("done");
  `);
  assert.equal(stdout, "done\n");
  // Before, the process stayed until the 4 s timer fired.
  assert.ok(elapsedMs < 3_000, `the process took ${Math.round(elapsedMs)} ms to end`);
});

Deno.test("schedule(): a pending callback keeps the process alive until it runs", async () => {
  const { stdout, elapsedMs } = await runScript(`
    const started = performance.now();
    schedule(100, () => console.log("cancelled"))();
    // Due later than the released timer, which takes the process back, and then a new one.
    schedule(300, () => console.log(performance.now() - started >= 300 ? "in time" : "early"));
  `);
  assert.equal(stdout, "in time\n");
  assert.ok(elapsedMs >= 300, `the process ended after ${Math.round(elapsedMs)} ms`);
});
