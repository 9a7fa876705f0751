/**
 * The start timer (behaviour §4), systemd's `TimeoutStartSec=`: armed when the adapter
 * becomes healthy, stopped by the first `READY=1`, and on expiry the event `start_timeout`,
 * once. Its trigger is "no READY=1 yet", never the current `readyz` value.
 *
 * @module
 */

import { type Draft, log } from "./draft.ts";

/**
 * Arms the start timer from now, unless `ADAPTER_UNIT_TIMEOUT_START_SEC` turns it off.
 *
 * @example The default start timeout, 90 s
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { armStartTimer } from "./start_timer.ts";
 * import { initialState } from "./state.ts";
 *
 * const draft = draftOf(initialState(parseConfig({}).config), 1_000);
 * armStartTimer(draft);
 * assert.equal(draft.startDeadlineMs, 91_000);
 * ```
 */
export function armStartTimer(draft: Draft): void {
  const timeoutMs = draft.config.timeoutStartMs;
  if (timeoutMs === 0) return;
  draft.startDeadlineMs = draft.now + timeoutMs;
  log(draft, "info", "Timer armed", { timer: "start", timeoutMs });
}

/**
 * The first `READY=1`: start-up is complete, and the start timer is done for good.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { completeStartup } from "./start_timer.ts";
 * import { initialState } from "./state.ts";
 *
 * const draft = draftOf({ ...initialState(parseConfig({}).config), startDeadlineMs: 90_000 }, 0);
 * completeStartup(draft);
 * assert.equal(draft.readySeen, true);
 * assert.equal(draft.startDeadlineMs, null);
 * ```
 */
export function completeStartup(draft: Draft): void {
  if (draft.readySeen) return;
  draft.readySeen = true;
  if (draft.startDeadlineMs === null) return;
  draft.startDeadlineMs = null;
  log(draft, "info", "Timer stopped", { timer: "start", cause: "READY=1" });
}

/**
 * Fires `start_timeout` if the start deadline has passed.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { expireStartTimer } from "./start_timer.ts";
 * import { initialState } from "./state.ts";
 *
 * const state = { ...initialState(parseConfig({}).config), startDeadlineMs: 90_000 };
 * const draft = draftOf(state, 90_000);
 * expireStartTimer(draft);
 * assert.deepEqual(draft.events, ["start_timeout"]);
 * assert.equal(draft.startDeadlineMs, null);
 * ```
 */
export function expireStartTimer(draft: Draft): void {
  if (draft.startDeadlineMs === null || draft.now < draft.startDeadlineMs) return;
  draft.lastFailure = {
    event: "start_timeout",
    atMs: draft.now,
    timeoutMs: draft.config.timeoutStartMs,
  };
  draft.startDeadlineMs = null;
  log(draft, "warning", "Timer expired", { timer: "start" });
  draft.events.push("start_timeout");
}
