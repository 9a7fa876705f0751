/**
 * The adapter's behaviour (SPEC §2–§4, §7) as one pure function:
 * `step(state, input, now) → { state, effects }`. `now` is monotonic milliseconds, passed in
 * by the shell; effects are plain data the shell carries out. Nothing here does I/O.
 *
 * @module
 */

import type { AssignmentValue } from "./assignments.ts";
import type { Config } from "./config.ts";
import {
  EVENT_NAMES,
  type EventName,
  isFailureEvent,
  react,
  shutdownExitStatus,
} from "./events.ts";
import type { Effect, LogLevel } from "./effects.ts";
import type { NotifyMessage } from "./notify_message.ts";
import { type Counters, countEvents, countMessage, emptyCounters } from "./counters.ts";

/** Everything the adapter knows; `/status` and the probes read it, `step` replaces it. */
export interface AdapterState {
  readonly config: Config;
  readonly phase: "starting" | "running" | "stopping";
  readonly healthz: boolean;
  readonly livez: boolean;
  readonly readyz: boolean;
  /** Monotonic time the adapter became healthy, for uptime. */
  readonly startedAt: number | null;
  /** Whether a `READY=1` has arrived: the start timer's only trigger (SPEC §4). */
  readonly readySeen: boolean;
  readonly startDeadline: number | null;
  /** Milliseconds; 0 means no watchdog. */
  readonly watchdogTimeout: number;
  readonly watchdogDeadline: number | null;
  readonly statusText: string | null;
  readonly mainPid: number | null;
  readonly exitStatus: number | null;
  readonly errno: number | null;
  readonly busError: string | null;
  readonly lastEvent: { readonly name: EventName; readonly at: number } | null;
  readonly counters: Counters;
}

/** What the shell feeds the reducer. */
export type Input =
  /** The socket is bound and HTTP listens: the adapter is healthy. */
  | { readonly kind: "started"; readonly socket: string; readonly address: string }
  | { readonly kind: "datagram"; readonly message: NotifyMessage }
  /** The shell's one timer fired: deadlines at or before `now` expire. */
  | { readonly kind: "tick" }
  /** A stop request from outside (SIGTERM, SIGINT). */
  | { readonly kind: "stop"; readonly reason: string }
  /** Wrapper mode (SPEC §8): the service process ended with this status (128 + signal). */
  | { readonly kind: "childExited"; readonly exitStatus: number; readonly reason: string };

/** The new state and what the shell must do. */
export interface Step {
  readonly state: AdapterState;
  readonly effects: readonly Effect[];
}

/** The state before the adapter is healthy, from the configuration. */
export function initialState(config: Config): AdapterState {
  return {
    config,
    phase: "starting",
    healthz: false,
    livez: config.initialLivez,
    readyz: config.initialReadyz,
    startedAt: null,
    readySeen: false,
    startDeadline: null,
    watchdogTimeout: config.watchdogSec,
    watchdogDeadline: null,
    statusText: null,
    mainPid: null,
    exitStatus: null,
    errno: null,
    busError: null,
    lastEvent: null,
    counters: emptyCounters(),
  };
}

/** The earliest armed deadline, which the shell's one timer is set to. */
export function nextDeadline(state: AdapterState): number | null {
  const { startDeadline: start, watchdogDeadline: watchdog } = state;
  if (start === null) return watchdog;
  return watchdog === null ? start : Math.min(start, watchdog);
}

// A working copy for one step: local mutation of a fresh object keeps `step` pure.
type Draft = { -readonly [K in keyof AdapterState]: AdapterState[K] } & {
  readonly now: number;
  readonly events: EventName[];
  readonly effects: Effect[];
};

// Fields listed one by one, not spread: a literal of fixed shape is several times cheaper
// than `{ ...state }` and a rest pattern, and `step` runs once per datagram.
function draftOf(state: AdapterState, now: number): Draft {
  return {
    config: state.config,
    phase: state.phase,
    healthz: state.healthz,
    livez: state.livez,
    readyz: state.readyz,
    startedAt: state.startedAt,
    readySeen: state.readySeen,
    startDeadline: state.startDeadline,
    watchdogTimeout: state.watchdogTimeout,
    watchdogDeadline: state.watchdogDeadline,
    statusText: state.statusText,
    mainPid: state.mainPid,
    exitStatus: state.exitStatus,
    errno: state.errno,
    busError: state.busError,
    lastEvent: state.lastEvent,
    counters: state.counters,
    now,
    events: [],
    effects: [],
  };
}

function stateOf(draft: Draft): AdapterState {
  return {
    config: draft.config,
    phase: draft.phase,
    healthz: draft.healthz,
    livez: draft.livez,
    readyz: draft.readyz,
    startedAt: draft.startedAt,
    readySeen: draft.readySeen,
    startDeadline: draft.startDeadline,
    watchdogTimeout: draft.watchdogTimeout,
    watchdogDeadline: draft.watchdogDeadline,
    statusText: draft.statusText,
    mainPid: draft.mainPid,
    exitStatus: draft.exitStatus,
    errno: draft.errno,
    busError: draft.busError,
    lastEvent: draft.lastEvent,
    counters: draft.counters,
  };
}

function log(
  draft: Draft,
  level: LogLevel,
  message: string,
  fields: Readonly<Record<string, unknown>>,
) {
  draft.effects.push({ kind: "log", level, message, fields });
}

function armWatchdog(draft: Draft, cause: string) {
  if (draft.watchdogTimeout === 0) {
    draft.watchdogDeadline = null;
    return;
  }
  const wasArmed = draft.watchdogDeadline !== null;
  draft.watchdogDeadline = draft.now + draft.watchdogTimeout;
  // A routine ping re-arms silently; its event record is enough.
  if (!wasArmed) {
    log(draft, "info", "Timer armed", {
      timer: "watchdog",
      cause,
      timeoutMs: draft.watchdogTimeout,
    });
  }
}

function disarmWatchdog(draft: Draft, cause: string) {
  if (draft.watchdogDeadline === null) return;
  draft.watchdogDeadline = null;
  log(draft, "info", "Timer disarmed", { timer: "watchdog", cause });
}

function allowed(draft: Draft, key: string, permitted: boolean, variable: string): boolean {
  if (!permitted) {
    log(draft, "info", "Assignment ignored by configuration", { key, variable });
  }
  return permitted;
}

type Handler = (draft: Draft, value: AssignmentValue) => void;

/**
 * What each assignment does, in the order systemd's service_notify_message() applies them,
 * except STOPPING=1, which goes last so that it disarms the watchdog even when the same
 * datagram also pings it ("STOPPING= wins over the others", service.c).
 */
const HANDLERS: Readonly<Record<string, Handler>> = {
  MAINPID: (draft, value) => {
    draft.mainPid = value as number;
  },
  READY: (draft) => {
    draft.events.push("ready");
    if (draft.readySeen) return;
    draft.readySeen = true;
    if (draft.startDeadline !== null) {
      draft.startDeadline = null;
      log(draft, "info", "Timer stopped", { timer: "start", cause: "READY=1" });
    }
    // Start-up is complete: systemd (re)starts the watchdog from now (service_enter_start_post).
    armWatchdog(draft, "READY=1");
  },
  RELOADING: (draft) => {
    draft.events.push("reloading");
  },
  STATUS: (draft, value) => {
    draft.statusText = value === "" ? null : value as string;
  },
  ERRNO: (draft, value) => {
    draft.errno = value as number;
    draft.events.push("errno");
  },
  BUSERROR: (draft, value) => {
    // An empty value clears the recorded error; it reports nothing.
    draft.busError = value === "" ? null : value as string;
    if (value !== "") draft.events.push("buserror");
  },
  EXIT_STATUS: (draft, value) => {
    draft.exitStatus = value as number;
  },
  EXTEND_TIMEOUT_USEC: (draft, value) => {
    const usec = value as number;
    const permitted = draft.config.allowMessageExtendTimeoutUsec;
    if (
      !allowed(draft, "EXTEND_TIMEOUT_USEC", permitted, "ADAPTER_ALLOW_MESSAGE_EXTEND_TIMEOUT_USEC")
    ) {
      return;
    }
    // service_extend_timeout(): 0 and USEC_INFINITY are ignored; deadlines never move earlier.
    if (usec === 0 || usec === Infinity) return;
    const extended = draft.now + usec / 1000;
    if (draft.startDeadline !== null) draft.startDeadline = Math.max(draft.startDeadline, extended);
    if (draft.watchdogDeadline !== null) {
      draft.watchdogDeadline = Math.max(draft.watchdogDeadline, extended);
    }
    log(draft, "info", "Timeout extended", { extendMs: usec / 1000 });
  },
  WATCHDOG: (draft, value) => {
    if (value === "trigger") {
      draft.events.push("watchdog_trigger");
      disarmWatchdog(draft, "WATCHDOG=trigger");
      return;
    }
    draft.events.push("watchdog");
    armWatchdog(draft, "WATCHDOG=1");
  },
  WATCHDOG_USEC: (draft, value) => {
    const usec = value as number;
    const permitted = draft.config.allowMessageWatchdogUsec;
    if (!allowed(draft, "WATCHDOG_USEC", permitted, "ADAPTER_ALLOW_MESSAGE_WATCHDOG_USEC")) return;
    // USEC_INFINITY, like 0, means no watchdog (timestamp_is_set() in service_start_watchdog).
    draft.watchdogTimeout = usec === Infinity ? 0 : usec / 1000;
    log(draft, "info", "Watchdog timeout changed", { timeoutMs: draft.watchdogTimeout });
    if (draft.watchdogTimeout === 0) disarmWatchdog(draft, "WATCHDOG_USEC=0");
    else {
      draft.watchdogDeadline = null;
      armWatchdog(draft, "WATCHDOG_USEC");
    }
  },
  STOPPING: (draft) => {
    draft.events.push("stopping");
    disarmWatchdog(draft, "STOPPING=1");
  },
};

const HANDLER_ORDER: Readonly<Record<string, number>> = Object.fromEntries(
  Object.keys(HANDLERS).map((key, index) => [key, index]),
);

function byHandlerOrder(a: { key: string }, b: { key: string }): number {
  return HANDLER_ORDER[a.key] - HANDLER_ORDER[b.key];
}

function receive(draft: Draft, message: NotifyMessage) {
  draft.counters = countMessage(draft.counters, message);
  for (const { reason, excerpt } of message.rejected) {
    log(draft, "warning", "Input rejected", { reason, excerpt });
  }
  const { accepted } = message;
  if (accepted.length === 0) return;
  if (draft.config.echo) draft.effects.push({ kind: "echo", lines: accepted.map((a) => a.line) });
  const handled = accepted.filter((assignment) => HANDLERS[assignment.key] !== undefined);
  if (handled.length > 1) handled.sort(byHandlerOrder);
  for (const { key, value } of handled) HANDLERS[key](draft, value);
}

function expire(draft: Draft) {
  if (draft.startDeadline !== null && draft.now >= draft.startDeadline) {
    draft.startDeadline = null;
    log(draft, "warning", "Timer expired", { timer: "start" });
    draft.events.push("start_timeout");
  }
  if (draft.watchdogDeadline !== null && draft.now >= draft.watchdogDeadline) {
    draft.watchdogDeadline = null;
    log(draft, "warning", "Timer expired", { timer: "watchdog" });
    draft.events.push("watchdog_timeout");
  }
}

function beginShutdown(draft: Draft, reason: string, exitStatus: number) {
  draft.phase = "stopping";
  draft.startDeadline = null;
  draft.watchdogDeadline = null;
  log(draft, exitStatus === 0 ? "info" : "warning", "Shutting down", { reason, exitStatus });
  draft.effects.push({ kind: "shutdown", exitStatus, reason });
}

const PROBES = ["livez", "readyz"] as const;

// One frozen fields object per event name: a flood's records share it, and the log reuses
// the text it made for it.
const EVENT_FIELDS: Readonly<Record<EventName, Readonly<{ event: EventName }>>> = Object.freeze(
  Object.fromEntries(EVENT_NAMES.map((event) => [event, Object.freeze({ event })])) as Record<
    EventName,
    Readonly<{ event: EventName }>
  >,
);

// All events of one datagram, or of one instant, count together: false beats true (SPEC §3).
function applyEvents(draft: Draft) {
  const { events, config } = draft;
  if (events.length === 0) return;
  for (const event of events) {
    log(draft, isFailureEvent(event) ? "warning" : "info", "Event", EVENT_FIELDS[event]);
  }
  draft.lastEvent = { name: events[events.length - 1], at: draft.now };
  draft.counters = countEvents(draft.counters, events);
  const next = {
    livez: react(draft.livez, events, config.livezTrue, config.livezFalse),
    readyz: react(draft.readyz, events, config.readyzTrue, config.readyzFalse),
  };
  for (const probe of PROBES) {
    if (next[probe] === draft[probe]) continue;
    log(draft, "info", "Probe state changed", { probe, from: draft[probe], to: next[probe] });
    draft[probe] = next[probe];
  }
  const stopping = events.filter((event) => config.shutdown.has(event));
  if (stopping.length > 0) {
    beginShutdown(draft, `event ${stopping.join(",")}`, shutdownExitStatus(stopping));
  }
}

function start(draft: Draft, socket: string, address: string) {
  draft.phase = "running";
  draft.healthz = true;
  draft.startedAt = draft.now;
  log(draft, "info", "Adapter ready", { socket, address });
  log(draft, "info", "Probe state changed", { probe: "healthz", from: false, to: true });
  if (draft.config.timeoutStartSec > 0) {
    draft.startDeadline = draft.now + draft.config.timeoutStartSec;
    log(draft, "info", "Timer armed", { timer: "start", timeoutMs: draft.config.timeoutStartSec });
  }
}

// Wrapper mode: with the service gone it is neither live nor ready, and the adapter follows it.
function serviceGone(draft: Draft, exitStatus: number, reason: string) {
  for (const probe of PROBES) {
    if (!draft[probe]) continue;
    log(draft, "info", "Probe state changed", { probe, from: true, to: false });
    draft[probe] = false;
  }
  beginShutdown(draft, reason, exitStatus);
}

/** Applies one input at monotonic time `now` (milliseconds). */
export function step(state: AdapterState, input: Input, now: number): Step {
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
    case "childExited":
      serviceGone(draft, input.exitStatus, input.reason);
      break;
  }
  // healthz turns false as soon as shutdown begins, whatever began it (SPEC §3).
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
