/**
 * The adapter's behaviour as one pure function: `step(state, input, now) → { state, effects }`.
 * `now` is monotonic milliseconds, passed in by the shell; effects are plain data the shell
 * carries out. Each phase of the adapter's life has a table of the inputs it takes; an input
 * its table does not name changes nothing. The rules themselves live in the modules named
 * after them: the lifecycle, the main process, signals, the start timer, the watchdog,
 * `EXTEND_TIMEOUT_USEC`, the assignment table, the probe state, supervision.
 *
 * @module
 */

import { applyLine, byHandlerOrder, hasHandler } from "./assignment_handlers.ts";
import { isWellKnownLine, type WellKnownLine } from "./assignments.ts";
import { countMessage, countPing } from "./counters.ts";
import { copyOf, type Draft, draftOf, log, stateOf } from "./draft.ts";
import type { Effect } from "./effects.ts";
import { type EventName, react } from "./events.ts";
import {
  beginShutdown,
  finishShutdown,
  serviceEnded,
  shutDownOnEvents,
  start,
} from "./lifecycle.ts";
import { mainExited, mainUnseen, pidFileRead } from "./followed_main.ts";
import { exited, expireSigkill, spawned, spawnFailed } from "./main_process.ts";
import type { NotifyMessage } from "./notify_message.ts";
import { endReason, exitStatusOf } from "./process_end.ts";
import { applyEvents, EVENT_FIELDS } from "./probe_state.ts";
import { receiveSignal } from "./signal_policy.ts";
import { expireStartTimer } from "./start_timer.ts";
import { type AdapterState, type Input, nextDeadline, type Phase } from "./state.ts";
import { superviseMainProcess } from "./supervision.ts";
import { echoLine } from "./printable.ts";
import { expireWatchdog } from "./watchdog.ts";
import { observeWatchdogPing } from "./watchdog_margin.ts";

export { type AdapterState, initialState, type Input, nextDeadline } from "./state.ts";

/** The new state and what the shell must do. */
export interface Step {
  /** The state after the input. */
  readonly state: AdapterState;
  /** What the shell must do, in order. */
  readonly effects: readonly Effect[];
}

function receive(draft: Draft, message: NotifyMessage) {
  draft.counters = countMessage(draft.counters, message);
  for (const { reason, excerpt } of message.rejected) {
    log(draft, "warning", "Input rejected", { reason, excerpt });
  }
  const { accepted } = message;
  if (accepted.length === 0) return;
  if (draft.config.echo) draft.effects.push({ kind: "echo", lines: accepted.map(echoLine) });
  const handled: WellKnownLine[] = [];
  for (const line of accepted) if (isWellKnownLine(line) && hasHandler(line)) handled.push(line);
  if (handled.length > 1) handled.sort(byHandlerOrder);
  for (const line of handled) applyLine(draft, line);
}

// The events of one datagram or one instant, together (behaviour §3.3, §3.4, §9.3): the probes
// move, a shutdown event stops the adapter, and otherwise a watchdog failure aborts the service.
function judge(draft: Draft) {
  applyEvents(draft);
  shutDownOnEvents(draft);
  if (draft.phase === "running") superviseMainProcess(draft);
}

function unexpected(draft: Draft, error: string) {
  log(draft, "error", "Unexpected error", { error });
  // A wrapper whose shell failed may have lost track of its child: it stops it and exits,
  // rather than run on unsupervised (behaviour §7.2). The sidecar keeps answering probes.
  if (draft.command !== null) beginShutdown(draft, "error", `unexpected error: ${error}`, 1);
}

/** What one input does to a working copy; each phase has a table of them. */
type Handlers = {
  readonly [K in Input["kind"]]?: (draft: Draft, input: Extract<Input, { kind: K }>) => void;
};

const STARTING: Handlers = {
  started: (draft, { socket, address, pid }) => start(draft, socket, address, pid),
  signal: (draft, { signal }) => receiveSignal(draft, signal),
  failed: (draft, { error }) => unexpected(draft, error),
};

const RUNNING: Handlers = {
  datagram: (draft, { message }) => {
    receive(draft, message);
    judge(draft);
  },
  tick: (draft) => {
    expireStartTimer(draft);
    expireWatchdog(draft);
    expireSigkill(draft);
    judge(draft);
  },
  signal: (draft, { signal }) => receiveSignal(draft, signal),
  spawned: (draft, { pid }) => spawned(draft, pid),
  spawnFailed: (draft, { exitStatus, reason }) => {
    spawnFailed(draft, exitStatus, reason);
    serviceEnded(draft, reason, exitStatus);
  },
  exited: (draft, { pid, end }) => {
    if (exited(draft, pid, end)) serviceEnded(draft, endReason(end), exitStatusOf(end));
  },
  mainUnseen: (draft, { pid, reason, detail }) => mainUnseen(draft, pid, reason, detail),
  mainExited: (draft, { pid }) => {
    if (mainExited(draft, pid)) judge(draft);
  },
  pidFile: (draft, { cause, read }) => pidFileRead(draft, cause, read),
  failed: (draft, { error }) => unexpected(draft, error),
};

// Shutdown began: the socket is closed, so datagrams are not judged; what is left is the end of
// the main process, which the adapter waits for, SIGKILL, and signals still forwarded to it.
const STOPPING: Handlers = {
  tick: (draft) => expireSigkill(draft),
  signal: (draft, { signal }) => receiveSignal(draft, signal),
  spawned: (draft, { pid }) => spawned(draft, pid),
  spawnFailed: (draft, { exitStatus, reason }) => spawnFailed(draft, exitStatus, reason),
  exited: (draft, { pid, end }) => void exited(draft, pid, end),
  failed: (draft, { error }) => unexpected(draft, error),
};

const PHASES: Readonly<Record<Phase, Handlers>> = Object.freeze({
  starting: STARTING,
  running: RUNNING,
  stopping: STOPPING,
  // The shell is flushing its outputs on the way out; nothing changes any more.
  exiting: {},
});

function handle<K extends Input["kind"]>(draft: Draft, input: Extract<Input, { kind: K }>) {
  const handler = PHASES[draft.phase][input.kind] as Handlers[K] | undefined;
  handler?.(draft, input);
}

/**
 * Applies one input at monotonic time `now` (milliseconds).
 *
 * @example No READY=1 before the start timeout
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { initialState, step } from "./reducer.ts";
 *
 * const { config } = parseConfig({ ADAPTER_INITIAL_LIVEZ: "true" });
 * const start = { kind: "started", socket: "@s", address: "", pid: 7 } as const;
 * const started = step(initialState(config), start, 0);
 * assert.deepEqual(started.effects.at(-1), { kind: "armTimer", at: 90_000 });
 * const expired = step(started.state, { kind: "tick" }, 90_000);
 * assert.equal(expired.state.lastFailure?.event, "start_timeout");
 * assert.equal(expired.state.livez, false);
 * ```
 */
export function step(state: AdapterState, input: Input, now: number): Step {
  if (input.kind === "datagram") {
    const routine = routinePing(state, input.message, now);
    if (routine !== undefined) return routine;
  }
  return generalStep(state, input, now);
}

/**
 * `step` without the shortcut for a lone `WATCHDOG=1`: every input through the working copy
 * and the phase tables. The shortcut must give exactly what this gives (a property test
 * compares them).
 */
export function generalStep(state: AdapterState, input: Input, now: number): Step {
  if (PHASES[state.phase][input.kind] === undefined) return { state, effects: [] };
  const draft = draftOf(state, now);
  handle(draft, input);
  finishShutdown(draft);
  const next = stateOf(draft);
  const { effects } = draft;
  // A tick consumed the shell's timer, so it always says what comes next.
  const after = nextDeadline(next);
  if (input.kind === "tick" || after !== nextDeadline(state)) {
    effects.push({ kind: "armTimer", at: after });
  }
  return { state: next, effects };
}

// Not frozen: react() loops over it, and V8 iterates a frozen array more slowly (react() took
// 5.0 % of an in-process flood's time with it frozen, 2.2 % without; `--cpu-prof`).
const PING_EVENTS: readonly EventName[] = ["watchdog"];
const PING_ECHO: Effect = Object.freeze({ kind: "echo", lines: Object.freeze(["WATCHDOG=1"]) });
const PING_LOG: Effect = Object.freeze({
  kind: "log",
  level: "info",
  message: "Event",
  fields: EVENT_FIELDS.get("watchdog")!,
});
const PING_EFFECTS: readonly Effect[] = Object.freeze([PING_LOG]);
const ECHOED_PING_EFFECTS: readonly Effect[] = Object.freeze([PING_ECHO, PING_LOG]);
const pingEffects = (echo: boolean) => echo ? ECHOED_PING_EFFECTS : PING_EFFECTS;

/**
 * The step for the commonest input by far, a lone `WATCHDOG=1` (a service in a tight loop sends nothing
 * else): the same step as the general path, without the working copy, the sort and the
 * intermediate arrays. Only the routine case: a running adapter whose watchdog is already
 * armed (or off), whose probes the `watchdog` event leaves as they are, and which it does not
 * shut down; anything else is `undefined` and goes the general way.
 */
// deno bench bench/reducer.bench.ts: step() for a ping takes 97–140 ns with this, 413–474 ns
// without (generalStep(), 3 runs).
export function routinePing(
  state: AdapterState,
  message: NotifyMessage,
  now: number,
): Step | undefined {
  const { accepted } = message;
  if (state.phase !== "running" || accepted.length !== 1 || message.rejected.length !== 0) return;
  const { key, value } = accepted[0];
  if (key !== "WATCHDOG" || value !== "1") return;
  const { config, watchdogTimeoutMs } = state;
  // The first arming is logged; a probe change or a shutdown is the general path's.
  if (watchdogTimeoutMs !== 0 && state.watchdogDeadlineMs === null) return;
  if (config.shutdown.has("watchdog")) return;
  if (react(state.livez, PING_EVENTS, config.livezTrue, config.livezFalse) !== state.livez) return;
  if (react(state.readyz, PING_EVENTS, config.readyzTrue, config.readyzFalse) !== state.readyz) {
    return;
  }
  const next = copyOf(state);
  observeWatchdogPing(next, now);
  next.watchdogDeadlineMs = watchdogTimeoutMs === 0 ? null : now + watchdogTimeoutMs;
  next.lastEvent = { name: "watchdog", atMs: now };
  next.counters = countPing(state.counters);
  const after = nextDeadline(next);
  if (after === nextDeadline(state)) return { state: next, effects: pingEffects(config.echo) };
  // One literal of the final length: pushing onto a literal of two reallocated it for 19
  // elements, 173 B of a ping's 1.3 kB (V8's --trace-gc over 2 M steps).
  const armTimer: Effect = { kind: "armTimer", at: after };
  return {
    state: next,
    effects: config.echo ? [PING_ECHO, PING_LOG, armTimer] : [PING_LOG, armTimer],
  };
}
