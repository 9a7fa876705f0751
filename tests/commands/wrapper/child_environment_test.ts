import assert from "node:assert/strict";
import {
  inheritedToRemove,
  serviceVariables,
} from "../../../lib/commands/wrapper/child_environment.ts";
import { parseConfig } from "../../../lib/core/config.ts";

const config = (env: Record<string, string> = {}) => parseConfig(env).config;

Deno.test("serviceVariables() hands the child NOTIFY_SOCKET as configured, @name kept", () => {
  assert.deepEqual(serviceVariables(config({ NOTIFY_SOCKET: "@svc" })), { NOTIFY_SOCKET: "@svc" });
  assert.deepEqual(serviceVariables(config()), {
    NOTIFY_SOCKET: "/var/run/adapter/adapter.sock",
  });
});

Deno.test("serviceVariables() sets WATCHDOG_USEC in microseconds when a watchdog is configured", () => {
  assert.deepEqual(
    serviceVariables(config({ NOTIFY_SOCKET: "@svc", ADAPTER_UNIT_WATCHDOG_SEC: "1.5" })),
    { NOTIFY_SOCKET: "@svc", WATCHDOG_USEC: "1500000" },
  );
  assert.deepEqual(
    serviceVariables(config({ NOTIFY_SOCKET: "@svc", ADAPTER_UNIT_WATCHDOG_SEC: "1min 250ms" })),
    { NOTIFY_SOCKET: "@svc", WATCHDOG_USEC: "60250000" },
  );
  for (const off of ["0", "infinity", "0.4us"]) {
    assert.deepEqual(
      serviceVariables(config({ NOTIFY_SOCKET: "@svc", ADAPTER_UNIT_WATCHDOG_SEC: off })),
      { NOTIFY_SOCKET: "@svc" },
      off,
    );
  }
});

Deno.test("inheritedToRemove() names the watchdog and socket-activation variables of a parent", () => {
  assert.deepEqual(inheritedToRemove(["PATH", "LISTEN_FDS_FIRST_FD", "HOME"]), [
    "LISTEN_FDNAMES",
    "LISTEN_FDS",
    "LISTEN_FDS_FIRST_FD",
    "LISTEN_PID",
    "WATCHDOG_PID",
    "WATCHDOG_USEC",
  ]);
});
