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

/** Sends the watchdog signal when this step judged a watchdog failure of a running child. */
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

/** SIGKILL once the abort timeout has passed and the child is still there. */
export function expireAbort(draft: Draft): void {
  const { abort, child } = draft;
  if (abort === null || abort.killDeadline === null || draft.now < abort.killDeadline) return;
  draft.abort = { ...abort, killDeadline: null };
  if (child === null || child.status !== null) return;
  const reason = `no exit within ADAPTER_TIMEOUT_ABORT_SEC after ${abort.signal}`;
  log(draft, "warning", "Killing child", { pid: child.pid, signal: "SIGKILL", reason });
  draft.effects.push({ kind: "signalChild", signal: "SIGKILL", reason });
}
