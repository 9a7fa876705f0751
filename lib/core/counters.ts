/**
 * Counters of what the adapter received and did, for `/status` and `/metrics`.
 *
 * @module
 */

import { WELL_KNOWN_ASSIGNMENTS } from "./assignments.ts";
import { EVENT_NAMES, type EventName } from "./events.ts";
import type { NotifyMessage, RejectionReason } from "./notify_message.ts";

/** Every rejection reason, in the order the parser checks them. */
export const REJECTION_REASONS: readonly RejectionReason[] = Object.freeze([
  "oversize",
  "nul_byte",
  "barrier_with_other_lines",
  "invalid_utf8",
  "no_equals",
  "unknown_key",
  "invalid_value",
  "duplicate_key",
]);

/** The key under which every accepted `X_*` line is counted. */
export const EXTENSION_KEY = "X_*";

/** What `/status` and `/metrics` show: lines by key, events by name, rejections by reason. */
export interface Counts {
  /** Datagrams received on the notification socket. */
  readonly datagrams: number;
  /** Accepted lines by well-known key, and every `X_*` line under `X_*`. */
  readonly lines: Readonly<Record<string, number>>;
  /** Events by name. */
  readonly events: Readonly<Record<EventName, number>>;
  /** Rejected datagrams and lines by reason. */
  readonly rejected: Readonly<Record<RejectionReason, number>>;
}

/**
 * The counts as the state keeps them; `countsOf` reads them. A ping's three counts (its
 * datagram, its `WATCHDOG=` line, its `watchdog` event) are numbers of their own, every other
 * count sits in its table: a flood of pings then copies no table, only this small record.
 */
// A ping that copied the two tables allocated 430 B; this record is 74 B. With the histograms
// counted 32 pings at a time (watchdog_margin.ts), a ping's step allocates 0.86 kB instead of
// 1.93 kB (V8's --trace-gc over 2 M steps) and the flood's main thread spends 4.1 µs a datagram
// instead of 4.3 (medians of 8 alternating floods of 300 k; the floor's: 2.9 µs).
export interface Counters {
  /** Datagrams received on the notification socket. */
  readonly datagrams: number;
  /** Accepted `WATCHDOG=` lines. */
  readonly watchdogLines: number;
  /** `watchdog` events. */
  readonly watchdogEvents: number;
  /** Accepted lines by well-known key other than `WATCHDOG`, and `X_*` lines under `X_*`. */
  readonly otherLines: Readonly<Record<string, number>>;
  /** Events by name, other than `watchdog`. */
  readonly otherEvents: Readonly<Record<string, number>>;
  /** Rejected datagrams and lines by reason. */
  readonly rejected: Readonly<Record<RejectionReason, number>>;
}

// The keys of `Counts.lines` and `Counts.events`, in the order /metrics lists them.
const LINE_KEYS: readonly string[] = [...Object.keys(WELL_KNOWN_ASSIGNMENTS), EXTENSION_KEY];
const PING_LINE = "WATCHDOG";
const PING_EVENT: EventName = "watchdog";

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
}

/**
 * Counters at zero, with every key present so that the shape never changes.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { countsOf, emptyCounters } from "./counters.ts";
 *
 * const counts = countsOf(emptyCounters());
 * assert.equal(counts.datagrams, 0);
 * assert.equal(counts.lines.WATCHDOG, 0);
 * assert.equal(counts.events.start_timeout, 0);
 * ```
 */
export function emptyCounters(): Counters {
  return {
    datagrams: 0,
    watchdogLines: 0,
    watchdogEvents: 0,
    otherLines: zeros(LINE_KEYS.filter((key) => key !== PING_LINE)),
    otherEvents: zeros(EVENT_NAMES.filter((name) => name !== PING_EVENT)),
    rejected: zeros(REJECTION_REASONS),
  };
}

/**
 * The counts, every key present, in the order `/metrics` lists them.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { countPing, countsOf, emptyCounters } from "./counters.ts";
 *
 * const counts = countsOf(countPing(emptyCounters()));
 * assert.equal(counts.datagrams, 1);
 * assert.equal(counts.lines.WATCHDOG, 1);
 * assert.equal(counts.events.watchdog, 1);
 * ```
 */
export function countsOf(counters: Counters): Counts {
  return {
    datagrams: counters.datagrams,
    lines: table(LINE_KEYS, PING_LINE, counters.watchdogLines, counters.otherLines),
    events: table(EVENT_NAMES, PING_EVENT, counters.watchdogEvents, counters.otherEvents),
    rejected: counters.rejected,
  };
}

// The whole table in `keys` order: the ping's count under `pingKey`, the others' under theirs.
function table<K extends string>(
  keys: readonly K[],
  pingKey: K,
  pingCount: number,
  others: Readonly<Record<string, number>>,
): Record<K, number> {
  const whole = {} as Record<K, number>;
  for (const key of keys) whole[key] = key === pingKey ? pingCount : others[key];
  return whole;
}

/**
 * Counts one datagram: its accepted lines by key and its rejections by reason.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { countMessage, countsOf, emptyCounters } from "./counters.ts";
 * import { parseNotifyMessage } from "./notify_message.ts";
 *
 * const message = parseNotifyMessage(new TextEncoder().encode("READY=1\nX_APP=up\nhello"));
 * const counts = countsOf(countMessage(emptyCounters(), message));
 * assert.equal(counts.datagrams, 1);
 * assert.equal(counts.lines.READY, 1);
 * assert.equal(counts.lines["X_*"], 1);
 * assert.equal(counts.rejected.no_equals, 1);
 * ```
 */
export function countMessage(counters: Counters, message: NotifyMessage): Counters {
  let watchdogLines = counters.watchdogLines;
  let otherLines: Record<string, number> | undefined;
  for (const { key } of message.accepted) {
    if (key === PING_LINE) {
      watchdogLines++;
    } else {
      otherLines ??= { ...counters.otherLines };
      otherLines[key in otherLines ? key : EXTENSION_KEY]++;
    }
  }
  let rejected: Record<RejectionReason, number> | undefined;
  for (const { reason } of message.rejected) {
    rejected ??= { ...counters.rejected };
    rejected[reason]++;
  }
  return {
    datagrams: counters.datagrams + 1,
    watchdogLines,
    watchdogEvents: counters.watchdogEvents,
    otherLines: otherLines ?? counters.otherLines,
    otherEvents: counters.otherEvents,
    rejected: rejected ?? counters.rejected,
  };
}

/**
 * Counts a lone accepted `WATCHDOG=1` and its `watchdog` event: what `countMessage` and
 * `countEvents` together give for it, in one small copy.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { countPing, emptyCounters } from "./counters.ts";
 *
 * const counters = countPing(emptyCounters());
 * assert.equal(counters.watchdogLines, 1);
 * assert.equal(counters.watchdogEvents, 1);
 * ```
 */
export function countPing(counters: Counters): Counters {
  return {
    datagrams: counters.datagrams + 1,
    watchdogLines: counters.watchdogLines + 1,
    watchdogEvents: counters.watchdogEvents + 1,
    otherLines: counters.otherLines,
    otherEvents: counters.otherEvents,
    rejected: counters.rejected,
  };
}

/**
 * Counts the events of one step.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { countEvents, countsOf, emptyCounters } from "./counters.ts";
 *
 * const counters = countEvents(emptyCounters(), ["watchdog", "watchdog", "ready"]);
 * assert.equal(countsOf(counters).events.watchdog, 2);
 * assert.equal(countsOf(counters).events.ready, 1);
 * ```
 */
export function countEvents(counters: Counters, events: readonly EventName[]): Counters {
  let watchdogEvents = counters.watchdogEvents;
  let otherEvents: Record<string, number> | undefined;
  for (const event of events) {
    if (event === PING_EVENT) {
      watchdogEvents++;
    } else {
      otherEvents ??= { ...counters.otherEvents };
      otherEvents[event]++;
    }
  }
  return {
    datagrams: counters.datagrams,
    watchdogLines: counters.watchdogLines,
    watchdogEvents,
    otherLines: counters.otherLines,
    otherEvents: otherEvents ?? counters.otherEvents,
    rejected: counters.rejected,
  };
}

/**
 * Sums a record of counts.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { total } from "./counters.ts";
 *
 * assert.equal(total({ stdout: 2, stderr: 3 }), 5);
 * ```
 */
export function total(counts: Readonly<Record<string, number>>): number {
  let sum = 0;
  for (const key in counts) sum += counts[key];
  return sum;
}
