/**
 * The commonest input by far, a lone `WATCHDOG=1` (a service in a tight loop sends nothing
 * else): the same step as the general path gives, without the working copy, the sort and the
 * intermediate arrays. Only the routine case takes it: a running adapter whose watchdog is
 * already armed (or off), whose probes the `watchdog` event leaves as they are and which it
 * does not shut down. Anything else returns `undefined` and goes the general way.
 *
 * @module
 */

import { countPing } from "./counters.ts";
import { copyOf } from "./draft.ts";
import type { Effect } from "./effects.ts";
import { type EventName, react } from "./events.ts";
import type { NotifyMessage } from "./notify_message.ts";
import { EVENT_FIELDS } from "./probe_state.ts";
import { type AdapterState, nextDeadline } from "./state.ts";
import { observeWatchdogPing } from "./watchdog_margin.ts";

const EVENTS: readonly EventName[] = Object.freeze(["watchdog"]);
const ECHO: Effect = Object.freeze({ kind: "echo", lines: Object.freeze(["WATCHDOG=1"]) });
const LOG: Effect = Object.freeze({
  kind: "log",
  level: "info",
  message: "Event",
  fields: EVENT_FIELDS.get("watchdog")!,
});

/**
 * The step for a lone `WATCHDOG=1`, or `undefined` when it is not the routine case.
 *
 * @example A ping re-arms the watchdog
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { parseNotifyMessage } from "./notify_message.ts";
 * import { ping } from "./ping.ts";
 * import { initialState } from "./state.ts";
 *
 * const { config } = parseConfig({ ADAPTER_UNIT_WATCHDOG_SEC: "10s" });
 * const running = { phase: "running" as const, livez: true, readyz: true };
 * const state = { ...initialState(config), ...running, watchdogDeadline: 10_000 };
 * const message = parseNotifyMessage(new TextEncoder().encode("WATCHDOG=1"));
 * assert.equal(ping(state, message, 5_000)?.state.watchdogDeadline, 15_000);
 * ```
 */
export function ping(
  state: AdapterState,
  message: NotifyMessage,
  now: number,
): { state: AdapterState; effects: readonly Effect[] } | undefined {
  const { accepted } = message;
  if (state.phase !== "running" || accepted.length !== 1 || message.rejected.length !== 0) return;
  const { key, value } = accepted[0];
  if (key !== "WATCHDOG" || value !== "1") return;
  const { config, watchdogTimeout } = state;
  // The first arming is logged; a probe change or a shutdown is the general path's.
  if (watchdogTimeout !== 0 && state.watchdogDeadline === null) return;
  if (config.shutdown.has("watchdog")) return;
  if (react(state.livez, EVENTS, config.livezTrue, config.livezFalse) !== state.livez) return;
  if (react(state.readyz, EVENTS, config.readyzTrue, config.readyzFalse) !== state.readyz) return;
  const next = copyOf(state);
  observeWatchdogPing(next, now);
  next.watchdogDeadline = watchdogTimeout === 0 ? null : now + watchdogTimeout;
  next.lastEvent = { name: "watchdog", at: now };
  next.counters = countPing(state.counters);
  const effects: Effect[] = config.echo ? [ECHO, LOG] : [LOG];
  const after = nextDeadline(next);
  if (after !== nextDeadline(state)) effects.push({ kind: "armTimer", at: after });
  return { state: next, effects };
}
