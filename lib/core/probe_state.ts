/**
 * How events move the probes (behaviour §3.3): all events of one datagram, or of one instant,
 * count together; a probe turns false if any is in its `_FALSE` list, else true if any is in
 * its `_TRUE` list, else it keeps its value.
 *
 * @module
 */

import { countEvents } from "./counters.ts";
import { type Draft, log } from "./draft.ts";
import { EVENT_NAMES, type EventName, isFailureEvent, react } from "./events.ts";

/**
 * One frozen fields object per event name: a flood's records share it, and the log reuses
 * the text it made for it.
 */
export const EVENT_FIELDS: ReadonlyMap<EventName, Readonly<{ event: EventName }>> = new Map(
  EVENT_NAMES.map((event) => [event, Object.freeze({ event })]),
);

/**
 * Sets a probe and logs the change, if it is one.
 *
 * @example Only a change is logged
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { setProbe } from "./probe_state.ts";
 * import { initialState } from "./state.ts";
 *
 * const draft = draftOf(initialState(parseConfig({}).config), 0);
 * setProbe(draft, "readyz", true);
 * setProbe(draft, "readyz", true);
 * assert.equal(draft.readyz, true);
 * assert.equal(draft.effects.length, 1);
 * ```
 */
export function setProbe(draft: Draft, probe: "livez" | "readyz", value: boolean): void {
  if (draft[probe] === value) return;
  log(draft, "info", "Probe state changed", { probe, from: draft[probe], to: value });
  draft[probe] = value;
}

/**
 * Logs and counts the step's events, and moves the probes.
 *
 * @example READY=1 with the default reaction lists
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { countsOf } from "./counters.ts";
 * import { draftOf } from "./draft.ts";
 * import { applyEvents } from "./probe_state.ts";
 * import { initialState } from "./state.ts";
 *
 * const draft = draftOf(initialState(parseConfig({}).config), 0);
 * draft.events.push("ready");
 * applyEvents(draft);
 * assert.equal(draft.livez, true);
 * assert.equal(draft.readyz, true);
 * assert.equal(countsOf(draft.counters).events.ready, 1);
 * ```
 */
export function applyEvents(draft: Draft): void {
  const { events, config } = draft;
  if (events.length === 0) return;
  for (const event of events) {
    log(draft, isFailureEvent(event) ? "warning" : "info", "Event", EVENT_FIELDS.get(event)!);
  }
  draft.lastEvent = { name: events[events.length - 1], atMs: draft.now };
  draft.counters = countEvents(draft.counters, events);
  const livez = react(draft.livez, events, config.livezTrue, config.livezFalse);
  const readyz = react(draft.readyz, events, config.readyzTrue, config.readyzFalse);
  setProbe(draft, "livez", livez);
  setProbe(draft, "readyz", readyz);
}
