/**
 * The well-known assignments of sd_notify(3) (behaviour §2): which keys the adapter accepts, and
 * which values of each are valid. What an assignment does is the reducer's business.
 *
 * @module
 */

import { ERRNO_NAMES } from "./errno_names.ts";

/** Parses one well-known value; `undefined` means invalid (warned, not echoed, no effect). */
export type ValueParser<T> = (value: string) => T | undefined;

/** `USEC_INFINITY` of systemd: (uint64_t) -1, which means "never" wherever a µs value goes. */
export const USEC_INFINITY_TEXT = "18446744073709551615";
const U64_MAX = 18446744073709551615n;

/**
 * An unsigned 64-bit decimal (systemd's safe_atou64 without sign or blanks); ∞ for
 * USEC_INFINITY.
 *
 * @example
 * ```ts
 * import { u64 } from "./assignments.ts";
 * u64("5000000"); // 5000000
 * u64("18446744073709551615"); // Infinity
 * u64("-1"); // undefined
 * ```
 */
export const u64: ValueParser<number> = (value) => {
  if (!/^\d{1,20}$/.test(value)) return undefined;
  if (value.length < 16) return Number(value);
  if (BigInt(value) > U64_MAX) return undefined;
  return value === USEC_INFINITY_TEXT ? Infinity : Number(value);
};

const one: ValueParser<true> = (value) => value === "1" ? true : undefined;

const zero: ValueParser<true> = (value) => value === "0" ? true : undefined;

const anyText: ValueParser<string> = (value) => value;

const watchdog: ValueParser<"1" | "trigger"> = (value) =>
  value === "1" || value === "trigger" ? value : undefined;

const notifyAccess: ValueParser<string> = (value) =>
  ["none", "all", "main", "exec"].includes(value) ? value : undefined;

// systemd's parse_errno(): an errno name, or a number from 0 to ERRNO_MAX (4095).
const errno: ValueParser<number> = (value) => {
  if (Object.hasOwn(ERRNO_NAMES, value)) return ERRNO_NAMES[value];
  return /^\d{1,4}$/.test(value) && Number(value) <= 4095 ? Number(value) : undefined;
};

// systemd's string_is_safe_ascii(): printable ASCII only; empty clears the recorded error.
const safeAscii: ValueParser<string> = (value) => /^[\x20-\x7e]*$/.test(value) ? value : undefined;

const pid: ValueParser<number> = (value) =>
  /^\d{1,10}$/.test(value) && Number(value) >= 1 && Number(value) <= 0x7fffffff
    ? Number(value)
    : undefined;

const exitStatus: ValueParser<number> = (value) =>
  /^\d{1,3}$/.test(value) && Number(value) <= 255 ? Number(value) : undefined;

// systemd's fdname_is_valid(): at most 255 printable ASCII characters, no colon.
const fdName: ValueParser<string> = (value) =>
  /^[\x20-\x39\x3b-\x7e]{0,255}$/.test(value) ? value : undefined;

/** The parsed value of each well-known key: `true` for flags, numbers, texts. */
export interface AssignmentValues {
  readonly READY: true;
  readonly RELOADING: true;
  readonly STOPPING: true;
  readonly ERRNO: number;
  readonly BUSERROR: string;
  readonly VARLINKERROR: string;
  readonly WATCHDOG: "1" | "trigger";
  readonly WATCHDOG_USEC: number;
  readonly EXTEND_TIMEOUT_USEC: number;
  readonly STATUS: string;
  readonly MAINPID: number;
  readonly MAINPIDFDID: number;
  readonly MAINPIDFD: true;
  readonly EXIT_STATUS: number;
  readonly MONOTONIC_USEC: number;
  readonly NOTIFYACCESS: string;
  readonly FDSTORE: true;
  readonly FDSTOREREMOVE: true;
  readonly FDNAME: string;
  readonly FDPOLL: true;
  readonly RESTART_RESET: true;
  readonly BARRIER: true;
}

/** A key of sd_notify(3) that the adapter knows: `READY`, `WATCHDOG_USEC`, … */
export type WellKnownKey = keyof AssignmentValues;

/** Well-known keys and their value rules, as sd_notify(3) and systemd's service.c read them. */
export const WELL_KNOWN_ASSIGNMENTS: {
  readonly [K in WellKnownKey]: ValueParser<AssignmentValues[K]>;
} = Object.freeze({
  READY: one,
  RELOADING: one,
  STOPPING: one,
  ERRNO: errno,
  BUSERROR: safeAscii,
  VARLINKERROR: safeAscii,
  WATCHDOG: watchdog,
  WATCHDOG_USEC: u64,
  EXTEND_TIMEOUT_USEC: u64,
  STATUS: anyText,
  MAINPID: pid,
  MAINPIDFDID: u64,
  MAINPIDFD: one,
  EXIT_STATUS: exitStatus,
  MONOTONIC_USEC: u64,
  NOTIFYACCESS: notifyAccess,
  FDSTORE: one,
  FDSTOREREMOVE: one,
  FDNAME: fdName,
  FDPOLL: zero,
  RESTART_RESET: one,
  BARRIER: one,
});

/** An accepted line of a well-known key, its value typed by the key. */
export type WellKnownLine<K extends WellKnownKey = WellKnownKey> = {
  [P in K]: {
    readonly key: P;
    readonly value: AssignmentValues[P];
    /** The line exactly as received (`KEY=VALUE`), which is also its re-serialised form. */
    readonly line: string;
  };
}[K];

/** An accepted `X_*` line: free-form, echoed and counted, no effect (sd_notify(3)). */
export interface ExtensionLine {
  readonly key: `X_${string}`;
  readonly value: string;
  readonly line: string;
}

/** A line that was accepted: it is echoed and, for a well-known key, applied. */
export type AcceptedLine = WellKnownLine | ExtensionLine;

/** Tells whether `key` is one of sd_notify(3)'s well-known keys. */
export function isWellKnownKey(key: string): key is WellKnownKey {
  return Object.hasOwn(WELL_KNOWN_ASSIGNMENTS, key);
}

/** Tells whether an accepted line has a well-known key (and so may have an effect). */
export function isWellKnownLine(line: AcceptedLine): line is WellKnownLine {
  return isWellKnownKey(line.key);
}

/**
 * Reads one `KEY=VALUE` line by its key's rule: the accepted line, `"unknown_key"` for a key
 * that is neither well-known nor `X_*`, `"invalid_value"` for a value its rule refuses.
 *
 * @example
 * ```ts
 * import { acceptLine } from "./assignments.ts";
 * acceptLine("WATCHDOG_USEC", "5000000", "WATCHDOG_USEC=5000000");
 * // { key: "WATCHDOG_USEC", value: 5000000, line: "WATCHDOG_USEC=5000000" }
 * acceptLine("READY", "0", "READY=0"); // "invalid_value"
 * ```
 */
export function acceptLine(
  key: string,
  text: string,
  line: string,
): AcceptedLine | "unknown_key" | "invalid_value" {
  if (isWellKnownKey(key)) return acceptWellKnown(key, text, line);
  if (isExtensionKey(key)) return { key, value: text, line };
  return "unknown_key";
}

function acceptWellKnown<K extends WellKnownKey>(
  key: K,
  text: string,
  line: string,
): WellKnownLine<K> | "invalid_value" {
  const parse: ValueParser<AssignmentValues[K]> = WELL_KNOWN_ASSIGNMENTS[key];
  const value = parse(text);
  if (value === undefined) return "invalid_value";
  return { key, value, line };
}

function isExtensionKey(key: string): key is `X_${string}` {
  return key.startsWith("X_");
}
