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

/** Accepted lines by key, events by name, rejections by reason, and datagrams. */
export interface Counters {
  /** Datagrams received on the notification socket. */
  readonly datagrams: number;
  /** Accepted lines by well-known key, and every `X_*` line under `X_*`. */
  readonly lines: Readonly<Record<string, number>>;
  /** Events by name. */
  readonly events: Readonly<Record<EventName, number>>;
  /** Rejected datagrams and lines by reason. */
  readonly rejected: Readonly<Record<RejectionReason, number>>;
}

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
}

/**
 * Counters at zero, with every key present so that the shape never changes.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { emptyCounters } from "./counters.ts";
 *
 * const counters = emptyCounters();
 * assert.equal(counters.datagrams, 0);
 * assert.equal(counters.lines.WATCHDOG, 0);
 * assert.equal(counters.events.start_timeout, 0);
 * ```
 */
export function emptyCounters(): Counters {
  return {
    datagrams: 0,
    lines: zeros([...Object.keys(WELL_KNOWN_ASSIGNMENTS), EXTENSION_KEY]),
    events: zeros(EVENT_NAMES),
    rejected: zeros(REJECTION_REASONS),
  };
}

/**
 * Counts one datagram: its accepted lines by key and its rejections by reason.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { countMessage, emptyCounters } from "./counters.ts";
 * import { parseNotifyMessage } from "./notify_message.ts";
 *
 * const message = parseNotifyMessage(new TextEncoder().encode("READY=1\nX_APP=up\nhello"));
 * const counters = countMessage(emptyCounters(), message);
 * assert.equal(counters.datagrams, 1);
 * assert.equal(counters.lines.READY, 1);
 * assert.equal(counters.lines["X_*"], 1);
 * assert.equal(counters.rejected.no_equals, 1);
 * ```
 */
export function countMessage(counters: Counters, message: NotifyMessage): Counters {
  let { lines, rejected } = counters;
  if (message.accepted.length > 0) {
    const next = { ...lines };
    for (const { key } of message.accepted) {
      const bucket = key in next ? key : EXTENSION_KEY;
      next[bucket]++;
    }
    lines = next;
  }
  if (message.rejected.length > 0) {
    const next = { ...rejected };
    for (const { reason } of message.rejected) next[reason]++;
    rejected = next;
  }
  return { ...counters, datagrams: counters.datagrams + 1, lines, rejected };
}

/**
 * Counts a lone accepted `WATCHDOG=1` and its `watchdog` event: what `countMessage` and
 * `countEvents` together give for it, with two copies instead of five.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { countPing, emptyCounters } from "./counters.ts";
 *
 * const counters = countPing(emptyCounters());
 * assert.equal(counters.lines.WATCHDOG, 1);
 * assert.equal(counters.events.watchdog, 1);
 * ```
 */
export function countPing(counters: Counters): Counters {
  const { lines, events } = counters;
  return {
    datagrams: counters.datagrams + 1,
    lines: { ...lines, WATCHDOG: lines.WATCHDOG + 1 },
    events: { ...events, watchdog: events.watchdog + 1 },
    rejected: counters.rejected,
  };
}

/**
 * Counts the events of one step.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { countEvents, emptyCounters } from "./counters.ts";
 *
 * const counters = countEvents(emptyCounters(), ["watchdog", "watchdog"]);
 * assert.equal(counters.events.watchdog, 2);
 * ```
 */
export function countEvents(counters: Counters, events: readonly EventName[]): Counters {
  const next = { ...counters.events };
  for (const event of events) next[event]++;
  return { ...counters, events: next };
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
