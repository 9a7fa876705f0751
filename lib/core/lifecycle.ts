/**
 * The adapter's life (behaviour §7): it becomes healthy once the socket is bound and HTTP
 * listens; a shutdown stops the timers, stops the main process, closes the endpoints, and
 * once the main process has ended (or the adapter gave up waiting) writes the termination
 * message and exits with the status the first reason to stop fixed.
 *
 * @module
 */

import { type Draft, log } from "./draft.ts";
import { shutdownExitStatus } from "./events.ts";
import {
  giveUpMainProcess,
  type MainProcess,
  mayRun,
  requestSpawn,
  STOP_GRACE_MS,
  stopMainProcess,
} from "./main_process.ts";
import { setProbe } from "./probe_state.ts";
import { armStartTimer } from "./start_timer.ts";
import type { Ending, EndingCause } from "./state.ts";
import { terminationMessage } from "./termination_message.ts";

/** After SIGKILL, how long the adapter waits for the kernel to report the main process gone. */
export const REAP_WAIT_MS = 500;

/**
 * The socket is bound and HTTP listens: the adapter (process `pid`) is healthy, arms the start
 * timer, and in wrapper mode asks for `COMMAND` to be started. A stop signal that came earlier
 * is honoured now.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { start } from "./lifecycle.ts";
 * import { initialState } from "./state.ts";
 *
 * const draft = draftOf(initialState(parseConfig({}).config), 1_000);
 * start(draft, "@svc", "[::]:8089", 7);
 * assert.equal(draft.phase, "running");
 * assert.equal(draft.healthz, true);
 * assert.equal(draft.startDeadlineMs, 91_000);
 * ```
 */
export function start(draft: Draft, socket: string, address: string, pid: number): void {
  draft.phase = "running";
  draft.adapterPid = pid;
  draft.healthz = true;
  draft.startedAtMs = draft.now;
  log(draft, "info", "Adapter ready", { socket, address });
  log(draft, "info", "Probe state changed", { probe: "healthz", from: false, to: true });
  armStartTimer(draft);
  requestSpawn(draft);
  if (draft.earlyStop !== null) beginShutdown(draft, "signal", draft.earlyStop, 0);
}

/**
 * Begins a graceful shutdown (behaviour §7.2), once: `healthz` false, timers stopped, a running
 * main process sent SIGTERM, then the socket and the HTTP server closed by the shell. The first
 * reason fixes the exit status; later ones change nothing.
 *
 * @example SIGTERM in the sidecar
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { beginShutdown } from "./lifecycle.ts";
 * import { initialState } from "./state.ts";
 *
 * const draft = draftOf({ ...initialState(parseConfig({}).config), phase: "running" }, 0);
 * beginShutdown(draft, "signal", "SIGTERM", 0);
 * assert.equal(draft.phase, "stopping");
 * assert.deepEqual(draft.effects.at(-1), { kind: "shutdown" });
 * ```
 */
export function beginShutdown(
  draft: Draft,
  cause: EndingCause,
  reason: string,
  exitStatus: number,
): void {
  if (draft.phase !== "running") return;
  draft.phase = "stopping";
  draft.startDeadlineMs = null;
  draft.watchdogDeadlineMs = null;
  draft.ending = {
    cause,
    reason,
    exitStatus,
    giveUpAtMs: draft.now + STOP_GRACE_MS + REAP_WAIT_MS,
  };
  log(draft, exitStatus === 0 ? "info" : "warning", "Shutting down", { reason, exitStatus });
  // healthz turns false as soon as shutdown begins, whatever began it (behaviour §3.2).
  draft.healthz = false;
  log(draft, "info", "Probe state changed", { probe: "healthz", from: true, to: false });
  // The service gets SIGTERM first, so that it has the whole grace period within the 2 s.
  stopMainProcess(draft);
  draft.effects.push({ kind: "shutdown" });
}

/**
 * Events in `ADAPTER_STATUS_SHUTDOWN` shut the adapter down, once the probes have moved
 * (behaviour §3.4): exit status 1 if any of those events is a failure, else 0.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { shutDownOnEvents } from "./lifecycle.ts";
 * import { initialState } from "./state.ts";
 *
 * const { config } = parseConfig({ ADAPTER_STATUS_SHUTDOWN: "stopping,errno" });
 * const draft = draftOf({ ...initialState(config), phase: "running" }, 0);
 * draft.events.push("ready", "errno");
 * shutDownOnEvents(draft);
 * assert.deepEqual(draft.ending?.reason, "event errno");
 * assert.equal(draft.ending?.exitStatus, 1);
 * ```
 */
export function shutDownOnEvents(draft: Draft): void {
  const { shutdown } = draft.config;
  if (shutdown.size === 0) return;
  const stopping = draft.events.filter((event) => shutdown.has(event));
  if (stopping.length === 0) return;
  beginShutdown(draft, "events", `event ${stopping.join(",")}`, shutdownExitStatus(stopping));
}

/**
 * Wrapper mode: the main process is gone, so the service is neither live nor ready, and the
 * adapter stops with its status (behaviour §9.4).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { serviceEnded } from "./lifecycle.ts";
 * import { initialState } from "./state.ts";
 *
 * const state = initialState(parseConfig({}).config, ["sh"]);
 * const draft = draftOf({ ...state, phase: "running", livez: true, readyz: true }, 0);
 * serviceEnded(draft, "child exited with status 3", 3);
 * assert.equal(draft.livez, false);
 * assert.equal(draft.ending?.exitStatus, 3);
 * ```
 */
export function serviceEnded(
  draft: Draft,
  reason: string,
  exitStatus: number,
): void {
  if (draft.phase !== "running") return;
  setProbe(draft, "livez", false);
  setProbe(draft, "readyz", false);
  beginShutdown(draft, "main process", reason, exitStatus);
}

/**
 * Ends a shutdown once nothing is left to wait for: the main process has ended, or SIGKILL
 * has had `REAP_WAIT_MS` to work. Wrapper mode then writes the termination message (behaviour
 * §9.5); the shell flushes the outputs and exits with the status.
 *
 * @example The sidecar exits at once
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { beginShutdown, finishShutdown } from "./lifecycle.ts";
 * import { initialState } from "./state.ts";
 *
 * const draft = draftOf({ ...initialState(parseConfig({}).config), phase: "running" }, 0);
 * beginShutdown(draft, "signal", "SIGTERM", 0);
 * finishShutdown(draft);
 * assert.equal(draft.phase, "exiting");
 * assert.deepEqual(draft.effects.at(-1), { kind: "exit", exitStatus: 0, startupFailure: null });
 * ```
 */
export function finishShutdown(draft: Draft): void {
  const { ending } = draft;
  if (draft.phase !== "stopping" || ending === null) return;
  if (mayRun(draft.mainProcess)) {
    if (draft.now < ending.giveUpAtMs) return;
    giveUpMainProcess(draft);
  }
  draft.phase = "exiting";
  const path = draft.config.terminationMessagePath;
  if (draft.command !== null && path !== null) {
    draft.effects.push({ kind: "writeTerminationMessage", path, text: terminationMessage(draft) });
  }
  draft.effects.push({
    kind: "exit",
    exitStatus: ending.exitStatus,
    startupFailure: startupFailure(ending, draft.mainProcess),
  });
}

// A failure to start `COMMAND` that ended the adapter is written even with `ADAPTER_LOG=false`
// (behaviour §9.1); a spawn that failed after a signal began the shutdown is only logged.
function startupFailure(ending: Ending, main: MainProcess | null): string | null {
  return ending.cause === "main process" && main?.phase === "failed" ? main.reason : null;
}
