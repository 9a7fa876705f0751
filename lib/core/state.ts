/**
 * What the adapter knows (behaviour §3–§5, §7, §9), what the shell feeds the reducer, and the
 * state before start-up. `/status`, `/metrics` and the probes read the state; `step` replaces it.
 * Every time in the state is monotonic milliseconds (`…Ms`), the shell's clock as it passed it.
 *
 * @module
 */

import type { Config } from "./config.ts";
import { type Counters, emptyCounters } from "./counters.ts";
import type { EventName } from "./events.ts";
import type { UnseenReason } from "./followed_main.ts";
import type { PidFileRead } from "./pid_file.ts";
import {
  type LearnedMainProcess,
  type MainProcess,
  sigkillAtMs,
  waitingMainProcess,
} from "./main_process.ts";
import type { NotifyMessage } from "./notify_message.ts";
import type { ProcessEnd } from "./process_end.ts";
import type { SignalName } from "./signals.ts";
import { NO_WATCHDOG_MARGIN, type WatchdogMargin } from "./watchdog_margin.ts";

/** A failure the adapter judged: a timer that expired, or `WATCHDOG=trigger`. */
export interface Failure {
  /** The event the failure raised. */
  readonly event: "watchdog_timeout" | "watchdog_trigger" | "start_timeout";
  /** When it was judged. */
  readonly atMs: number;
  /** The timeout that expired (0 for a trigger). */
  readonly timeoutMs: number;
}

/** Wrapper mode: the watchdog signal sent to the main process, on record for the message. */
export interface Abort {
  /** The signal sent, from `ADAPTER_WATCHDOG_SIGNAL`. */
  readonly signal: SignalName;
  /** The failure it answered. */
  readonly cause: Failure;
}

/** What began a shutdown (behaviour §7.2). */
export type EndingCause =
  /** SIGTERM or SIGINT, in the sidecar. */
  | "signal"
  /** Events in `ADAPTER_STATUS_SHUTDOWN` (behaviour §3.4). */
  | "events"
  /** Wrapper mode: the main process ended, or never started. */
  | "main process"
  /** Wrapper mode: an unexpected error in the adapter. */
  | "error";

/** Why the adapter shuts down, the status it exits with, and how long it waits. */
export interface Ending {
  /** What began it. */
  readonly cause: EndingCause;
  /** Why, as logged: the signal, the events, or how the main process ended. */
  readonly reason: string;
  /** The status the adapter exits with: the first reason's (behaviour §7.2). */
  readonly exitStatus: number;
  /**
   * When the adapter exits even if the main process has not been seen to end: a process the
   * kernel never reports (or a runtime that loses its status) must not keep the adapter alive.
   */
  readonly giveUpAtMs: number;
}

/** The phases of the adapter's life (behaviour §7); each has its own table of inputs. */
export type Phase =
  /** Before the socket is bound and HTTP listens. */
  | "starting"
  /** Healthy: datagrams and timers are judged. */
  | "running"
  /** Shutdown began: the socket is closed, the main process is being stopped. */
  | "stopping"
  /** The shell is writing the last output and exits; nothing changes any more. */
  | "exiting";

/** Everything the adapter knows. */
export interface AdapterState {
  /** The configuration, as parsed at start-up. */
  readonly config: Config;
  /** Wrapper mode: `COMMAND` and its arguments; `null` in the sidecar. */
  readonly command: readonly string[] | null;
  /** Where the adapter is in its life. */
  readonly phase: Phase;
  /** Whether `/healthz` answers 200: the adapter itself works. */
  readonly healthz: boolean;
  /** Whether `/livez` answers 200: the service is live. */
  readonly livez: boolean;
  /** Whether `/readyz` answers 200: the service is ready. */
  readonly readyz: boolean;
  /** When the adapter became healthy, for uptime. */
  readonly startedAtMs: number | null;
  /** A stop signal that came before the adapter was healthy: honoured once it is. */
  readonly earlyStop: SignalName | null;
  /** Whether a `READY=1` has arrived: the start timer's only trigger (behaviour §4). */
  readonly readySeen: boolean;
  /** When the start timer expires; `null` while it is not armed. */
  readonly startDeadlineMs: number | null;
  /** The watchdog timeout; 0 means no watchdog. */
  readonly watchdogTimeoutMs: number;
  /** When the watchdog expires; `null` while it is not armed. */
  readonly watchdogDeadlineMs: number | null;
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
  /** The last event and when it came, for `/status`. */
  readonly lastEvent: { readonly name: EventName; readonly atMs: number } | null;
  /** The last failure judged, for the termination message. */
  readonly lastFailure: Failure | null;
  /** Wrapper mode: the service's main process, the child the adapter starts; `null` otherwise. */
  readonly mainProcess: MainProcess | null;
  /** Wrapper mode: the watchdog signal sent to the main process, if any. */
  readonly abort: Abort | null;
  /** The adapter's own process ID, from start-up: never taken for the main process. */
  readonly adapterPid: number | null;
  /** A main process learned from `MAINPID=` or the PID file, watched until it ends (§11). */
  readonly learnedMain: LearnedMainProcess | null;
  /** The last process that could not be watched, and why: its repeats are not logged again. */
  readonly lastUnseen: { readonly pid: number; readonly reason: UnseenReason } | null;
  /** The reasons a process could not be watched that were already warned about, once each. */
  readonly warnedUnseen: readonly UnseenReason[];
  /** What was last wrong with the PID file, as logged; `null` once it was read well. */
  readonly pidFileProblem: string | null;
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
  | {
    readonly kind: "started";
    readonly socket: string;
    readonly address: string;
    /** The adapter's own process ID. */
    readonly pid: number;
  }
  /** One datagram from the socket, parsed. */
  | { readonly kind: "datagram"; readonly message: NotifyMessage }
  /** The shell's one timer fired: deadlines at or before `now` expire. */
  | { readonly kind: "tick" }
  /** A caught signal (behaviour §7.3); the core decides what it does. */
  | { readonly kind: "signal"; readonly signal: SignalName }
  /** Wrapper mode: `COMMAND` started as this process. */
  | { readonly kind: "spawned"; readonly pid: number }
  /** Wrapper mode: `COMMAND` could not be started (126 or 127, as a shell), and why. */
  | { readonly kind: "spawnFailed"; readonly exitStatus: 126 | 127; readonly reason: string }
  /** Wrapper mode: the main process ended, after the datagrams it sent before it were judged. */
  | { readonly kind: "exited"; readonly pid: number; readonly end: ProcessEnd }
  /** The learned main process `pid` could not be watched (behaviour §11), and why. */
  | {
    readonly kind: "mainUnseen";
    readonly pid: number;
    readonly reason: "absent" | "thread" | "ended" | "error";
    /** For `error`: what failed, such as loading libc. */
    readonly detail: string;
  }
  /** The learned main process `pid` ended, after the datagrams it sent before were judged. */
  | { readonly kind: "mainExited"; readonly pid: number }
  /** The PID file, read after `READY=1` or because what it holds changed. */
  | { readonly kind: "pidFile"; readonly cause: "READY=1" | "change"; readonly read: PidFileRead }
  /** Something in the shell failed that nothing handled (a bug). */
  | { readonly kind: "failed"; readonly error: string };

/**
 * The state before the adapter is healthy, from the configuration and, in wrapper mode, the
 * command it will start.
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
 * assert.equal(state.mainProcess, null);
 * ```
 */
export function initialState(
  config: Config,
  command: readonly string[] | null = null,
): AdapterState {
  return {
    config,
    command,
    phase: "starting",
    healthz: false,
    livez: config.initialLivez,
    readyz: config.initialReadyz,
    startedAtMs: null,
    earlyStop: null,
    readySeen: false,
    startDeadlineMs: null,
    watchdogTimeoutMs: config.watchdogMs,
    watchdogDeadlineMs: null,
    statusText: null,
    mainPid: null,
    exitStatus: null,
    errno: null,
    busError: null,
    lastEvent: null,
    lastFailure: null,
    mainProcess: command === null ? null : waitingMainProcess(),
    abort: null,
    adapterPid: null,
    learnedMain: null,
    lastUnseen: null,
    warnedUnseen: [],
    pidFileProblem: null,
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
 * const armed = { ...state, startDeadlineMs: 90_000, watchdogDeadlineMs: 30_000 };
 * assert.equal(nextDeadline(armed), 30_000);
 * ```
 */
export function nextDeadline(state: AdapterState): number | null {
  const timers = earlier(state.startDeadlineMs, state.watchdogDeadlineMs);
  const kill = state.mainProcess === null ? null : sigkillAtMs(state.mainProcess);
  const giveUp = state.phase === "stopping" ? state.ending?.giveUpAtMs ?? null : null;
  return earlier(earlier(timers, kill), giveUp);
}
