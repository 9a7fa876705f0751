/**
 * The watchdog (behaviour §4), systemd's `WatchdogSec=` and `sd_notify`'s `WATCHDOG=1`,
 * `WATCHDOG=trigger` and `WATCHDOG_USEC=`. The timeout is `ADAPTER_UNIT_WATCHDOG_SEC` or the
 * last accepted `WATCHDOG_USEC=`; `READY=1` arms it whenever it is not armed; every ping sets
 * deadline = now + timeout; on expiry the event `watchdog_timeout`, once.
 *
 * @module
 */

import type { AssignmentValues } from "./assignments.ts";
import { type Draft, log } from "./draft.ts";
import { measureFromNow, observeWatchdogPing, stopMeasuring } from "./watchdog_margin.ts";

/** Sets the deadline to now + timeout; logs only when the watchdog was not armed. */
function arm(draft: Draft, cause: string): void {
  if (draft.watchdogTimeoutMs === 0) {
    draft.watchdogDeadlineMs = null;
    return;
  }
  const wasArmed = draft.watchdogDeadlineMs !== null;
  draft.watchdogDeadlineMs = draft.now + draft.watchdogTimeoutMs;
  // A routine ping re-arms silently; its event record is enough.
  if (!wasArmed) {
    log(draft, "info", "Timer armed", {
      timer: "watchdog",
      cause,
      timeoutMs: draft.watchdogTimeoutMs,
    });
  }
}

/**
 * Stops the watchdog until something arms it again.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * import { disarmWatchdog } from "./watchdog.ts";
 *
 * const state = { ...initialState(parseConfig({}).config), watchdogDeadlineMs: 30_000 };
 * const draft = draftOf(state, 0);
 * disarmWatchdog(draft, "STOPPING=1");
 * assert.equal(draft.watchdogDeadlineMs, null);
 * ```
 */
export function disarmWatchdog(draft: Draft, cause: string): void {
  stopMeasuring(draft);
  if (draft.watchdogDeadlineMs === null) return;
  draft.watchdogDeadlineMs = null;
  log(draft, "info", "Timer disarmed", { timer: "watchdog", cause });
}

/**
 * `READY=1` arms the watchdog whenever it is not armed: a restarted service container's new
 * instance announces itself so after a timeout, a trigger or `STOPPING=1`. The first one,
 * which completes start-up, re-arms it from now even when a ping armed it earlier, as
 * systemd's service_enter_start_post() restarts the watchdog.
 *
 * @example The first READY=1 arms it from now
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * import { watchdogOnReady } from "./watchdog.ts";
 *
 * const { config } = parseConfig({ ADAPTER_UNIT_WATCHDOG_SEC: "30s" });
 * const draft = draftOf(initialState(config), 1_000);
 * watchdogOnReady(draft, true);
 * assert.equal(draft.watchdogDeadlineMs, 31_000);
 * ```
 */
export function watchdogOnReady(draft: Draft, completesStartup: boolean): void {
  if (completesStartup || draft.watchdogDeadlineMs === null) {
    arm(draft, "READY=1");
    measureFromNow(draft);
  }
}

/**
 * `WATCHDOG=1` re-arms from now; `WATCHDOG=trigger` disarms until the next ping.
 *
 * @example A ping, then a trigger
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * import { watchdogPing } from "./watchdog.ts";
 *
 * const { config } = parseConfig({ ADAPTER_UNIT_WATCHDOG_SEC: "30s" });
 * const draft = draftOf(initialState(config), 1_000);
 * watchdogPing(draft, "1");
 * assert.equal(draft.watchdogDeadlineMs, 31_000);
 * watchdogPing(draft, "trigger");
 * assert.equal(draft.watchdogDeadlineMs, null);
 * assert.deepEqual(draft.events, ["watchdog", "watchdog_trigger"]);
 * ```
 */
export function watchdogPing(draft: Draft, value: AssignmentValues["WATCHDOG"]): void {
  if (value === "trigger") {
    draft.lastFailure = { event: "watchdog_trigger", atMs: draft.now, timeoutMs: 0 };
    draft.events.push("watchdog_trigger");
    disarmWatchdog(draft, "WATCHDOG=trigger");
    return;
  }
  draft.events.push("watchdog");
  observeWatchdogPing(draft, draft.now);
  arm(draft, "WATCHDOG=1");
}

/**
 * `WATCHDOG_USEC=n`, if allowed: the timeout becomes n µs and re-arms from now; 0 (or
 * USEC_INFINITY, as timestamp_is_set() reads it) turns the watchdog off.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * import { watchdogUsec } from "./watchdog.ts";
 *
 * const draft = draftOf(initialState(parseConfig({}).config), 1_000);
 * watchdogUsec(draft, 5_000_000);
 * assert.equal(draft.watchdogTimeoutMs, 5_000);
 * assert.equal(draft.watchdogDeadlineMs, 6_000);
 * ```
 */
export function watchdogUsec(draft: Draft, usec: number): void {
  if (!draft.config.allowMessageWatchdogUsec) {
    log(draft, "info", "Assignment ignored by configuration", {
      key: "WATCHDOG_USEC",
      variable: "ADAPTER_ALLOW_MESSAGE_WATCHDOG_USEC",
    });
    return;
  }
  draft.watchdogTimeoutMs = usec === Infinity ? 0 : usec / 1000;
  log(draft, "info", "Watchdog timeout changed", { timeoutMs: draft.watchdogTimeoutMs });
  if (draft.watchdogTimeoutMs === 0) {
    disarmWatchdog(draft, "WATCHDOG_USEC=0");
    return;
  }
  draft.watchdogDeadlineMs = null;
  arm(draft, "WATCHDOG_USEC");
  measureFromNow(draft);
}

/**
 * Fires `watchdog_timeout` if the watchdog deadline has passed.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * import { expireWatchdog } from "./watchdog.ts";
 *
 * const { config } = parseConfig({ ADAPTER_UNIT_WATCHDOG_SEC: "30s" });
 * const draft = draftOf({ ...initialState(config), watchdogDeadlineMs: 31_000 }, 31_000);
 * expireWatchdog(draft);
 * assert.deepEqual(draft.events, ["watchdog_timeout"]);
 * assert.equal(draft.lastFailure?.timeoutMs, 30_000);
 * ```
 */
export function expireWatchdog(draft: Draft): void {
  if (draft.watchdogDeadlineMs === null || draft.now < draft.watchdogDeadlineMs) return;
  draft.watchdogDeadlineMs = null;
  draft.lastFailure = {
    event: "watchdog_timeout",
    atMs: draft.now,
    timeoutMs: draft.watchdogTimeoutMs,
  };
  log(draft, "warning", "Timer expired", { timer: "watchdog" });
  draft.events.push("watchdog_timeout");
}
