/**
 * `deno run -A scripts/restart_timings.ts`: what a Pod sees across restarts, measured on the real
 * adapter with the sidecar examples' settings (watchdog 10 s, a service that pings every 5 s as
 * libsystemd does at half the timeout). This script plays the service: it sends the datagrams a
 * service would, and "kills" it by going silent, which is all the adapter can see of a kill.
 *
 * @module
 */

import {
  freePort,
  httpStatus,
  ROOT,
  sendDatagram,
  sleep,
  startTaskArgs,
} from "../bench/process.ts";

const WATCHDOG_S = 10;
const PING_S = WATCHDOG_S / 2;

function startAdapter(socket: string, port: number): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: startTaskArgs(),
    cwd: ROOT,
    env: {
      NOTIFY_SOCKET: socket,
      ADAPTER_PORT: String(port),
      ADAPTER_UNIT_WATCHDOG_SEC: `${WATCHDOG_S}s`,
      ADAPTER_UNIT_TIMEOUT_START_SEC: "120",
      ADAPTER_LOG: "false",
      ADAPTER_ECHO: "false",
      ADAPTER_STATUS_LIVEZ_FALSE:
        "stopping,errno,buserror,watchdog_trigger,watchdog_timeout,start_timeout",
    },
    stdout: "null",
    stderr: "null",
  }).spawn();
}

/** Polls `path` every 5 ms until it answers `want`; milliseconds from `since`. */
async function until(port: number, path: string, want: number, since: number): Promise<number> {
  while (await httpStatus(port, path) !== want) await sleep(5);
  return performance.now() - since;
}

/** A service instance: READY=1, then a ping every PING_S until stopped. */
function service(socket: string) {
  let running = true;
  let lastPing = 0;
  const done = (async () => {
    await sendDatagram(socket, "READY=1\nSTATUS=serving");
    lastPing = performance.now();
    while (running) {
      await sleep(PING_S * 1000);
      if (!running) break;
      await sendDatagram(socket, "WATCHDOG=1");
      lastPing = performance.now();
    }
  })();
  return {
    lastPing: () => lastPing,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

const socket = `@restart-timings-${crypto.randomUUID()}`;
const port = freePort();
let adapter = startAdapter(socket, port);
await until(port, "/healthz", 200, performance.now());
const results: Record<string, string> = {};

// 1. The service's container restarts: the old instance dies right after a ping (worst case).
let instance = service(socket);
await until(port, "/readyz", 200, performance.now());
await sleep(PING_S * 1000 + 50); // just after its second ping
await instance.stop();
const killedAt = instance.lastPing();
const staleReady = await until(port, "/readyz", 503, killedAt);
results["service killed right after a ping → /livez and /readyz 503"] = `${
  (staleReady / 1000).toFixed(2)
} s`;
const newReady = performance.now();
instance = service(socket);
results["new instance's READY=1 → /readyz 200"] = `${
  (await until(port, "/readyz", 200, newReady)).toFixed(1)
} ms`;

// 2. The adapter's container restarts while the service keeps pinging.
adapter.kill("SIGKILL");
await adapter.status;
const restarted = performance.now();
adapter = startAdapter(socket, port);
results["adapter restarted → /healthz 200"] = `${
  (await until(port, "/healthz", 200, restarted)).toFixed(0)
} ms`;
const live = await until(port, "/livez", 200, restarted);
results["adapter restarted → /livez 200 (the service's next ping)"] = `${
  (live / 1000).toFixed(2)
} s`;
await instance.stop();
adapter.kill("SIGTERM");
await adapter.status;

console.log(`| what (watchdog ${WATCHDOG_S} s, pings every ${PING_S} s) | measured |`);
console.log("| --- | --- |");
for (const [what, value] of Object.entries(results)) console.log(`| ${what} | ${value} |`);
