/**
 * `deno task fuzz [COUNT] [SEED]`: the end-to-end fuzz run at scale (default 1 M hostile
 * datagrams) against the real adapter, probing `/healthz` throughout. CI runs 20 k of the same
 * (tests/integration/fuzz_test.ts).
 *
 * @module
 */

import { spawnAdapter } from "../helpers/adapter_process.ts";
import { sendHostile } from "../helpers/hostile_datagrams.ts";

const count = Number(Deno.args[0] ?? 1_000_000);
const seed = Number(Deno.args[1] ?? Date.now() % 2 ** 31);
const adapter = await spawnAdapter({ env: { ADAPTER_LOG: "false", ADAPTER_ECHO: "false" } });
let sending = true;
let probes = 0;
let slowestMs = 0;
let failures = 0;
const prober = (async () => {
  while (sending) {
    const started = performance.now();
    const { status } = await adapter.request("/healthz");
    slowestMs = Math.max(slowestMs, performance.now() - started);
    if (status !== 200) failures++;
    probes++;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
})();
const started = performance.now();
await sendHostile(adapter.notifySocket, seed, count);
sending = false;
await prober;
await adapter.waitFor(
  async () => (await adapter.request("/status")).json.counters.datagrams === count,
  "every datagram counted",
  120_000,
);
const seconds = (performance.now() - started) / 1000;
const exit = await adapter.stop();
const report = {
  count,
  seed,
  seconds,
  probes,
  failures,
  slowestProbeMs: slowestMs,
  exit: exit.code,
};
console.log(JSON.stringify(report));
if (failures > 0 || exit.code !== 0) Deno.exit(1);
