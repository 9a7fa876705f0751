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
 * @example Microseconds, and USEC_INFINITY
 * ```ts
 * import assert from "node:assert/strict";
 * import { u64 } from "./assignments.ts";
 *
 * assert.equal(u64("5000000"), 5_000_000);
 * assert.equal(u64("18446744073709551615"), Infinity);
 * assert.equal(u64("-1"), undefined);
 * ```
 */
export const u64: ValueParser<number> = (value): number | undefined => {
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

/**
 * A process ID as `MAINPID=` and the PID file give it: decimal, from 1 to 2147483647.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { parsePid } from "./assignments.ts";
 *
 * assert.equal(parsePid("4242"), 4242);
 * assert.equal(parsePid("0"), undefined);
 * assert.equal(parsePid("-1"), undefined);
 * ```
 */
export function parsePid(value: string): number | undefined {
  return /^\d{1,10}$/.test(value) && Number(value) >= 1 && Number(value) <= 0x7fffffff
    ? Number(value)
    : undefined;
}

const pid: ValueParser<number> = parsePid;

const exitStatus: ValueParser<number> = (value) =>
  /^\d{1,3}$/.test(value) && Number(value) <= 255 ? Number(value) : undefined;

// systemd's fdname_is_valid(): at most 255 printable ASCII characters, no colon.
const fdName: ValueParser<string> = (value) =>
  /^[\x20-\x39\x3b-\x7e]{0,255}$/.test(value) ? value : undefined;

/** The parsed value of each well-known key: `true` for flags, numbers, texts. */
export interface AssignmentValues {
  /** `READY=1`: the service has finished starting up. */
  readonly READY: true;
  /** `RELOADING=1`: the service is reloading its configuration. */
  readonly RELOADING: true;
  /** `STOPPING=1`: the service is beginning its shutdown. */
  readonly STOPPING: true;
  /** `ERRNO=`: the errno-style error the service failed with, by number or name. */
  readonly ERRNO: number;
  /** `BUSERROR=`: the D-Bus error name the service failed with; empty clears it. */
  readonly BUSERROR: string;
  /** `VARLINKERROR=`: the Varlink error name the service failed with. */
  readonly VARLINKERROR: string;
  /** `WATCHDOG=1` keeps the watchdog from expiring; `WATCHDOG=trigger` fails it at once. */
  readonly WATCHDOG: "1" | "trigger";
  /** `WATCHDOG_USEC=`: the service's new watchdog timeout, in microseconds. */
  readonly WATCHDOG_USEC: number;
  /** `EXTEND_TIMEOUT_USEC=`: the service needs this many more microseconds. */
  readonly EXTEND_TIMEOUT_USEC: number;
  /** `STATUS=`: a free-form status text for humans; empty clears it. */
  readonly STATUS: string;
  /** `MAINPID=`: the process ID of the service's main process. */
  readonly MAINPID: number;
  /** `MAINPIDFDID=`: the inode number of the main process's pidfd. */
  readonly MAINPIDFDID: number;
  /** `MAINPIDFD=1`: the main process's pidfd comes with the message. */
  readonly MAINPIDFD: true;
  /** `EXIT_STATUS=`: the exit status the service ends with. */
  readonly EXIT_STATUS: number;
  /** `MONOTONIC_USEC=`: the CLOCK_MONOTONIC time of a `RELOADING=1`, in microseconds. */
  readonly MONOTONIC_USEC: number;
  /** `NOTIFYACCESS=`: a new `NotifyAccess=` setting: none, all, main or exec. */
  readonly NOTIFYACCESS: string;
  /** `FDSTORE=1`: keep the file descriptors that come with the message in the store. */
  readonly FDSTORE: true;
  /** `FDSTOREREMOVE=1`: remove the stored file descriptors named by `FDNAME=`. */
  readonly FDSTOREREMOVE: true;
  /** `FDNAME=`: the name of the file descriptors stored or removed. */
  readonly FDNAME: string;
  /** `FDPOLL=0`: do not watch the stored file descriptors for errors and hangups. */
  readonly FDPOLL: true;
  /** `RESTART_RESET=1`: reset the unit's automatic restart counter. */
  readonly RESTART_RESET: true;
  /** `BARRIER=1`: a synchronisation point, sent alone. */
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
  /** The key, `X_` and a name of the service's choosing. */
  readonly key: `X_${string}`;
  /** The value, as received. */
  readonly value: string;
  /** The line exactly as received (`KEY=VALUE`), which is also its re-serialised form. */
  readonly line: string;
}

/** A line that was accepted: it is echoed and, for a well-known key, applied. */
export type AcceptedLine = WellKnownLine | ExtensionLine;

/**
 * Tells whether `key` is one of sd_notify(3)'s well-known keys.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { isWellKnownKey } from "./assignments.ts";
 *
 * assert.equal(isWellKnownKey("WATCHDOG_USEC"), true);
 * assert.equal(isWellKnownKey("X_APP"), false);
 * ```
 */
export function isWellKnownKey(key: string): key is WellKnownKey {
  return Object.hasOwn(WELL_KNOWN_ASSIGNMENTS, key);
}

/**
 * Tells whether an accepted line has a well-known key (and so may have an effect).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { isWellKnownLine } from "./assignments.ts";
 *
 * assert.equal(isWellKnownLine({ key: "READY", value: true, line: "READY=1" }), true);
 * assert.equal(isWellKnownLine({ key: "X_APP", value: "up", line: "X_APP=up" }), false);
 * ```
 */
export function isWellKnownLine(line: AcceptedLine): line is WellKnownLine {
  return isWellKnownKey(line.key);
}

/**
 * Reads one `KEY=VALUE` line by its key's rule: the accepted line, `"unknown_key"` for a key
 * that is neither well-known nor `X_*`, `"invalid_value"` for a value its rule refuses.
 *
 * @example Accepted, refused value, unknown key
 * ```ts
 * import assert from "node:assert/strict";
 * import { acceptLine } from "./assignments.ts";
 *
 * assert.deepEqual(acceptLine("WATCHDOG_USEC", "5000000", "WATCHDOG_USEC=5000000"), {
 *   key: "WATCHDOG_USEC",
 *   value: 5_000_000,
 *   line: "WATCHDOG_USEC=5000000",
 * });
 * assert.equal(acceptLine("READY", "0", "READY=0"), "invalid_value");
 * assert.equal(acceptLine("READ", "1", "READ=1"), "unknown_key");
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
