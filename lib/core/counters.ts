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
  readonly datagrams: number;
  readonly lines: Readonly<Record<string, number>>;
  readonly events: Readonly<Record<EventName, number>>;
  readonly rejected: Readonly<Record<RejectionReason, number>>;
}

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
}

/** Counters at zero, with every key present so that the shape never changes. */
export function emptyCounters(): Counters {
  return {
    datagrams: 0,
    lines: zeros([...Object.keys(WELL_KNOWN_ASSIGNMENTS), EXTENSION_KEY]),
    events: zeros(EVENT_NAMES),
    rejected: zeros(REJECTION_REASONS),
  };
}

/** Counts one datagram: its accepted lines by key and its rejections by reason. */
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

/** Counts the events of one step. */
export function countEvents(counters: Counters, events: readonly EventName[]): Counters {
  const next = { ...counters.events };
  for (const event of events) next[event]++;
  return { ...counters, events: next };
}

/** Sums a record of counts. */
export function total(counts: Readonly<Record<string, number>>): number {
  let sum = 0;
  for (const key in counts) sum += counts[key];
  return sum;
}
