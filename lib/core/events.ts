/**
 * The adapter's events (behaviour §3): what a notification or a timer expiry means for the probes.
 *
 * @module
 */

/**
 * Every event, with the exit status the adapter uses when the event is in
 * `ADAPTER_STATUS_SHUTDOWN`: 0 for the service's own orderly states, 1 for failures.
 */
export const EVENT_EXIT_STATUS = Object.freeze({
  ready: 0,
  reloading: 0,
  stopping: 0,
  errno: 1,
  buserror: 1,
  watchdog: 0,
  watchdog_trigger: 1,
  watchdog_timeout: 1,
  start_timeout: 1,
});

/** The name of one event: `ready`, `watchdog_timeout`, … */
export type EventName = keyof typeof EVENT_EXIT_STATUS;

/** All event names, in the order behaviour §3 lists them. */
export const EVENT_NAMES: readonly EventName[] = Object.freeze(
  Object.keys(EVENT_EXIT_STATUS) as EventName[],
);

/** Tells whether `name` is one of the adapter's event names. */
export function isEventName(name: string): name is EventName {
  return Object.hasOwn(EVENT_EXIT_STATUS, name);
}

/** The four reaction lists and the shutdown list of behaviour §1, as sets. */
export interface Reactions {
  readonly livezTrue: ReadonlySet<EventName>;
  readonly livezFalse: ReadonlySet<EventName>;
  readonly readyzTrue: ReadonlySet<EventName>;
  readonly readyzFalse: ReadonlySet<EventName>;
  readonly shutdown: ReadonlySet<EventName>;
}

/**
 * The new value of one probe after a batch of events: false if any event is in `falseSet`,
 * else true if any is in `trueSet`, else unchanged (the upstream "false beats true" rule).
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

/** Tells whether an event reports a failure (exit status 1 when it shuts the adapter down). */
export function isFailureEvent(name: EventName): boolean {
  return EVENT_EXIT_STATUS[name] === 1;
}

/** The exit status for a batch of events that asks for shutdown: 1 if any is a failure. */
export function shutdownExitStatus(events: readonly EventName[]): 0 | 1 {
  return events.some(isFailureEvent) ? 1 : 0;
}
