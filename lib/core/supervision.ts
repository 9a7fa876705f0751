/**
 * Wrapper mode supervises the service as systemd does (behaviour §9): on `watchdog_timeout`
 * or `WATCHDOG=trigger` the child gets `ADAPTER_WATCHDOG_SIGNAL` (systemd's `WatchdogSignal=`,
 * SIGABRT by default, so that it dumps core or a stack trace), then SIGKILL once
 * `ADAPTER_TIMEOUT_ABORT_SEC` has passed (systemd's `TimeoutAbortSec=`). The sidecar has no
 * child, so nothing here applies to it.
 *
 * @module
 */

import { type Draft, log } from "./draft.ts";

/**
 * Sends the watchdog signal when this step judged a watchdog failure of a running child.
 *
 * @example SIGABRT, then SIGKILL after the default 90 s
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * import { superviseChild } from "./supervision.ts";
 *
 * const state = { ...initialState(parseConfig({}).config), child: { pid: 42, status: null } };
 * const draft = draftOf(state, 30_000);
 * draft.lastFailure = { event: "watchdog_timeout", at: 30_000, timeoutMs: 10_000 };
 * draft.events.push("watchdog_timeout");
 * superviseChild(draft);
 * assert.deepEqual(draft.effects.at(-1), {
 *   kind: "signalChild",
 *   signal: "SIGABRT",
 *   reason: "watchdog_timeout",
 * });
 * assert.equal(draft.abort?.killDeadline, 120_000);
 * ```
 */
export function superviseChild(draft: Draft): void {
  const { child, abort, lastFailure, config, events } = draft;
  if (child === null || child.status !== null || abort !== null || lastFailure === null) return;
  if (!events.includes("watchdog_timeout") && !events.includes("watchdog_trigger")) return;
  const signal = config.watchdogSignal;
  if (signal === null) return;
  const abortMs = config.timeoutAbortSec;
  const killDeadline = abortMs === Infinity ? null : draft.now + abortMs;
  draft.abort = { signal, cause: lastFailure, killDeadline };
  const reason = lastFailure.event;
  log(draft, "warning", "Aborting child", { pid: child.pid, signal, reason });
  draft.effects.push({ kind: "signalChild", signal, reason });
}

/**
 * SIGKILL once the abort timeout has passed and the child is still there.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * import { expireAbort } from "./supervision.ts";
 *
 * const draft = draftOf({
 *   ...initialState(parseConfig({}).config),
 *   child: { pid: 42, status: null },
 *   abort: {
 *     signal: "SIGABRT",
 *     cause: { event: "watchdog_trigger", at: 0, timeoutMs: 0 },
 *     killDeadline: 90_000,
 *   },
 * }, 90_000);
 * expireAbort(draft);
 * assert.deepEqual(draft.effects.at(-1), {
 *   kind: "signalChild",
 *   signal: "SIGKILL",
 *   reason: "no exit within ADAPTER_TIMEOUT_ABORT_SEC after SIGABRT",
 * });
 * ```
 */
export function expireAbort(draft: Draft): void {
  const { abort, child } = draft;
  if (abort === null || abort.killDeadline === null || draft.now < abort.killDeadline) return;
  draft.abort = { ...abort, killDeadline: null };
  if (child === null || child.status !== null) return;
  const reason = `no exit within ADAPTER_TIMEOUT_ABORT_SEC after ${abort.signal}`;
  log(draft, "warning", "Killing child", { pid: child.pid, signal: "SIGKILL", reason });
  draft.effects.push({ kind: "signalChild", signal: "SIGKILL", reason });
}
