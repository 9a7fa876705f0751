// The socket before timers (behaviour §4.5; issue 10 item 6): a WATCHDOG=1 that was queued
// on the socket before the deadline is judged before the deadline expires, even when the
// adapter only gets to run again after it (here: SIGSTOP, the ping, SIGCONT past the deadline).
import assert from "node:assert/strict";
import { sendAndSettle, spawnAdapter } from "../helpers/adapter_process.ts";
import { sleep } from "../fixtures/hardening/support.ts";
import { needs } from "../helpers/tools.ts";

/** Sleeps until `performance.now()` reaches `at` (at once if it has). */
async function until(at: number) {
  const left = at - performance.now();
  if (left > 0) await sleep(left);
}

Deno.test(
  "socket priority: a ping queued while the adapter was stopped beats the deadline that passed meanwhile",
  needs("python3", "util-linux"),
  async () => {
    const adapter = await spawnAdapter({
      env: { ADAPTER_UNIT_WATCHDOG_SEC: "1s", ADAPTER_STATUS_SHUTDOWN: "watchdog_timeout" },
    });
    let exited = false;
    void adapter.exited().then(() => exited = true);
    const timeouts = () =>
      adapter.logRecords().filter((record) =>
        record.event === "watchdog_timeout" || record.message === "Timer expired"
      );
    try {
      await adapter.send("READY=1");
      await adapter.waitFor(async () => (await adapter.request("/livez")).status === 200, "live");
      for (let round = 1; round <= 3; round++) {
        // Each round: a ping that arms the 1 s watchdog at t0 or just after, so its deadline
        // is at t0 + 1 s or later; the adapter stopped from 0.3 s to 1.5 s; a ping sent at 0.7 s.
        const t0 = performance.now();
        await sendAndSettle(adapter, "WATCHDOG=1");
        await until(t0 + 300);
        adapter.child.kill("SIGSTOP");
        await until(t0 + 700);
        await adapter.send("WATCHDOG=1");
        await until(t0 + 1_500);
        adapter.child.kill("SIGCONT");
        // Time for the adapter to judge what woke it: the queued ping, then no deadline.
        await sleep(300);
        assert.deepEqual(timeouts(), [], `round ${round}`);
        assert.equal(exited, false, `round ${round}: the adapter exited`);
        assert.equal((await adapter.request("/livez")).status, 200, `round ${round}`);
      }
      const exit = await adapter.stop();
      assert.equal(exit.code, 0, exit.stderr);
      assert.deepEqual(timeouts(), []);
    } finally {
      try {
        adapter.child.kill("SIGCONT");
      } catch {
        // Already gone.
      }
      await adapter.stop("SIGKILL");
    }
  },
);
