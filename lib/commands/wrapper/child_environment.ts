/**
 * The environment of a wrapped command (SPEC §8): the adapter's own environment plus what
 * systemd gives a `Type=notify` service, `NOTIFY_SOCKET` and, with a watchdog, `WATCHDOG_USEC`.
 *
 * @module
 */

import type { Config } from "../../core/config.ts";

/**
 * Watchdog variables a parent may have been given by its own service manager. They describe
 * the adapter's watchdog, not the child's: an inherited `WATCHDOG_PID` names another process,
 * and `sd_watchdog_enabled()` then reports no watchdog at all.
 */
export const INHERITED_WATCHDOG_VARIABLES: readonly string[] = Object.freeze([
  "WATCHDOG_PID",
  "WATCHDOG_USEC",
]);

/** What `Deno.Command` needs: whether to start from an empty environment, and what to set. */
export interface ChildEnvironment {
  readonly clearEnv: boolean;
  readonly env: Readonly<Record<string, string>>;
}

/**
 * The variables systemd would set for the service: `NOTIFY_SOCKET` as configured (`@name`
 * kept) and `WATCHDOG_USEC` in microseconds when a watchdog timeout is configured. No
 * `WATCHDOG_PID`: the child's PID is unknown before it starts, and `sd_watchdog_enabled()`
 * accepts an unset `WATCHDOG_PID`.
 */
export function serviceVariables(config: Config): Record<string, string> {
  const variables: Record<string, string> = { NOTIFY_SOCKET: config.notifySocket.text };
  const usec = Math.round(config.watchdogSec * 1000);
  if (usec > 0) variables.WATCHDOG_USEC = String(usec);
  return variables;
}

/**
 * The child's environment: `parent` without inherited watchdog variables, plus the service
 * variables. Without `parent` (the permissions hide the environment), the child inherits the
 * whole environment and only the service variables are set on top.
 */
export function childEnvironment(
  config: Config,
  parent: Readonly<Record<string, string>> | undefined,
): ChildEnvironment {
  const service = serviceVariables(config);
  if (parent === undefined) return { clearEnv: false, env: service };
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    if (!INHERITED_WATCHDOG_VARIABLES.includes(name)) env[name] = value;
  }
  return { clearEnv: true, env: { ...env, ...service } };
}
