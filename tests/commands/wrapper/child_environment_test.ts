import assert from "node:assert/strict";
import {
  childEnvironment,
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
  for (const off of ["0", "infinity"]) {
    assert.deepEqual(
      serviceVariables(config({ NOTIFY_SOCKET: "@svc", ADAPTER_UNIT_WATCHDOG_SEC: off })),
      { NOTIFY_SOCKET: "@svc" },
    );
  }
});

Deno.test("childEnvironment() keeps the parent's variables and drops its watchdog ones", () => {
  const parent = {
    PATH: "/usr/bin",
    NOTIFY_SOCKET: "@svc",
    WATCHDOG_PID: "1",
    WATCHDOG_USEC: "999",
    ADAPTER_UNIT_WATCHDOG_SEC: "2",
  };
  assert.deepEqual(childEnvironment(config(parent), parent), {
    clearEnv: true,
    env: {
      PATH: "/usr/bin",
      NOTIFY_SOCKET: "@svc",
      ADAPTER_UNIT_WATCHDOG_SEC: "2",
      WATCHDOG_USEC: "2000000",
    },
  });
  const unwatched = { PATH: "/usr/bin", WATCHDOG_PID: "1", WATCHDOG_USEC: "999" };
  assert.deepEqual(childEnvironment(config({ NOTIFY_SOCKET: "/run/n.sock" }), unwatched), {
    clearEnv: true,
    env: { PATH: "/usr/bin", NOTIFY_SOCKET: "/run/n.sock" },
  });
});

Deno.test("childEnvironment() lets the child inherit everything when the parent's is hidden", () => {
  assert.deepEqual(childEnvironment(config({ NOTIFY_SOCKET: "@svc" }), undefined), {
    clearEnv: false,
    env: { NOTIFY_SOCKET: "@svc" },
  });
});
