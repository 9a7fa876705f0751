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
import { NO_WATCHDOG_MARGIN, type WatchdogMargin } from "./watchdog_margin.ts";

/** A failure the adapter judged: a timer that expired, or `WATCHDOG=trigger`. */
export interface Failure {
  /** The event the failure raised. */
  readonly event: "watchdog_timeout" | "watchdog_trigger" | "start_timeout";
  /** Monotonic milliseconds. */
  readonly at: number;
  /** The timeout that expired, in milliseconds (0 for a trigger). */
  readonly timeoutMs: number;
}

/** Wrapper mode: the watchdog signal was sent; SIGKILL follows at `killDeadline`. */
export interface Abort {
  /** The signal sent, from `ADAPTER_WATCHDOG_SIGNAL`. */
  readonly signal: SignalName;
  /** The failure it answered. */
  readonly cause: Failure;
  /** Monotonic milliseconds; `null` once SIGKILL was sent, or when it never will be. */
  readonly killDeadline: number | null;
}

/** Wrapper mode: the service process the adapter started. */
export interface Child {
  /** The service process's ID. */
  readonly pid: number;
  /** How it ended, once it has. */
  readonly status: ChildStatus | null;
}

/** Why the adapter shuts down, and the status it exits with. */
export interface Ending {
  /** Why, as logged: the signal, the events, or how the child ended. */
  readonly reason: string;
  /** The status the adapter exits with. */
  readonly exitStatus: number;
}

/** Everything the adapter knows. */
export interface AdapterState {
  /** The configuration, as parsed at start-up. */
  readonly config: Config;
  /** `starting` until the socket is bound and HTTP listens, `stopping` once shutdown began. */
  readonly phase: "starting" | "running" | "stopping";
  /** Whether `/healthz` answers 200: the adapter itself works. */
  readonly healthz: boolean;
  /** Whether `/livez` answers 200: the service is live. */
  readonly livez: boolean;
  /** Whether `/readyz` answers 200: the service is ready. */
  readonly readyz: boolean;
  /** Monotonic time the adapter became healthy, for uptime. */
  readonly startedAt: number | null;
  /** Whether a `READY=1` has arrived: the start timer's only trigger (behaviour §4). */
  readonly readySeen: boolean;
  /** Monotonic milliseconds at which the start timer expires; `null` while it is not armed. */
  readonly startDeadline: number | null;
  /** Milliseconds; 0 means no watchdog. */
  readonly watchdogTimeout: number;
  /** Monotonic milliseconds at which the watchdog expires; `null` while it is not armed. */
  readonly watchdogDeadline: number | null;
  /** The last `STATUS=` text; `null` before any, or after an empty one. */
  readonly statusText: string | null;
  /** The last `MAINPID=`. */
  readonly mainPid: number | null;
  /** The last `EXIT_STATUS=`. */
  readonly exitStatus: number | null;
  /** The last `ERRNO=`, as a number. */
  readonly errno: number | null;
  /** The last `BUSERROR=`; `null` before any, or after an empty one. */
  readonly busError: string | null;
  /** The last event and its monotonic time, for `/status`. */
  readonly lastEvent: { readonly name: EventName; readonly at: number } | null;
  /** The last failure judged, for the termination message. */
  readonly lastFailure: Failure | null;
  /** Wrapper mode: the service process, once started; always `null` in the sidecar. */
  readonly child: Child | null;
  /** Wrapper mode: the watchdog signal sent to the service, if any. */
  readonly abort: Abort | null;
  /** Why the adapter shuts down, once it does. */
  readonly ending: Ending | null;
  /** What the adapter received and did, for `/status` and `/metrics`. */
  readonly counters: Counters;
  /** How close the pings come to the watchdog deadline (behaviour §4.6). */
  readonly watchdogMargin: WatchdogMargin;
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

/**
 * The state before the adapter is healthy, from the configuration.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { initialState } from "./state.ts";
 *
 * const state = initialState(parseConfig({ ADAPTER_INITIAL_READYZ: "true" }).config);
 * assert.equal(state.phase, "starting");
 * assert.equal(state.healthz, false);
 * assert.equal(state.readyz, true);
 * ```
 */
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
    watchdogMargin: NO_WATCHDOG_MARGIN,
  };
}

function earlier(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  return b === null || a <= b ? a : b;
}

/**
 * The earliest armed deadline, which the shell's one timer is set to.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { initialState, nextDeadline } from "./state.ts";
 *
 * const state = initialState(parseConfig({}).config);
 * assert.equal(nextDeadline(state), null);
 * assert.equal(nextDeadline({ ...state, startDeadline: 90_000, watchdogDeadline: 30_000 }), 30_000);
 * ```
 */
export function nextDeadline(state: AdapterState): number | null {
  const timers = earlier(state.startDeadline, state.watchdogDeadline);
  return state.abort === null ? timers : earlier(timers, state.abort.killDeadline);
}
