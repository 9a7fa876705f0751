/**
 * Wrapper mode supervises the service as systemd does (behaviour §9.3): on `watchdog_timeout`
 * or `WATCHDOG=trigger` the main process gets `ADAPTER_WATCHDOG_SIGNAL` (systemd's
 * `WatchdogSignal=`, SIGABRT by default, so that it dumps core or a stack trace), then SIGKILL
 * once `ADAPTER_TIMEOUT_ABORT_SEC` has passed (systemd's `TimeoutAbortSec=`; the SIGKILL itself
 * is the main process's, `expireSigkill`). The sidecar starts no process, so nothing here
 * applies to it.
 *
 * @module
 */

import { type Draft, log } from "./draft.ts";

/**
 * Sends the watchdog signal when this step judged a watchdog failure of a running main process.
 *
 * @example SIGABRT, then SIGKILL after the default 90 s
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * import { superviseMainProcess } from "./supervision.ts";
 *
 * const state = {
 *   ...initialState(parseConfig({}).config, ["sh"]),
 *   mainProcess: { phase: "running" as const, pid: 42, sigkillAtMs: null },
 * };
 * const draft = draftOf(state, 30_000);
 * draft.lastFailure = { event: "watchdog_timeout", atMs: 30_000, timeoutMs: 10_000 };
 * draft.events.push("watchdog_timeout");
 * superviseMainProcess(draft);
 * assert.deepEqual(draft.effects.at(-1), {
 *   kind: "signalChild",
 *   signal: "SIGABRT",
 *   reason: "watchdog_timeout",
 * });
 * assert.deepEqual(draft.mainProcess, { phase: "running", pid: 42, sigkillAtMs: 120_000 });
 * ```
 */
export function superviseMainProcess(draft: Draft): void {
  const { mainProcess: main, abort, lastFailure, config, events } = draft;
  if (main?.phase !== "running" || abort !== null || lastFailure === null) return;
  if (!events.includes("watchdog_timeout") && !events.includes("watchdog_trigger")) return;
  const signal = config.watchdogSignal;
  if (signal === null) return;
  const abortMs = config.timeoutAbortMs;
  const sigkillAtMs = abortMs === Infinity ? null : draft.now + abortMs;
  draft.abort = { signal, cause: lastFailure };
  draft.mainProcess = { ...main, sigkillAtMs };
  const reason = lastFailure.event;
  log(draft, "warning", "Aborting child", { pid: main.pid, signal, reason });
  draft.effects.push({ kind: "signalChild", signal, reason });
}
