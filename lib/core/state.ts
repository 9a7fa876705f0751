/**
 * What the adapter knows (behaviour §3–§5, §9), what the shell feeds the reducer, and the
 * state before start-up. `/status`, `/metrics` and the probes read the state; `step` replaces it.
 *
 * @module
 */

import type { ChildStatus } from "./child_exit.ts";
import type { Config } from "./config.ts";
import { type Counters, emptyCounters } from "./counters.ts";
import type { EventName } from "./events.ts";
import type { NotifyMessage } from "./notify_message.ts";
import type { SignalName } from "./signals.ts";

/** A failure the adapter judged: a timer that expired, or `WATCHDOG=trigger`. */
export interface Failure {
  readonly event: "watchdog_timeout" | "watchdog_trigger" | "start_timeout";
  /** Monotonic milliseconds. */
  readonly at: number;
  /** The timeout that expired, in milliseconds (0 for a trigger). */
  readonly timeoutMs: number;
}

/** Wrapper mode: the watchdog signal was sent; SIGKILL follows at `killDeadline`. */
export interface Abort {
  readonly signal: SignalName;
  readonly cause: Failure;
  /** Monotonic milliseconds; `null` once SIGKILL was sent, or when it never will be. */
  readonly killDeadline: number | null;
}

/** Wrapper mode: the service process the adapter started. */
export interface Child {
  readonly pid: number;
  /** How it ended, once it has. */
  readonly status: ChildStatus | null;
}

/** Why the adapter shuts down, and the status it exits with. */
export interface Ending {
  readonly reason: string;
  readonly exitStatus: number;
}

/** Everything the adapter knows. */
export interface AdapterState {
  readonly config: Config;
  readonly phase: "starting" | "running" | "stopping";
  readonly healthz: boolean;
  readonly livez: boolean;
  readonly readyz: boolean;
  /** Monotonic time the adapter became healthy, for uptime. */
  readonly startedAt: number | null;
  /** Whether a `READY=1` has arrived: the start timer's only trigger (behaviour §4). */
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
  /** The last failure judged, for the termination message. */
  readonly lastFailure: Failure | null;
  readonly child: Child | null;
  readonly abort: Abort | null;
  readonly ending: Ending | null;
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
  /** Wrapper mode: the service process started. */
  | { readonly kind: "childStarted"; readonly pid: number }
  /** Wrapper mode: the service process ended, or could not start (`status` null). */
  | {
    readonly kind: "childExited";
    readonly status: ChildStatus | null;
    readonly exitStatus: number;
    readonly reason: string;
  };

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
    lastFailure: null,
    child: null,
    abort: null,
    ending: null,
    counters: emptyCounters(),
  };
}

function earlier(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  return b === null || a <= b ? a : b;
}

/** The earliest armed deadline, which the shell's one timer is set to. */
export function nextDeadline(state: AdapterState): number | null {
  const timers = earlier(state.startDeadline, state.watchdogDeadline);
  return state.abort === null ? timers : earlier(timers, state.abort.killDeadline);
}
