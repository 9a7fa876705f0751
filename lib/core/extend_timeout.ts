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
 * const draft = draftOf({ ...initialState(parseConfig({}).config), startDeadline: 90_000 }, 0);
 * extendTimeout(draft, 120_000_000);
 * assert.equal(draft.startDeadline, 120_000);
 * extendTimeout(draft, 1_000_000);
 * assert.equal(draft.startDeadline, 120_000);
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
  if (draft.startDeadline !== null) draft.startDeadline = Math.max(draft.startDeadline, extended);
  if (draft.watchdogDeadline !== null) {
    draft.watchdogDeadline = Math.max(draft.watchdogDeadline, extended);
  }
  const { abort } = draft;
  if (abort !== null && abort.killDeadline !== null) {
    draft.abort = { ...abort, killDeadline: Math.max(abort.killDeadline, extended) };
  }
  log(draft, "info", "Timeout extended", { extendMs: usec / 1000 });
}
