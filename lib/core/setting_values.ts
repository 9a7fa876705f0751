/**
 * How each kind of configuration value is read (behaviour §1): booleans, integers, event
 * lists, systemd time spans, socket addresses, IP literals, file modes, signals, paths. Each
 * reader returns the value, or what was expected, for the error message.
 *
 * @module
 */

import { EVENT_NAMES, type EventName, isEventName } from "./events.ts";
import { parseSignal, type SignalName } from "./signals.ts";
import { parseTimeSpan } from "./timespan.ts";

/** A value read from its text, or what the text should have been. */
export type Parsed<T> = { readonly value: T } | { readonly expected: string };

const BOOLEAN_WORDS: Readonly<Record<string, boolean>> = {
  true: true,
  "1": true,
  yes: true,
  on: true,
  false: false,
  "0": false,
  no: false,
  off: false,
};

/**
 * `true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off`, in any case.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { boolean } from "./setting_values.ts";
 *
 * assert.deepEqual(boolean("Yes"), { value: true });
 * assert.deepEqual(boolean("2"), { expected: "a boolean (true/false, 1/0, yes/no, on/off)" });
 * ```
 */
export function boolean(text: string): Parsed<boolean> {
  const value = BOOLEAN_WORDS[text.toLowerCase()];
  return value === undefined
    ? { expected: "a boolean (true/false, 1/0, yes/no, on/off)" }
    : { value };
}

/**
 * Decimal digits only, from `min` to `max`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { integer } from "./setting_values.ts";
 *
 * const channelSize = integer(1, 1_000_000);
 * assert.deepEqual(channelSize("32"), { value: 32 });
 * assert.deepEqual(channelSize("0"), { expected: "an integer from 1 to 1000000" });
 * ```
 */
export function integer(min: number, max: number): (text: string) => Parsed<number> {
  return (text) => {
    const value = /^\d+$/.test(text) ? Number(text) : NaN;
    return value >= min && value <= max
      ? { value }
      : { expected: `an integer from ${min} to ${max}` };
  };
}

// A Kubernetes service link for a Service named "adapter" sets ADAPTER_PORT=tcp://IP:PORT.
const SERVICE_LINK = /^tcp:\/\/[^/]+:\d+$/;

/**
 * A TCP port, with a message that names Kubernetes' service links when it sees one.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { port } from "./setting_values.ts";
 *
 * assert.deepEqual(port("8089"), { value: 8089 });
 * const link = port("tcp://10.0.0.1:8089");
 * assert.ok("expected" in link && link.expected.includes("enableServiceLinks: false"));
 * ```
 */
export function port(text: string): Parsed<number> {
  const parsed = integer(0, 65535)(text);
  if ("value" in parsed || !SERVICE_LINK.test(text)) return parsed;
  return {
    expected: `${parsed.expected}; this value is what Kubernetes injects for a Service named ` +
      '"adapter" (service links): set enableServiceLinks: false in the Pod spec, or set ' +
      "ADAPTER_PORT explicitly",
  };
}

/**
 * Comma-separated event names; blanks around names ignored; empty text = empty list.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { eventList } from "./setting_values.ts";
 *
 * assert.deepEqual(eventList("ready, watchdog"), { value: new Set(["ready", "watchdog"]) });
 * assert.deepEqual(eventList(""), { value: new Set() });
 * ```
 */
export function eventList(text: string): Parsed<ReadonlySet<EventName>> {
  const names = text.split(",").map((name) => name.trim()).filter((name) => name !== "");
  const unknown = names.find((name) => !isEventName(name));
  if (unknown !== undefined) {
    return {
      expected: `a comma-separated list of events, and "${unknown}" is not one of ${
        EVENT_NAMES.join(", ")
      }`,
    };
  }
  return { value: new Set(names.filter(isEventName)) };
}

/**
 * A systemd time span in milliseconds, whole microseconds as systemd counts them (a span that
 * rounds down to 0 µs is 0); `0` and `infinity` both give 0, which means disabled.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { duration } from "./setting_values.ts";
 *
 * assert.deepEqual(duration("1min 30s"), { value: 90_000 });
 * assert.deepEqual(duration("infinity"), { value: 0 });
 * ```
 */
export function duration(text: string): Parsed<number> {
  const milliseconds = parseTimeSpan(text);
  if (milliseconds === undefined) {
    return { expected: 'a systemd time span such as "90", "1.5s", "1min 30s" or "infinity"' };
  }
  if (milliseconds === Infinity) return { value: 0 };
  // The small addend keeps 0.3 s from becoming 299999 µs through binary fractions.
  return { value: Math.floor(milliseconds * 1000 + 1e-6) / 1000 };
}

/**
 * A systemd time span in milliseconds where `infinity` (Infinity) means never and `0` means at
 * once, as systemd reads `TimeoutAbortSec=`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { durationOrNever } from "./setting_values.ts";
 *
 * assert.deepEqual(durationOrNever("infinity"), { value: Infinity });
 * assert.deepEqual(durationOrNever("0"), { value: 0 });
 * ```
 */
export function durationOrNever(text: string): Parsed<number> {
  if (parseTimeSpan(text) === Infinity) return { value: Infinity };
  return duration(text);
}

/** Where the notification socket lives: a path, or a Linux abstract name (`@name`). */
export interface SocketAddress {
  /** As configured, and as `NOTIFY_SOCKET` is handed to a service: `/run/x.sock` or `@name`. */
  readonly text: string;
  /** What to bind: the path, or a NUL byte followed by the abstract name. */
  readonly bindPath: string;
  /** Whether it is a Linux abstract socket, which has no file. */
  readonly abstract: boolean;
}

// sun_path holds 108 bytes; a path needs its terminating NUL, an abstract name its leading one.
const SUN_PATH_MAX = 107;

/**
 * An absolute path to a socket file (not a directory), or `@name`, within sun_path.
 *
 * @example A path, and an abstract name
 * ```ts
 * import assert from "node:assert/strict";
 * import { socketAddress } from "./setting_values.ts";
 *
 * assert.deepEqual(socketAddress("/run/adapter.sock"), {
 *   value: { text: "/run/adapter.sock", bindPath: "/run/adapter.sock", abstract: false },
 * });
 * assert.deepEqual(socketAddress("@svc"), {
 *   value: { text: "@svc", bindPath: "\0svc", abstract: true },
 * });
 * ```
 */
export function socketAddress(text: string): Parsed<SocketAddress> {
  const expected =
    `an absolute path to a socket file, or @name, of at most ${SUN_PATH_MAX} bytes, without NUL`;
  const length = new TextEncoder().encode(text).length;
  if (text.includes("\0") || length > SUN_PATH_MAX) return { expected };
  if (text.startsWith("@") && length > 1) {
    return { value: { text, bindPath: `\0${text.slice(1)}`, abstract: true } };
  }
  const name = text.slice(text.lastIndexOf("/") + 1);
  // "/run/x/" or "/run/x/.." names a directory: the adapter would create it, then fail to bind.
  if (!text.startsWith("/") || name === "" || name === "." || name === "..") return { expected };
  return { value: { text, bindPath: text, abstract: false } };
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * Tells whether `text` is an IPv4 literal (dotted quad) or an IPv6 literal (no zone).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { isIpLiteral } from "./setting_values.ts";
 *
 * assert.equal(isIpLiteral("0.0.0.0"), true);
 * assert.equal(isIpLiteral("::1"), true);
 * assert.equal(isIpLiteral("localhost"), false);
 * ```
 */
export function isIpLiteral(text: string): boolean {
  return IPV4.test(text) || isIpv6Literal(text);
}

const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

/**
 * Tells whether `text` is an IPv6 literal in one of RFC 4291's text forms (§2.2): eight groups
 * of one to four hex digits, one `::` standing for one or more groups of zeros, the last two
 * groups possibly a dotted quad; no zone. The same as the WHATWG URL parser accepts between
 * brackets (a test compares them), without loading Deno's URL module at start (0.15 to 0.27 ms
 * of the adapter's start-up, 4 runs of a bare script).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { isIpv6Literal } from "./setting_values.ts";
 *
 * assert.equal(isIpv6Literal("::ffff:10.0.0.1"), true);
 * assert.equal(isIpv6Literal("fe80::1%eth0"), false);
 * assert.equal(isIpv6Literal("1::2::3"), false);
 * ```
 */
export function isIpv6Literal(text: string): boolean {
  const lastColon = text.lastIndexOf(":");
  if (lastColon === -1) return false;
  let hex = text;
  // A dotted quad stands for the last two groups.
  if (text.includes(".", lastColon)) {
    if (!IPV4.test(text.slice(lastColon + 1))) return false;
    hex = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = hex.split("::");
  if (halves.length > 2) return false;
  const groups = halves.flatMap((half) => half === "" ? [] : half.split(":"));
  if (!groups.every((group) => HEX_GROUP.test(group))) return false;
  return halves.length === 2 ? groups.length <= 7 : groups.length === 8;
}

/**
 * An IP address literal to listen on.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { ipAddress } from "./setting_values.ts";
 *
 * assert.deepEqual(ipAddress("::"), { value: "::" });
 * assert.ok("expected" in ipAddress("localhost"));
 * ```
 */
export function ipAddress(text: string): Parsed<string> {
  return isIpLiteral(text)
    ? { value: text }
    : { expected: "an IP address such as :: or 0.0.0.0 (not a host name)" };
}

/**
 * An octal file mode of the permission bits only, such as `0666`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { fileMode } from "./setting_values.ts";
 *
 * assert.deepEqual(fileMode("0660"), { value: 0o660 });
 * assert.ok("expected" in fileMode("4755"));
 * ```
 */
export function fileMode(text: string): Parsed<number> {
  return /^0?[0-7]{3}$/.test(text)
    ? { value: parseInt(text, 8) }
    : { expected: "an octal file mode such as 0666 or 0660" };
}

/**
 * A signal name or number as systemd reads it, or `none`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { signalOrNone } from "./setting_values.ts";
 *
 * assert.deepEqual(signalOrNone("6"), { value: "SIGABRT" });
 * assert.deepEqual(signalOrNone("none"), { value: null });
 * ```
 */
export function signalOrNone(text: string): Parsed<SignalName | null> {
  if (text === "none") return { value: null };
  const signal = parseSignal(text);
  return signal === undefined
    ? { expected: "a signal name such as SIGABRT, ABRT or 6, or none" }
    : { value: signal };
}

/**
 * An absolute file path, or the empty text for "off". The path is written as it is meant:
 * no empty, `.` or `..` component (no `//`, no trailing `/`), so that the text checked against
 * the permission set is the path opened (behaviour §1.2, §9.5).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { pathOrOff } from "./setting_values.ts";
 *
 * assert.deepEqual(pathOrOff("/dev/termination-log"), { value: "/dev/termination-log" });
 * assert.deepEqual(pathOrOff(""), { value: null });
 * assert.ok("expected" in pathOrOff("/tmp/../etc/passwd"));
 * ```
 */
export function pathOrOff(text: string): Parsed<string | null> {
  if (text === "") return { value: null };
  const [root, ...components] = text.split("/");
  const plain = root === "" &&
    components.every((name) => name !== "" && name !== "." && name !== "..");
  return plain && !text.includes("\0") ? { value: text } : {
    expected: "an absolute file path without empty, . or .. components and without NUL, " +
      "or nothing to turn it off",
  };
}
