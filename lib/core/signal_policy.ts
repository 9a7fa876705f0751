/**
 * What each signal does to the adapter (behaviour §7.3, §9.2). Nothing but SIGTERM and SIGINT
 * stops the sidecar; every other signal whose default action would end or stop the process is
 * caught, so that it does neither. Wrapper mode forwards six of them to the service instead.
 *
 * @module
 */

import { type Draft, log } from "./draft.ts";
import { beginShutdown } from "./lifecycle.ts";
import { forwardSignal } from "./main_process.ts";
import type { SignalName } from "./signals.ts";

/** What the adapter does with a signal. */
export type SignalAction =
  /** Shut down gracefully, exit 0. */
  | "stop"
  /** Wrapper mode: send it on to the child. */
  | "forward"
  /** Log it and carry on. */
  | "ignore"
  /** Carry on without a record: it comes with a failed write, whose record says enough. */
  | "quiet";

/**
 * The signals the adapter catches: each can end (or stop) a process by default and can be
 * caught. Not here: SIGKILL and SIGSTOP (cannot be caught), SIGILL, SIGFPE and SIGSEGV (the
 * runtime refuses them), SIGBUS (returning from a real bus error would repeat the fault for
 * ever), and SIGPIPE (Deno ignores it, so a write to a closed pipe fails instead).
 */
export const CAUGHT_SIGNALS: readonly SignalName[] = Object.freeze([
  "SIGTERM",
  "SIGINT",
  "SIGHUP",
  "SIGQUIT",
  "SIGUSR1",
  "SIGUSR2",
  "SIGALRM",
  "SIGVTALRM",
  "SIGPROF",
  "SIGPWR",
  "SIGXCPU",
  "SIGXFSZ",
  "SIGIO",
  "SIGSTKFLT",
  "SIGTRAP",
  "SIGABRT",
  "SIGSYS",
  "SIGTSTP",
  "SIGTTIN",
  "SIGTTOU",
]);

const SIDECAR: Readonly<Partial<Record<SignalName, SignalAction>>> = {
  SIGTERM: "stop",
  SIGINT: "stop",
  // A file that grew past RLIMIT_FSIZE: the write fails with EFBIG and says so in the log.
  SIGXFSZ: "quiet",
};

// systemd forwards nothing, but a wrapper is the service's only parent: the signals a
// container runtime or an operator sends to stop or reload it must reach it.
const WRAPPER: Readonly<Partial<Record<SignalName, SignalAction>>> = {
  SIGTERM: "forward",
  SIGINT: "forward",
  SIGHUP: "forward",
  SIGQUIT: "forward",
  SIGUSR1: "forward",
  SIGUSR2: "forward",
  SIGXFSZ: "quiet",
};

/**
 * The action for `signal` in the sidecar or in wrapper mode.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { signalAction } from "./signal_policy.ts";
 *
 * assert.equal(signalAction("SIGTERM", "sidecar"), "stop");
 * assert.equal(signalAction("SIGTERM", "wrapper"), "forward");
 * assert.equal(signalAction("SIGHUP", "sidecar"), "ignore");
 * ```
 */
export function signalAction(signal: SignalName, mode: "sidecar" | "wrapper"): SignalAction {
  return (mode === "sidecar" ? SIDECAR : WRAPPER)[signal] ?? "ignore";
}

/**
 * What a caught signal does now, in this phase: a stop signal stops a running adapter (one that
 * is not healthy yet stops as soon as it is; one already stopping keeps its first reason), a
 * forwarded one goes to the main process (behaviour §9.2), an ignored one is logged.
 *
 * @example SIGTERM before the adapter is healthy
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { receiveSignal } from "./signal_policy.ts";
 * import { initialState } from "./state.ts";
 *
 * const draft = draftOf(initialState(parseConfig({}).config), 0);
 * receiveSignal(draft, "SIGTERM");
 * assert.equal(draft.earlyStop, "SIGTERM");
 * assert.equal(draft.phase, "starting");
 * ```
 */
export function receiveSignal(draft: Draft, signal: SignalName): void {
  switch (signalAction(signal, draft.command === null ? "sidecar" : "wrapper")) {
    case "stop":
      if (draft.phase === "starting") draft.earlyStop ??= signal;
      else beginShutdown(draft, "signal", signal, 0);
      return;
    case "forward":
      return forwardSignal(draft, signal);
    case "ignore":
      return log(draft, "info", "Signal ignored", { signal });
    case "quiet":
      return;
  }
}
