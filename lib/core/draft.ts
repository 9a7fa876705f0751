/**
 * The reducer's working copy of the state for one step: the rule modules change it in place,
 * and `step` freezes the result into a new state. Local mutation of a fresh object keeps
 * `step` pure and cheap.
 *
 * @module
 */

import type { Effect, LogFields, LogLevel } from "./effects.ts";
import type { EventName } from "./events.ts";
import type { AdapterState } from "./state.ts";

/** A mutable copy of the state, the step's time, and what the step produced so far. */
export type Draft = { -readonly [K in keyof AdapterState]: AdapterState[K] } & {
  readonly now: number;
  readonly events: EventName[];
  readonly effects: Effect[];
};

// Fields listed one by one, not spread: a literal of fixed shape is several times cheaper
// than `{ ...state }` and a rest pattern, and `step` runs once per datagram.

/**
 * A working copy of `state` at monotonic time `now`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { initialState } from "./state.ts";
 *
 * const draft = draftOf(initialState(parseConfig({}).config), 5_000);
 * assert.equal(draft.now, 5_000);
 * assert.deepEqual(draft.effects, []);
 * ```
 */
export function draftOf(state: AdapterState, now: number): Draft {
  return {
    config: state.config,
    command: state.command,
    phase: state.phase,
    healthz: state.healthz,
    livez: state.livez,
    readyz: state.readyz,
    startedAtMs: state.startedAtMs,
    earlyStop: state.earlyStop,
    readySeen: state.readySeen,
    startDeadlineMs: state.startDeadlineMs,
    watchdogTimeoutMs: state.watchdogTimeoutMs,
    watchdogDeadlineMs: state.watchdogDeadlineMs,
    statusText: state.statusText,
    mainPid: state.mainPid,
    exitStatus: state.exitStatus,
    errno: state.errno,
    busError: state.busError,
    lastEvent: state.lastEvent,
    lastFailure: state.lastFailure,
    mainProcess: state.mainProcess,
    abort: state.abort,
    adapterPid: state.adapterPid,
    learnedMain: state.learnedMain,
    lastUnseen: state.lastUnseen,
    warnedUnseen: state.warnedUnseen,
    pidFileProblem: state.pidFileProblem,
    ending: state.ending,
    counters: state.counters,
    watchdogMargin: state.watchdogMargin,
    now,
    events: [],
    effects: [],
  };
}

/**
 * The state a working copy ends as.
 *
 * @example The state it came from is left as it was
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf, stateOf } from "./draft.ts";
 * import { initialState } from "./state.ts";
 *
 * const state = initialState(parseConfig({}).config);
 * const draft = draftOf(state, 0);
 * draft.statusText = "Loading";
 * assert.equal(stateOf(draft).statusText, "Loading");
 * assert.equal(state.statusText, null);
 * ```
 */
export function stateOf(draft: Draft): AdapterState {
  return copyOf(draft);
}

/** The state fields of `source`, as a fresh object a step may change before it returns it. */
export type StateCopy = { -readonly [K in keyof AdapterState]: AdapterState[K] };

/**
 * A fresh copy of the state fields of `source` (a state, or a working copy): the one field
 * list behind `stateOf` and the shortcut of a lone `WATCHDOG=1`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { copyOf } from "./draft.ts";
 * import { initialState } from "./state.ts";
 *
 * const state = initialState(parseConfig({}).config);
 * const copy = copyOf(state);
 * copy.statusText = "Loading";
 * assert.equal(state.statusText, null);
 * ```
 */
export function copyOf(source: AdapterState): StateCopy {
  return {
    config: source.config,
    command: source.command,
    phase: source.phase,
    healthz: source.healthz,
    livez: source.livez,
    readyz: source.readyz,
    startedAtMs: source.startedAtMs,
    earlyStop: source.earlyStop,
    readySeen: source.readySeen,
    startDeadlineMs: source.startDeadlineMs,
    watchdogTimeoutMs: source.watchdogTimeoutMs,
    watchdogDeadlineMs: source.watchdogDeadlineMs,
    statusText: source.statusText,
    mainPid: source.mainPid,
    exitStatus: source.exitStatus,
    errno: source.errno,
    busError: source.busError,
    lastEvent: source.lastEvent,
    lastFailure: source.lastFailure,
    mainProcess: source.mainProcess,
    abort: source.abort,
    adapterPid: source.adapterPid,
    learnedMain: source.learnedMain,
    lastUnseen: source.lastUnseen,
    warnedUnseen: source.warnedUnseen,
    pidFileProblem: source.pidFileProblem,
    ending: source.ending,
    counters: source.counters,
    watchdogMargin: source.watchdogMargin,
  };
}

/**
 * Adds a log record to the step's effects.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf, log } from "./draft.ts";
 * import { initialState } from "./state.ts";
 *
 * const draft = draftOf(initialState(parseConfig({}).config), 0);
 * log(draft, "info", "Timer armed", { timer: "start" });
 * assert.deepEqual(draft.effects, [
 *   { kind: "log", level: "info", message: "Timer armed", fields: { timer: "start" } },
 * ]);
 * ```
 */
export function log(draft: Draft, level: LogLevel, message: string, fields: LogFields): void {
  draft.effects.push({ kind: "log", level, message, fields });
}
