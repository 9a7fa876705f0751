/**
 * A main process the adapter did not start (behaviour §11), followed as systemd follows one: the
 * process a `MAINPID=` names, or the one the PID file names (`ADAPTER_UNIT_PID_FILE`, systemd's
 * `PIDFile=`), read after `READY=1` and whenever what it holds changes. The shell watches it
 * (a pidfd) and reports its end; what the end means is systemd's rule: the service is no longer
 * active, so both probes turn false (`main_exited`, in the default `_FALSE` lists) and the next
 * instance is a new start, with the start timer armed anew and the watchdog waiting for it.
 *
 * The adapter cannot prove that a PID it is told is the sender's (it has no sender credentials),
 * so it refuses what it can tell is wrong (PID 1, itself, a process that does not exist or has
 * ended) with one warning that says what to set, and otherwise keeps today's behaviour.
 *
 * @module
 */

import { type Draft, log } from "./draft.ts";
import type { LogLevel } from "./effects.ts";
import { followedMainProcess, type LearnedMainProcess } from "./main_process.ts";
import { PID_FILE_MISSING, type PidFileRead, pidInFile } from "./pid_file.ts";
import { armStartTimer } from "./start_timer.ts";
import { disarmWatchdog } from "./watchdog.ts";

/** Why a process named as the main process is not followed. */
export type UnseenReason =
  /** No such process in the adapter's PID namespace: most often, the namespace is not shared. */
  | "absent"
  /** A thread's ID, not a process's: without a shared namespace, often one of the adapter's. */
  | "thread"
  /** It had ended (a zombie, or gone) when the adapter looked. */
  | "ended"
  /** PID 1: the init of the adapter's namespace (the Pod's pause process, or the adapter). */
  | "init"
  /** The adapter itself. */
  | "adapter"
  /** No pidfd for it: libc not loaded, no `pidfd_open`, a kernel older than 5.3, or an error. */
  | "error";

// What to set: a PID the service sends from its own namespace names nothing, PID 1 or the
// adapter in the adapter's.
const SHARE_NAMESPACE = "share the Pod's PID namespace with the service: " +
  "shareProcessNamespace: true in the Pod spec";

const UNSEEN: Readonly<
  Record<UnseenReason, { readonly why: (pid: number, detail: string) => string; fix?: string }>
> = Object.freeze({
  absent: {
    why: (pid) => `no process ${pid} is in the adapter's PID namespace`,
    fix: SHARE_NAMESPACE,
  },
  thread: {
    why: (pid) => `${pid} is the ID of a thread, not of a process, in the adapter's PID namespace`,
    fix: SHARE_NAMESPACE,
  },
  ended: { why: (pid) => `process ${pid} had already ended` },
  init: {
    why: () => "PID 1 is the init of the adapter's PID namespace, not the service",
    fix: SHARE_NAMESPACE,
  },
  adapter: { why: (pid) => `PID ${pid} is the adapter itself`, fix: SHARE_NAMESPACE },
  error: { why: (_pid, detail) => `the adapter cannot watch it: ${detail}` },
});

/** The variable that names the PID file, as its warnings name it. */
const PID_FILE_VARIABLE = "ADAPTER_UNIT_PID_FILE";

/**
 * Logs that `pid` is not followed: a warning the first time for each reason, an info record
 * after that, nothing for the same process and reason again (a service may send `MAINPID=`
 * with every ping).
 */
function notFollowed(
  draft: Draft,
  pid: number,
  origin: LearnedMainProcess["origin"],
  reason: UnseenReason,
  detail: string,
): void {
  const last = draft.lastUnseen;
  if (last !== null && last.pid === pid && last.reason === reason) return;
  draft.lastUnseen = { pid, reason };
  let level: LogLevel = "info";
  if (!draft.warnedUnseen.includes(reason)) {
    draft.warnedUnseen = [...draft.warnedUnseen, reason];
    level = "warning";
  }
  const { why, fix } = UNSEEN[reason];
  log(draft, level, "Main process not followed", {
    pid,
    origin,
    ...(origin === "PID file" ? { variable: PID_FILE_VARIABLE } : {}),
    reason: why(pid, detail),
    ...(fix === undefined ? {} : { fix }),
  });
}

/**
 * A process named as the main process, by `MAINPID=` or the PID file: followed, unless it is
 * the one already followed, or one the adapter can tell is not the service. In wrapper mode the
 * child is the main process already; another process moves the watch there, the child's own end
 * keeping its meaning.
 *
 * @example MAINPID= in the sidecar asks the shell to watch the process
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { learnMainProcess } from "./followed_main.ts";
 * import { initialState } from "./state.ts";
 *
 * const state = { ...initialState(parseConfig({}).config), phase: "running" as const };
 * const draft = draftOf({ ...state, adapterPid: 7 }, 0);
 * learnMainProcess(draft, 4242, "MAINPID");
 * assert.deepEqual(draft.learnedMain, { pid: 4242, origin: "MAINPID" });
 * assert.deepEqual(draft.effects.at(-1), { kind: "watchMain", pid: 4242 });
 * ```
 */
export function learnMainProcess(
  draft: Draft,
  pid: number,
  origin: LearnedMainProcess["origin"],
): void {
  if (followedMainProcess(draft)?.pid === pid) return;
  const main = draft.mainProcess;
  if (main?.phase === "running" && main.pid === pid) {
    // Back to the child: nothing else to watch.
    draft.learnedMain = null;
    draft.effects.push({ kind: "unwatchMain" });
    log(draft, "info", "Main process followed", { pid, origin: "child" });
    return;
  }
  if (pid === draft.adapterPid) return notFollowed(draft, pid, origin, "adapter", "");
  if (pid === 1) return notFollowed(draft, pid, origin, "init", "");
  draft.learnedMain = { pid, origin };
  draft.lastUnseen = null;
  log(draft, "info", "Main process followed", { pid, origin });
  draft.effects.push({ kind: "watchMain", pid });
}

/**
 * The shell could not watch the learned main process `pid`: it is forgotten, and the adapter
 * keeps today's behaviour.
 *
 * @example A MAINPID= from a container whose PID namespace the adapter does not share
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { mainUnseen } from "./followed_main.ts";
 * import { initialState } from "./state.ts";
 *
 * const state = initialState(parseConfig({}).config);
 * const draft = draftOf({ ...state, learnedMain: { pid: 7, origin: "MAINPID" } }, 0);
 * mainUnseen(draft, 7, "absent", "");
 * assert.equal(draft.learnedMain, null);
 * assert.deepEqual(draft.effects.at(-1), {
 *   kind: "log",
 *   level: "warning",
 *   message: "Main process not followed",
 *   fields: {
 *     pid: 7,
 *     origin: "MAINPID",
 *     reason: "no process 7 is in the adapter's PID namespace",
 *     fix: "share the Pod's PID namespace with the service: " +
 *       "shareProcessNamespace: true in the Pod spec",
 *   },
 * });
 * ```
 */
export function mainUnseen(
  draft: Draft,
  pid: number,
  reason: UnseenReason,
  detail: string,
): void {
  const learned = draft.learnedMain;
  if (learned?.pid !== pid) return;
  draft.learnedMain = null;
  notFollowed(draft, pid, learned.origin, reason, detail);
}

/**
 * The learned main process `pid` ended (behaviour §11.3): event `main_exited`, and the state of
 * a service being started again, as systemd counts each start: no `READY=1` yet, the start
 * timer armed anew, the watchdog disarmed until the next instance arms it, and no main process
 * until one is named again. Returns whether it was the one followed.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { mainExited } from "./followed_main.ts";
 * import { initialState } from "./state.ts";
 *
 * const { config } = parseConfig({ ADAPTER_UNIT_WATCHDOG_SEC: "10s" });
 * const state = {
 *   ...initialState(config),
 *   readySeen: true,
 *   watchdogDeadlineMs: 15_000,
 *   learnedMain: { pid: 4242, origin: "MAINPID" as const },
 * };
 * const draft = draftOf(state, 10_000);
 * assert.equal(mainExited(draft, 4242), true);
 * assert.deepEqual(draft.events, ["main_exited"]);
 * assert.equal(draft.readySeen, false);
 * assert.equal(draft.startDeadlineMs, 100_000);
 * assert.equal(draft.watchdogDeadlineMs, null);
 * assert.equal(draft.learnedMain, null);
 * ```
 */
export function mainExited(draft: Draft, pid: number): boolean {
  const learned = draft.learnedMain;
  if (learned?.pid !== pid) return false;
  draft.learnedMain = null;
  log(draft, "warning", "Main process exited", { pid, origin: learned.origin });
  draft.events.push("main_exited");
  draft.readySeen = false;
  armStartTimer(draft);
  disarmWatchdog(draft, "main process exited");
  return true;
}

/**
 * `READY=1` with a PID file configured: the shell reads it, as systemd reads `PIDFile=` once
 * the service has started.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { requestPidFile } from "./followed_main.ts";
 * import { initialState } from "./state.ts";
 *
 * const { config } = parseConfig({ ADAPTER_UNIT_PID_FILE: "/run/redis/redis.pid" });
 * const draft = draftOf(initialState(config), 0);
 * requestPidFile(draft);
 * assert.deepEqual(draft.effects, [{ kind: "readPidFile" }]);
 * ```
 */
export function requestPidFile(draft: Draft): void {
  if (draft.config.pidFile !== null) draft.effects.push({ kind: "readPidFile" });
}

/**
 * What the shell read of the PID file, after `READY=1` or because it changed: the process it
 * names is followed, or one warning names the variable and what is wrong (once, until the file
 * is read well again). A file that goes away is no news: a service removes its PID file when
 * it stops.
 *
 * @example A file that names no process
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { pidFileRead } from "./followed_main.ts";
 * import { initialState } from "./state.ts";
 *
 * const { config } = parseConfig({ ADAPTER_UNIT_PID_FILE: "/run/redis/redis.pid" });
 * const draft = draftOf(initialState(config), 0);
 * pidFileRead(draft, "READY=1", { problem: "is a symbolic link" });
 * assert.deepEqual(draft.effects, [{
 *   kind: "log",
 *   level: "warning",
 *   message: "PID file not used",
 *   fields: {
 *     variable: "ADAPTER_UNIT_PID_FILE",
 *     path: "/run/redis/redis.pid",
 *     reason: "is a symbolic link",
 *   },
 * }]);
 * ```
 */
export function pidFileRead(draft: Draft, cause: "READY=1" | "change", read: PidFileRead): void {
  const path = draft.config.pidFile;
  if (path === null) return;
  const named = "problem" in read ? read : pidInFile(read.text);
  if ("pid" in named) {
    draft.pidFileProblem = null;
    learnMainProcess(draft, named.pid, "PID file");
    return;
  }
  if (cause === "change" && named.problem === PID_FILE_MISSING) return;
  if (draft.pidFileProblem === named.problem) return;
  draft.pidFileProblem = named.problem;
  log(draft, "warning", "PID file not used", {
    variable: PID_FILE_VARIABLE,
    path,
    reason: named.problem,
  });
}
