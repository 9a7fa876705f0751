/**
 * The environment of a wrapped command (behaviour §9.1): the adapter's own environment, byte
 * for byte, plus what systemd gives a `Type=notify` service, `NOTIFY_SOCKET` and, with a
 * watchdog, `WATCHDOG_USEC`; less what describes the adapter's own service manager.
 *
 * @module
 */

import type { Config } from "../../core/config.ts";

/**
 * Variables a parent may have been given by its own service manager. They describe the
 * adapter, not the child: an inherited `WATCHDOG_PID` names another process (and
 * `sd_watchdog_enabled()` then reports no watchdog at all), and `LISTEN_FDS`/`LISTEN_PID`
 * name descriptors the child does not have.
 */
export const INHERITED_VARIABLES: readonly string[] = Object.freeze([
  "WATCHDOG_PID",
  "WATCHDOG_USEC",
  "LISTEN_PID",
  "LISTEN_FDS",
  "LISTEN_FDNAMES",
]);

/**
 * The variables systemd would set for the service: `NOTIFY_SOCKET` as configured (`@name`
 * kept) and `WATCHDOG_USEC` in microseconds when a watchdog timeout is configured. No
 * `WATCHDOG_PID`: the child's PID is unknown before it starts, and `sd_watchdog_enabled()`
 * accepts an unset `WATCHDOG_PID`.
 *
 * @example An abstract socket and a 30 s watchdog
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "../../core/config.ts";
 * import { serviceVariables } from "./child_environment.ts";
 *
 * const { config } = parseConfig({ NOTIFY_SOCKET: "@svc", ADAPTER_UNIT_WATCHDOG_SEC: "30s" });
 * assert.deepEqual(serviceVariables(config), { NOTIFY_SOCKET: "@svc", WATCHDOG_USEC: "30000000" });
 * ```
 */
export function serviceVariables(config: Config): Record<string, string> {
  const variables: Record<string, string> = { NOTIFY_SOCKET: config.notifySocket.text };
  const usec = Math.round(config.watchdogMs * 1000);
  if (usec > 0) variables.WATCHDOG_USEC = String(usec);
  return variables;
}

/** Which of the adapter's variables (by name) the child must not inherit. */
export function inheritedToRemove(names: readonly string[]): string[] {
  const remove = new Set(INHERITED_VARIABLES);
  for (const name of names) if (name.startsWith("LISTEN_")) remove.add(name);
  return [...remove].sort();
}
