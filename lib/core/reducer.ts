/**
 * The adapter's behaviour as one pure function: `step(state, input, now) → { state, effects }`.
 * `now` is monotonic milliseconds, passed in by the shell; effects are plain data the shell
 * carries out. The rules themselves live in the modules named after them: the start timer,
 * the watchdog, `EXTEND_TIMEOUT_USEC`, the assignment table, the probe state, supervision.
 *
 * @module
 */

import { applyLine, byHandlerOrder, hasHandler } from "./assignment_handlers.ts";
import { isWellKnownLine, type WellKnownLine } from "./assignments.ts";
import { countMessage } from "./counters.ts";
import { type Draft, draftOf, log, stateOf } from "./draft.ts";
import type { Effect } from "./effects.ts";
import type { NotifyMessage } from "./notify_message.ts";
import { ping } from "./ping.ts";
import { echoLine } from "./printable.ts";
import { applyEvents, beginShutdown, serviceGone } from "./probe_state.ts";
import { armStartTimer, expireStartTimer } from "./start_timer.ts";
import { type AdapterState, type Input, nextDeadline } from "./state.ts";
import { expireAbort, superviseChild } from "./supervision.ts";
import { expireWatchdog } from "./watchdog.ts";

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

function start(draft: Draft, socket: string, address: string) {
  draft.phase = "running";
  draft.healthz = true;
  draft.startedAt = draft.now;
  log(draft, "info", "Adapter ready", { socket, address });
  log(draft, "info", "Probe state changed", { probe: "healthz", from: false, to: true });
  armStartTimer(draft);
}

function expire(draft: Draft) {
  expireStartTimer(draft);
  expireWatchdog(draft);
  expireAbort(draft);
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
 * const started = step(initialState(config), { kind: "started", socket: "@s", address: "" }, 0);
 * assert.deepEqual(started.effects.at(-1), { kind: "armTimer", at: 90_000 });
 * const expired = step(started.state, { kind: "tick" }, 90_000);
 * assert.equal(expired.state.lastFailure?.event, "start_timeout");
 * assert.equal(expired.state.livez, false);
 * ```
 */
export function step(state: AdapterState, input: Input, now: number): Step {
  if (input.kind === "datagram") {
    const routine = ping(state, input.message, now);
    if (routine !== undefined) return routine;
  }
  return generalStep(state, input, now);
}

/**
 * `step` without the shortcut for a lone `WATCHDOG=1`: every input through the working copy
 * and the rule modules. The shortcut must give exactly what this gives (a property test
 * compares them).
 */
export function generalStep(state: AdapterState, input: Input, now: number): Step {
  // Once shutdown has begun, nothing but the shell's own teardown matters.
  if (state.phase === "stopping") return { state, effects: [] };
  if (state.phase === "starting" && input.kind !== "started") return { state, effects: [] };
  const draft = draftOf(state, now);
  switch (input.kind) {
    case "started":
      start(draft, input.socket, input.address);
      break;
    case "datagram":
      receive(draft, input.message);
      applyEvents(draft);
      break;
    case "tick":
      expire(draft);
      applyEvents(draft);
      break;
    case "stop":
      beginShutdown(draft, input.reason, 0);
      break;
    case "childStarted":
      draft.child = { pid: input.pid, status: null };
      break;
    case "childExited":
      if (draft.child !== null) draft.child = { ...draft.child, status: input.status };
      serviceGone(draft);
      beginShutdown(draft, input.reason, input.exitStatus);
      break;
  }
  if (draft.phase === "running") superviseChild(draft);
  // healthz turns false as soon as shutdown begins, whatever began it (behaviour §3).
  if (draft.phase === "stopping" && draft.healthz) {
    draft.healthz = false;
    log(draft, "info", "Probe state changed", { probe: "healthz", from: true, to: false });
  }
  const next = stateOf(draft);
  const { effects } = draft;
  // A tick consumed the shell's timer, so it always says what comes next.
  const after = nextDeadline(next);
  if (input.kind === "tick" || after !== nextDeadline(state)) {
    effects.push({ kind: "armTimer", at: after });
  }
  return { state: next, effects };
}
