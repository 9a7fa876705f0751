/**
 * `EXTEND_TIMEOUT_USEC=n` (behaviour §4.4), as systemd's service_extend_timeout(): if
 * allowed, each armed deadline (start, watchdog, and wrapper mode's abort timer) becomes
 * max(deadline, now + n µs). Never additive, never earlier; 0 and USEC_INFINITY are ignored.
 *
 * @module
 */

import { type Draft, log } from "./draft.ts";

/**
 * Pushes the armed deadlines out to at least now + `usec`.
 *
 * @example Never earlier
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { extendTimeout } from "./extend_timeout.ts";
 * import { initialState } from "./state.ts";
 *
 * const draft = draftOf({ ...initialState(parseConfig({}).config), startDeadlineMs: 90_000 }, 0);
 * extendTimeout(draft, 120_000_000);
 * assert.equal(draft.startDeadlineMs, 120_000);
 * extendTimeout(draft, 1_000_000);
 * assert.equal(draft.startDeadlineMs, 120_000);
 * ```
 */
export function extendTimeout(draft: Draft, usec: number): void {
  if (!draft.config.allowMessageExtendTimeoutUsec) {
    log(draft, "info", "Assignment ignored by configuration", {
      key: "EXTEND_TIMEOUT_USEC",
      variable: "ADAPTER_ALLOW_MESSAGE_EXTEND_TIMEOUT_USEC",
    });
    return;
  }
  if (usec === 0 || usec === Infinity) return;
  const extended = draft.now + usec / 1000;
  if (draft.startDeadlineMs !== null) {
    draft.startDeadlineMs = Math.max(draft.startDeadlineMs, extended);
  }
  if (draft.watchdogDeadlineMs !== null) {
    draft.watchdogDeadlineMs = Math.max(draft.watchdogDeadlineMs, extended);
  }
  // An abort's SIGKILL moves too, so that a service writing a core dump can ask for more time.
  const main = draft.mainProcess;
  if (draft.abort !== null && main?.phase === "running" && main.sigkillAtMs !== null) {
    draft.mainProcess = { ...main, sigkillAtMs: Math.max(main.sigkillAtMs, extended) };
  }
  log(draft, "info", "Timeout extended", { extendMs: usec / 1000 });
}
