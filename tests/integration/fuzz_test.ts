import assert from "node:assert/strict";
import { spawnAdapter } from "../helpers/adapter_process.ts";
import { sendHostile } from "../helpers/hostile_datagrams.ts";

const COUNT = 20_000;
const SEED = 20261125;

Deno.test(`fuzz: ${COUNT} hostile datagrams (seed ${SEED}), the adapter answers throughout`, async () => {
  const adapter = await spawnAdapter({ env: { ADAPTER_LOG: "false" } });
  try {
    let sending = true;
    let probes = 0;
    const prober = (async () => {
      while (sending) {
        assert.equal((await adapter.request("/healthz")).status, 200, "during the fuzz run");
        probes++;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();
    try {
      await sendHostile(adapter.notifySocket, SEED, COUNT);
    } finally {
      sending = false;
      await prober;
    }
    await adapter.waitFor(
      async () => (await adapter.request("/status")).json.counters.datagrams === COUNT,
      `all ${COUNT} datagrams counted`,
      30_000,
    );
    assert.ok(probes > 0);
    assert.equal((await adapter.request("/healthz")).status, 200, "after the fuzz run");
  } catch (error) {
    await adapter.stop();
    throw error;
  }
  const exit = await adapter.stop();
  assert.equal(exit.code, 0, "still alive, then stopped by SIGTERM");
});
