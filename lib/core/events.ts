/**
 * The adapter's events (behaviour §3): what a notification or a timer expiry means for the probes.
 *
 * @module
 */

/** The name of one event: `ready`, `watchdog_timeout`, … */
export type EventName =
  | "ready"
  | "reloading"
  | "stopping"
  | "errno"
  | "buserror"
  | "watchdog"
  | "watchdog_trigger"
  | "watchdog_timeout"
  | "start_timeout"
  | "main_exited";

/**
 * Every event, with the exit status the adapter uses when the event is in
 * `ADAPTER_STATUS_SHUTDOWN`: 0 for the service's own orderly states, 1 for failures. Typed as a
 * record of `EventName`, so that an event missing here, or here and not there, is a type error.
 */
export const EVENT_EXIT_STATUS: Readonly<Record<EventName, 0 | 1>> = Object.freeze({
  ready: 0,
  reloading: 0,
  stopping: 0,
  errno: 1,
  buserror: 1,
  watchdog: 0,
  watchdog_trigger: 1,
  watchdog_timeout: 1,
  start_timeout: 1,
  main_exited: 1,
});

/** All event names, in the order behaviour §3 lists them. */
export const EVENT_NAMES: readonly EventName[] = Object.freeze(
  Object.keys(EVENT_EXIT_STATUS) as EventName[],
);

/**
 * Tells whether `name` is one of the adapter's event names.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { isEventName } from "./events.ts";
 *
 * assert.equal(isEventName("watchdog_timeout"), true);
 * assert.equal(isEventName("READY"), false);
 * ```
 */
export function isEventName(name: string): name is EventName {
  return Object.hasOwn(EVENT_EXIT_STATUS, name);
}

/** The four reaction lists and the shutdown list of behaviour §1, as sets. */
export interface Reactions {
  /** `ADAPTER_STATUS_LIVEZ_TRUE`: events that make the service live. */
  readonly livezTrue: ReadonlySet<EventName>;
  /** `ADAPTER_STATUS_LIVEZ_FALSE`: events that make the service not live. */
  readonly livezFalse: ReadonlySet<EventName>;
  /** `ADAPTER_STATUS_READYZ_TRUE`: events that make the service ready. */
  readonly readyzTrue: ReadonlySet<EventName>;
  /** `ADAPTER_STATUS_READYZ_FALSE`: events that make the service not ready. */
  readonly readyzFalse: ReadonlySet<EventName>;
  /** `ADAPTER_STATUS_SHUTDOWN`: events that shut the adapter down. */
  readonly shutdown: ReadonlySet<EventName>;
}

/**
 * The new value of one probe after a batch of events: false if any event is in `falseSet`,
 * else true if any is in `trueSet`, else unchanged (the upstream "false beats true" rule).
 *
 * @example False beats true
 * ```ts
 * import assert from "node:assert/strict";
 * import { type EventName, react } from "./events.ts";
 *
 * const trueSet = new Set<EventName>(["ready", "watchdog"]);
 * const falseSet = new Set<EventName>(["watchdog_trigger"]);
 * assert.equal(react(false, ["ready"], trueSet, falseSet), true);
 * assert.equal(react(true, ["watchdog", "watchdog_trigger"], trueSet, falseSet), false);
 * assert.equal(react(true, ["reloading"], trueSet, falseSet), true);
 * ```
 */
export function react(
  current: boolean,
  events: readonly EventName[],
  trueSet: ReadonlySet<EventName>,
  falseSet: ReadonlySet<EventName>,
): boolean {
  let becomesTrue = false;
  for (const event of events) {
    if (falseSet.has(event)) return false;
    if (trueSet.has(event)) becomesTrue = true;
  }
  return becomesTrue || current;
}

/**
 * Tells whether an event reports a failure (exit status 1 when it shuts the adapter down).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { isFailureEvent } from "./events.ts";
 *
 * assert.equal(isFailureEvent("start_timeout"), true);
 * assert.equal(isFailureEvent("stopping"), false);
 * ```
 */
export function isFailureEvent(name: EventName): boolean {
  return EVENT_EXIT_STATUS[name] === 1;
}

/**
 * The exit status for a batch of events that asks for shutdown: 1 if any is a failure.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { shutdownExitStatus } from "./events.ts";
 *
 * assert.equal(shutdownExitStatus(["stopping"]), 0);
 * assert.equal(shutdownExitStatus(["stopping", "errno"]), 1);
 * ```
 */
export function shutdownExitStatus(events: readonly EventName[]): 0 | 1 {
  return events.some(isFailureEvent) ? 1 : 0;
}
