/**
 * The well-known assignments of sd_notify(3) (SPEC §2): which keys the adapter accepts, and
 * which values of each are valid. What an assignment does is the reducer's business.
 *
 * @module
 */

import { ERRNO_NAMES } from "./errno_names.ts";

/** A valid value, in the form the reducer uses: a number, a text, or `true` for flags. */
export type AssignmentValue = number | string | true;

/** Parses one well-known value; `undefined` means invalid (warned, not echoed, no effect). */
export type ValueParser = (value: string) => AssignmentValue | undefined;

/** `USEC_INFINITY` of systemd: (uint64_t) -1, which means "never" wherever a µs value goes. */
export const USEC_INFINITY_TEXT = "18446744073709551615";
const U64_MAX = 18446744073709551615n;

/** An unsigned 64-bit decimal (systemd's safe_atou64 without sign or blanks); ∞ for USEC_INFINITY. */
export const u64: ValueParser = (value) => {
  if (!/^\d{1,20}$/.test(value)) return undefined;
  if (value.length < 16) return Number(value);
  if (BigInt(value) > U64_MAX) return undefined;
  return value === USEC_INFINITY_TEXT ? Infinity : Number(value);
};

const exactly = (expected: string): ValueParser => (value) => value === expected ? true : undefined;

const anyText: ValueParser = (value) => value;

const oneOf = (...values: string[]): ValueParser => (value) =>
  values.includes(value) ? value : undefined;

// systemd's parse_errno(): an errno name, or a number from 0 to ERRNO_MAX (4095).
const errno: ValueParser = (value) => {
  if (Object.hasOwn(ERRNO_NAMES, value)) return ERRNO_NAMES[value];
  return /^\d{1,4}$/.test(value) && Number(value) <= 4095 ? Number(value) : undefined;
};

// systemd's string_is_safe_ascii(): printable ASCII only; empty clears the recorded error.
const safeAscii: ValueParser = (value) => /^[\x20-\x7e]*$/.test(value) ? value : undefined;

const pid: ValueParser = (value) =>
  /^\d{1,10}$/.test(value) && Number(value) >= 1 && Number(value) <= 0x7fffffff
    ? Number(value)
    : undefined;

const exitStatus: ValueParser = (value) =>
  /^\d{1,3}$/.test(value) && Number(value) <= 255 ? Number(value) : undefined;

// systemd's fdname_is_valid(): at most 255 printable ASCII characters, no colon.
const fdName: ValueParser = (value) =>
  /^[\x20-\x39\x3b-\x7e]{0,255}$/.test(value) ? value : undefined;

/** Well-known keys and their value rules, as sd_notify(3) and systemd's service.c read them. */
export const WELL_KNOWN_ASSIGNMENTS: Readonly<Record<string, ValueParser>> = Object.freeze({
  READY: exactly("1"),
  RELOADING: exactly("1"),
  STOPPING: exactly("1"),
  ERRNO: errno,
  BUSERROR: safeAscii,
  VARLINKERROR: safeAscii,
  WATCHDOG: oneOf("1", "trigger"),
  WATCHDOG_USEC: u64,
  EXTEND_TIMEOUT_USEC: u64,
  STATUS: anyText,
  MAINPID: pid,
  MAINPIDFDID: u64,
  MAINPIDFD: exactly("1"),
  EXIT_STATUS: exitStatus,
  MONOTONIC_USEC: u64,
  NOTIFYACCESS: oneOf("none", "all", "main", "exec"),
  FDSTORE: exactly("1"),
  FDSTOREREMOVE: exactly("1"),
  FDNAME: fdName,
  FDPOLL: exactly("0"),
  RESTART_RESET: exactly("1"),
  BARRIER: exactly("1"),
});

/** Finds the value rule for a key: a well-known key, or any `X_*` key (free-form, sd_notify(3)). */
export function valueParserFor(key: string): ValueParser | undefined {
  if (Object.hasOwn(WELL_KNOWN_ASSIGNMENTS, key)) return WELL_KNOWN_ASSIGNMENTS[key];
  return key.startsWith("X_") ? anyText : undefined;
}
