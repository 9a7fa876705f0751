/**
 * `deno run -A scripts/restart_timings.ts`: what a Pod sees across restarts, measured on the real
 * adapter with the sidecar examples' settings (watchdog 10 s, a service that pings every 5 s as
 * libsystemd does at half the timeout). This script plays the service: it sends the datagrams a
 * service would, for a real process that stands for the service's main process (`sleep`, in the
 * adapter's PID namespace, as `shareProcessNamespace: true` makes it in a Pod), and kills that
 * process with SIGKILL. A service that names no main process (no `MAINPID=`, no PID file, or no
 * shared PID namespace) is killed the same way, and only goes silent to the adapter.
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
        "stopping,errno,buserror,watchdog_trigger,watchdog_timeout,start_timeout,main_exited",
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

/**
 * A service instance: READY=1 (with `MAINPID=` of a real process when `named`), then a ping
 * every PING_S until killed.
 */
function service(socket: string, named: boolean) {
  const main = new Deno.Command("sleep", { args: ["3600"], stdout: "null" }).spawn();
  let running = true;
  let lastPing = 0;
  let readyAt = 0;
  const done = (async () => {
    readyAt = performance.now();
    await sendDatagram(socket, `${named ? `MAINPID=${main.pid}\n` : ""}READY=1\nSTATUS=serving`);
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
    readyAt: () => readyAt,
    /** SIGKILL to the main process; the instance sends nothing more. */
    kill: async () => {
      running = false;
      main.kill("SIGKILL");
      const killedAt = performance.now();
      await main.status;
      return killedAt;
    },
    stop: async () => {
      running = false;
      try {
        main.kill("SIGKILL");
      } catch {
        // Already killed.
      }
      await main.status;
      await done;
    },
  };
}

const socket = `@restart-timings-${crypto.randomUUID()}`;
const port = freePort();
let adapter = startAdapter(socket, port);
await until(port, "/healthz", 200, performance.now());
const results: Record<string, string> = {};
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const milliseconds = (ms: number) => `${ms.toFixed(0)} ms`;

// 1. The service's container restarts, its main process followed (MAINPID=, shared PID
// namespace): killed with SIGKILL right after a ping.
let instance = service(socket, true);
await until(port, "/readyz", 200, performance.now());
await sleep(PING_S * 1000 + 50); // just after its second ping
const killedAt = await instance.kill();
results["main process followed: SIGKILL → /readyz 503"] = milliseconds(
  await until(port, "/readyz", 503, killedAt),
);
results["main process followed: SIGKILL → /livez 503"] = milliseconds(
  await until(port, "/livez", 503, killedAt),
);
await instance.stop();
instance = service(socket, true);
await sleep(0);
results["new instance's READY=1 → /readyz 200"] = milliseconds(
  await until(port, "/readyz", 200, instance.readyAt()),
);

// 2. The same with a service that names no main process: only the watchdog ends the window.
await instance.stop();
instance = service(socket, false);
await until(port, "/readyz", 200, performance.now());
await sleep(PING_S * 1000 + 50);
await instance.kill();
results["no main process named: SIGKILL (right after a ping) → /readyz 503"] = seconds(
  await until(port, "/readyz", 503, instance.lastPing()),
);
await instance.stop();
instance = service(socket, false);
await sleep(0);
results["new instance's READY=1 → /readyz 200 (no main process named)"] = milliseconds(
  await until(port, "/readyz", 200, instance.readyAt()),
);

// 3. The adapter's container restarts while the service keeps pinging.
adapter.kill("SIGKILL");
await adapter.status;
const restarted = performance.now();
adapter = startAdapter(socket, port);
results["adapter restarted → /healthz 200"] = milliseconds(
  await until(port, "/healthz", 200, restarted),
);
results["adapter restarted → /livez 200 (the service's next ping)"] = seconds(
  await until(port, "/livez", 200, restarted),
);
await instance.stop();
adapter.kill("SIGTERM");
await adapter.status;

const load = Deno.loadavg().map((average) => average.toFixed(2)).join(" ");
console.log(
  `| what (watchdog ${WATCHDOG_S} s, pings every ${PING_S} s; load average ${load}) | measured |`,
);
console.log("| --- | --- |");
for (const [what, value] of Object.entries(results)) console.log(`| ${what} | ${value} |`);
