/**
 * Signal listeners (behaviour §7.3): one per caught signal, installed once at start-up and
 * never removed, so that a signal during shutdown, or in the middle of stopping a child,
 * changes nothing. (Removing the last listener would bring the default action back, and for
 * some signals Deno 2.9.6 then aborts; as PID 1 without a SIGTERM listener it crashes.)
 *
 * @module
 */

import { CAUGHT_SIGNALS } from "../core/signal_policy.ts";
import type { SignalName } from "../core/signals.ts";

/** Sends every caught signal to `onSignal`, for the rest of the process's life. */
export function catchSignals(onSignal: (signal: SignalName) => void): void {
  for (const signal of CAUGHT_SIGNALS) Deno.addSignalListener(signal, () => onSignal(signal));
}
