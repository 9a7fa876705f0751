/**
 * Linux signals by name and number (x86-64 and arm64 share them): how a process's end is named
 * and becomes an exit status (128 + number, as a shell reports it), and which names the
 * configuration accepts for `ADAPTER_WATCHDOG_SIGNAL`.
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

// glibc reserves the kernel's first two real-time signals (32 and 33) for its threads, so
// its SIGRTMIN, the one `kill -l` and `systemctl kill` count from, is 34; SIGRTMAX is 64.
const SIGRTMIN = 34;
const SIGRTMAX = 64;

const NAMES_BY_NUMBER: ReadonlyMap<number, SignalName> = new Map(
  (Object.entries(SIGNAL_NUMBERS) as [SignalName, number][])
    // SIGPOLL is another name of SIGIO: a number is named once, by its first name.
    .filter(([name]) => name !== "SIGPOLL")
    .map(([name, number]) => [number, name]),
);

/**
 * A signal's name for a person: `SIGTERM`, `SIGRTMIN+2` for a real-time signal (as `kill -l`
 * names it), or `signal 32` for a number with no name.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { signalName } from "./signals.ts";
 *
 * assert.equal(signalName(15), "SIGTERM");
 * assert.equal(signalName(36), "SIGRTMIN+2");
 * assert.equal(signalName(64), "SIGRTMAX");
 * assert.equal(signalName(32), "signal 32");
 * ```
 */
export function signalName(number: number): string {
  const name = NAMES_BY_NUMBER.get(number);
  if (name !== undefined) return name;
  if (number === SIGRTMAX) return "SIGRTMAX";
  if (number === SIGRTMIN) return "SIGRTMIN";
  if (number > SIGRTMIN && number < SIGRTMAX) return `SIGRTMIN+${number - SIGRTMIN}`;
  return `signal ${number}`;
}
