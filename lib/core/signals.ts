/**
 * Linux signals by name and number (x86-64 and arm64 share them): how a child's end becomes
 * an exit status (128 + number, as a shell reports it) and which names the configuration
 * accepts for `ADAPTER_WATCHDOG_SIGNAL`.
 *
 * @module
 */

/** A signal name as Deno names them: `SIGTERM`, `SIGABRT`, … */
export type SignalName = Deno.Signal;

/** Linux signal numbers, by the names Deno reports. */
export const SIGNAL_NUMBERS: Readonly<Partial<Record<SignalName, number>>> = Object.freeze({
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGSTKFLT: 16,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGIO: 29,
  SIGPOLL: 29,
  SIGPWR: 30,
  SIGSYS: 31,
});

/**
 * Tells whether `name` is a signal name the adapter knows.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { isSignalName } from "./signals.ts";
 *
 * assert.equal(isSignalName("SIGTERM"), true);
 * assert.equal(isSignalName("TERM"), false);
 * ```
 */
export function isSignalName(name: string): name is SignalName {
  return Object.hasOwn(SIGNAL_NUMBERS, name);
}

/**
 * Reads a signal as systemd's `WatchdogSignal=` does: a name with or without `SIG`, or its
 * number; `undefined` when it is none of them.
 *
 * @example Name, short name or number
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSignal } from "./signals.ts";
 *
 * assert.equal(parseSignal("ABRT"), "SIGABRT");
 * assert.equal(parseSignal("9"), "SIGKILL");
 * assert.equal(parseSignal("SIGNOPE"), undefined);
 * ```
 */
export function parseSignal(text: string): SignalName | undefined {
  const name = text.startsWith("SIG") ? text : `SIG${text}`;
  if (isSignalName(name)) return name;
  if (!/^\d{1,2}$/.test(text)) return undefined;
  const number = Number(text);
  return (Object.keys(SIGNAL_NUMBERS) as SignalName[]).find((key) =>
    SIGNAL_NUMBERS[key] === number
  );
}

/**
 * The exit status a shell reports for a process ended by `signal`: 128 + its number.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { signalExitStatus } from "./signals.ts";
 *
 * assert.equal(signalExitStatus("SIGKILL"), 137);
 * ```
 */
export function signalExitStatus(signal: SignalName): number | undefined {
  const number = SIGNAL_NUMBERS[signal];
  return number === undefined ? undefined : 128 + number;
}
