/**
 * The service's main process (behaviour §9, §11): in wrapper mode, the child the adapter starts,
 * as systemd starts a `Type=notify` service. Its whole life is state here: waiting for the
 * adapter to be healthy, spawn requested, running, ended (exit code or signal) or never started;
 * the signals forwarded to it, and the SIGKILL that follows a stop or an abort. The shell only
 * starts it, signals it and reports what became of it.
 *
 * A main process can also be learned, as systemd learns it: from `MAINPID=` or from the PID file
 * (`ADAPTER_UNIT_PID_FILE`, systemd's `PIDFile=`), in the sidecar, or in wrapper mode for a
 * service that forks. The same concept with another origin: `followedMainProcess` says which
 * process is the main one now, and `followed_main.ts` holds the rules of a learned one.
 *
 * @module
 */

import { type Draft, log } from "./draft.ts";
import type { LogFields } from "./effects.ts";
import { exitStatusOf, type ProcessEnd } from "./process_end.ts";
import { type SignalName, signalName } from "./signals.ts";

/** Who named the main process: the adapter started it, `MAINPID=` named it, or the PID file. */
export type MainOrigin = "child" | "MAINPID" | "PID file";

/** A main process the adapter did not start: learned, and watched until it ends (behaviour §11). */
export interface LearnedMainProcess {
  /** Its process ID, in the adapter's PID namespace. */
  readonly pid: number;
  /** Where the adapter learned it. */
  readonly origin: Exclude<MainOrigin, "child">;
}

/** SIGTERM, then this long before SIGKILL, when the adapter stops a main process that runs. */
export const STOP_GRACE_MS = 1_000;

/** The main process, phase by phase. */
export type MainProcess =
  /** The adapter is not healthy yet; signals for the service wait, in order of arrival. */
  | { readonly phase: "waiting"; readonly pendingSignals: readonly SignalName[] }
  /** The shell was asked to start `COMMAND`; signals still wait. */
  | { readonly phase: "spawning"; readonly pendingSignals: readonly SignalName[] }
  /** It runs; SIGKILL is due at `sigkillAtMs` after a stop or an abort (`null`: not due). */
  | { readonly phase: "running"; readonly pid: number; readonly sigkillAtMs: number | null }
  /** It ended so. */
  | { readonly phase: "ended"; readonly pid: number; readonly end: ProcessEnd }
  /** `COMMAND` could not be started: 127 not found, 126 not executable. */
  | { readonly phase: "failed"; readonly exitStatus: 126 | 127; readonly reason: string }
  /** It was never reported to end, even after SIGKILL: the adapter stopped waiting. */
  | { readonly phase: "lost"; readonly pid: number };

/**
 * A main process the adapter will start once it is healthy.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { waitingMainProcess } from "./main_process.ts";
 *
 * assert.deepEqual(waitingMainProcess(), { phase: "waiting", pendingSignals: [] });
 * ```
 */
export function waitingMainProcess(): MainProcess {
  return { phase: "waiting", pendingSignals: [] };
}

/**
 * When SIGKILL is due, for the one timer; `null` when it is not.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { sigkillAtMs } from "./main_process.ts";
 *
 * assert.equal(sigkillAtMs({ phase: "running", pid: 42, sigkillAtMs: 5_000 }), 5_000);
 * assert.equal(sigkillAtMs({ phase: "waiting", pendingSignals: [] }), null);
 * ```
 */
export function sigkillAtMs(main: MainProcess): number | null {
  return main.phase === "running" ? main.sigkillAtMs : null;
}

/**
 * Whether the main process may still run: the adapter waits for it before it exits.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { mayRun } from "./main_process.ts";
 *
 * assert.equal(mayRun({ phase: "running", pid: 42, sigkillAtMs: null }), true);
 * assert.equal(mayRun({ phase: "ended", pid: 42, end: { kind: "exited", code: 0 } }), false);
 * ```
 */
export function mayRun(main: MainProcess | null): boolean {
  return main !== null && (main.phase === "spawning" || main.phase === "running");
}

/**
 * The main process as systemd would name it now: a learned one, else wrapper mode's running
 * child; `null` when the adapter knows none (the sidecar before `MAINPID=` or the PID file).
 *
 * @example A service that forked: MAINPID= moved the main process away from the child
 * ```ts
 * import assert from "node:assert/strict";
 * import { followedMainProcess } from "./main_process.ts";
 *
 * const child = { phase: "running" as const, pid: 42, sigkillAtMs: null };
 * assert.deepEqual(followedMainProcess({ mainProcess: child, learnedMain: null }), {
 *   pid: 42,
 *   origin: "child",
 * });
 * const learnedMain = { pid: 43, origin: "MAINPID" as const };
 * assert.deepEqual(followedMainProcess({ mainProcess: child, learnedMain }), learnedMain);
 * ```
 */
export function followedMainProcess(
  state: {
    readonly mainProcess: MainProcess | null;
    readonly learnedMain: LearnedMainProcess | null;
  },
): { readonly pid: number; readonly origin: MainOrigin } | null {
  if (state.learnedMain !== null) return state.learnedMain;
  const main = state.mainProcess;
  return main?.phase === "running" ? { pid: main.pid, origin: "child" } : null;
}

/**
 * The adapter is healthy: it asks the shell to start `COMMAND` (behaviour §9.1).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { requestSpawn } from "./main_process.ts";
 * import { initialState } from "./state.ts";
 *
 * const draft = draftOf(initialState(parseConfig({}).config, ["redis-server"]), 0);
 * requestSpawn(draft);
 * assert.equal(draft.mainProcess?.phase, "spawning");
 * assert.deepEqual(draft.effects, [{ kind: "spawn", command: ["redis-server"] }]);
 * ```
 */
export function requestSpawn(draft: Draft): void {
  const main = draft.mainProcess;
  if (main?.phase !== "waiting" || draft.command === null) return;
  draft.mainProcess = { phase: "spawning", pendingSignals: main.pendingSignals };
  draft.effects.push({ kind: "spawn", command: draft.command });
}

/** Sends the running main process `sent`, logged as `message` with `pid`, `signal` and `more`. */
function sendSignal(
  draft: Draft,
  pid: number,
  sent: SignalName,
  reason: string,
  { level, message, more = {} }: { level: "info" | "warning"; message: string; more?: LogFields },
): void {
  log(draft, level, message, { pid, signal: sent, ...more });
  draft.effects.push({ kind: "signalChild", signal: sent, reason });
}

/**
 * `COMMAND` started as `pid`: it runs, and the signals that waited for it are forwarded.
 *
 * @example A SIGHUP that came before the child
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { spawned } from "./main_process.ts";
 * import { initialState } from "./state.ts";
 *
 * const state = initialState(parseConfig({}).config, ["sleep", "9"]);
 * const waiting = { phase: "spawning" as const, pendingSignals: ["SIGHUP" as const] };
 * const draft = draftOf({ ...state, mainProcess: waiting }, 0);
 * spawned(draft, 42);
 * assert.deepEqual(draft.mainProcess, { phase: "running", pid: 42, sigkillAtMs: null });
 * assert.deepEqual(draft.effects.at(-1), {
 *   kind: "signalChild",
 *   signal: "SIGHUP",
 *   reason: "forwarded",
 * });
 * ```
 */
export function spawned(draft: Draft, pid: number): void {
  const main = draft.mainProcess;
  if (main?.phase !== "spawning") return;
  draft.mainProcess = { phase: "running", pid, sigkillAtMs: null };
  const [program, ...args] = draft.command ?? [];
  log(draft, "info", "Child started", { command: program, args, pid });
  for (const pending of main.pendingSignals) forwardSignal(draft, pending);
  if (draft.phase === "stopping") stopMainProcess(draft);
}

/**
 * `COMMAND` could not be started: one error record names it and why (behaviour §9.1).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { spawnFailed } from "./main_process.ts";
 * import { initialState } from "./state.ts";
 *
 * const state = initialState(parseConfig({}).config, ["nope"]);
 * const draft = draftOf({ ...state, mainProcess: { phase: "spawning", pendingSignals: [] } }, 0);
 * spawnFailed(draft, 127, "Cannot start COMMAND \"nope\": not found in PATH");
 * assert.equal(draft.mainProcess?.phase, "failed");
 * ```
 */
export function spawnFailed(draft: Draft, exitStatus: 126 | 127, reason: string): void {
  if (draft.mainProcess?.phase !== "spawning") return;
  draft.mainProcess = { phase: "failed", exitStatus, reason };
  log(draft, "error", reason, { command: draft.command?.[0], exitStatus });
}

/**
 * The main process `pid` ended: "Child exited", with how (behaviour §9.4). Returns whether it
 * was the running main process.
 *
 * @example Ended by a real-time signal
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { exited } from "./main_process.ts";
 * import { initialState } from "./state.ts";
 *
 * const state = initialState(parseConfig({}).config, ["sh"]);
 * const running = { phase: "running" as const, pid: 42, sigkillAtMs: null };
 * const draft = draftOf({ ...state, mainProcess: running }, 0);
 * assert.equal(exited(draft, 42, { kind: "killed", signal: 36 }), true);
 * assert.deepEqual(draft.effects.at(-1), {
 *   kind: "log",
 *   level: "warning",
 *   message: "Child exited",
 *   fields: { pid: 42, code: null, signal: "SIGRTMIN+2", exitStatus: 164 },
 * });
 * ```
 */
export function exited(draft: Draft, pid: number, end: ProcessEnd): boolean {
  const main = draft.mainProcess;
  if (main?.phase !== "running" || main.pid !== pid) return false;
  draft.mainProcess = { phase: "ended", pid, end };
  const exitStatus = exitStatusOf(end);
  log(draft, exitStatus === 0 ? "info" : "warning", "Child exited", {
    pid,
    code: end.kind === "exited" ? end.code : null,
    signal: end.kind === "killed" ? signalName(end.signal) : null,
    exitStatus,
  });
  return true;
}

/**
 * A signal for the service (behaviour §9.2): forwarded while it runs, kept until it does,
 * logged as ignored once it has ended.
 *
 * @example Forwarded to the running child
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { forwardSignal } from "./main_process.ts";
 * import { initialState } from "./state.ts";
 *
 * const state = initialState(parseConfig({}).config, ["sh"]);
 * const running = { phase: "running" as const, pid: 42, sigkillAtMs: null };
 * const draft = draftOf({ ...state, mainProcess: running }, 0);
 * forwardSignal(draft, "SIGTERM");
 * assert.deepEqual(draft.effects, [
 *   { kind: "log", level: "info", message: "Signal forwarded", fields: { pid: 42, signal: "SIGTERM" } },
 *   { kind: "signalChild", signal: "SIGTERM", reason: "forwarded" },
 * ]);
 * ```
 */
export function forwardSignal(draft: Draft, sent: SignalName): void {
  const main = draft.mainProcess;
  if (main?.phase === "running") {
    sendSignal(draft, main.pid, sent, "forwarded", { level: "info", message: "Signal forwarded" });
  } else if (main?.phase === "waiting" || main?.phase === "spawning") {
    // Each signal once: a storm of them before the service starts must not grow the state.
    if (!main.pendingSignals.includes(sent)) {
      draft.mainProcess = { ...main, pendingSignals: [...main.pendingSignals, sent] };
    }
  } else {
    log(draft, "info", "Signal ignored", { signal: sent });
  }
}

/**
 * Shutdown stops a main process that still runs: SIGTERM now, SIGKILL after
 * `STOP_GRACE_MS` ("Stopping child" each time, behaviour §9.4). A pending abort's SIGKILL gives
 * way to this one.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { stopMainProcess } from "./main_process.ts";
 * import { initialState } from "./state.ts";
 *
 * const state = initialState(parseConfig({}).config, ["sh"]);
 * const running = { phase: "running" as const, pid: 42, sigkillAtMs: null };
 * const draft = draftOf({ ...state, mainProcess: running }, 5_000);
 * stopMainProcess(draft);
 * assert.deepEqual(draft.mainProcess, { phase: "running", pid: 42, sigkillAtMs: 6_000 });
 * assert.deepEqual(draft.effects.at(-1), {
 *   kind: "signalChild",
 *   signal: "SIGTERM",
 *   reason: "shutdown",
 * });
 * ```
 */
export function stopMainProcess(draft: Draft): void {
  const main = draft.mainProcess;
  if (main?.phase !== "running") return;
  draft.mainProcess = { ...main, sigkillAtMs: draft.now + STOP_GRACE_MS };
  sendSignal(draft, main.pid, "SIGTERM", "shutdown", { level: "info", message: "Stopping child" });
}

/**
 * SIGKILL once it is due: after a stop's grace ("Stopping child"), or an abort's
 * `ADAPTER_TIMEOUT_ABORT_SEC` ("Killing child", behaviour §9.3).
 *
 * @example The abort timeout passed
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { expireSigkill } from "./main_process.ts";
 * import { initialState } from "./state.ts";
 *
 * const state = {
 *   ...initialState(parseConfig({}).config, ["sh"]),
 *   phase: "running" as const,
 *   mainProcess: { phase: "running" as const, pid: 42, sigkillAtMs: 90_000 },
 *   abort: {
 *     signal: "SIGABRT" as const,
 *     cause: { event: "watchdog_trigger" as const, atMs: 0, timeoutMs: 0 },
 *   },
 * };
 * const draft = draftOf(state, 90_000);
 * expireSigkill(draft);
 * assert.deepEqual(draft.effects.at(-1), {
 *   kind: "signalChild",
 *   signal: "SIGKILL",
 *   reason: "no exit within ADAPTER_TIMEOUT_ABORT_SEC after SIGABRT",
 * });
 * ```
 */
export function expireSigkill(draft: Draft): void {
  const main = draft.mainProcess;
  if (main?.phase !== "running" || main.sigkillAtMs === null) return;
  if (draft.now < main.sigkillAtMs) return;
  draft.mainProcess = { ...main, sigkillAtMs: null };
  if (draft.phase === "running" && draft.abort !== null) {
    const reason = `no exit within ADAPTER_TIMEOUT_ABORT_SEC after ${draft.abort.signal}`;
    sendSignal(draft, main.pid, "SIGKILL", reason, {
      level: "warning",
      message: "Killing child",
      more: { reason },
    });
  } else {
    sendSignal(draft, main.pid, "SIGKILL", "shutdown", {
      level: "warning",
      message: "Stopping child",
    });
  }
}

/**
 * The adapter stops waiting for a main process that was never reported to end (behaviour §9.4).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { giveUpMainProcess } from "./main_process.ts";
 * import { initialState } from "./state.ts";
 *
 * const state = initialState(parseConfig({}).config, ["sh"]);
 * const running = { phase: "running" as const, pid: 42, sigkillAtMs: null };
 * const draft = draftOf({ ...state, mainProcess: running }, 0);
 * giveUpMainProcess(draft);
 * assert.deepEqual(draft.mainProcess, { phase: "lost", pid: 42 });
 * ```
 */
export function giveUpMainProcess(draft: Draft): void {
  const main = draft.mainProcess;
  if (main?.phase !== "running") return;
  draft.mainProcess = { phase: "lost", pid: main.pid };
  log(draft, "error", "Child not reported as ended: exiting without it", { pid: main.pid });
}
