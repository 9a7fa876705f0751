/**
 * One notification datagram → its assignments (behaviour §2), as systemd's manager reads it.
 * Pure: every rejection is a value with a reason and a short excerpt, nothing is thrown.
 *
 * @module
 */

import { type AcceptedLine, acceptLine } from "./assignments.ts";

export type { AcceptedLine };

/** systemd's NOTIFY_BUFFER_MAX: a longer datagram is dropped whole. */
export const NOTIFY_BUFFER_MAX = 4096;

/** Why input was rejected; these names appear in the log and in `/status`. */
export type RejectionReason =
  | "oversize"
  | "nul_byte"
  | "barrier_with_other_lines"
  | "invalid_utf8"
  | "no_equals"
  | "unknown_key"
  | "invalid_value"
  | "duplicate_key";

/** Input that was rejected, with a short, printable excerpt of it for the log. */
export interface Rejection {
  /** Why it was rejected. */
  readonly reason: RejectionReason;
  /** The start of the rejected datagram or line, cut at 64 characters with an ellipsis. */
  readonly excerpt: string;
}

/** What one datagram holds: accepted lines in arrival order, and what was rejected. */
export interface NotifyMessage {
  /** The accepted lines, in arrival order. */
  readonly accepted: readonly AcceptedLine[];
  /** The whole datagram's rejection, or each rejected line's. */
  readonly rejected: readonly Rejection[];
}

const EXCERPT_LENGTH = 64;
const NUL = 0x00;
const LF = 0x0a;
const CR = 0x0d;
const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lenientDecoder = new TextDecoder("utf-8", { ignoreBOM: true });
const NOTHING: readonly never[] = Object.freeze([]);

/**
 * Cuts text to a short excerpt for a log record.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { excerptOf } from "./notify_message.ts";
 *
 * assert.equal(excerptOf("STATUS=up"), "STATUS=up");
 * assert.equal(excerptOf("x".repeat(100)), `${"x".repeat(64)}…`);
 * ```
 */
export function excerptOf(text: string): string {
  return text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH)}…` : text;
}

function excerptOfBytes(bytes: Uint8Array): string {
  return excerptOf(lenientDecoder.decode(bytes.subarray(0, EXCERPT_LENGTH * 4)));
}

function rejectWhole(reason: RejectionReason, bytes: Uint8Array): NotifyMessage {
  return { accepted: NOTHING, rejected: [{ reason, excerpt: excerptOfBytes(bytes) }] };
}

/** A line that is not valid UTF-8, kept only as a printable excerpt for the warning. */
interface InvalidLine {
  readonly excerpt: string;
}

// Most datagrams are short ASCII (`WATCHDOG=1`): decoding them in JS avoids a call into the
// runtime's decoder, which costs more than the rest of the parse. Longer ones, or any byte
// over 0x7f, go to the strict decoder.
const ASCII_FAST_PATH_MAX = 256;

function asciiText(bytes: Uint8Array): string | undefined {
  if (bytes.length > ASCII_FAST_PATH_MAX) return undefined;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] > 0x7f) return undefined;
  return Reflect.apply(String.fromCharCode, null, bytes);
}

const LINE_BREAK = /[\n\r]/;

// \n and \r are ASCII, so they never occur inside a multi-byte sequence: when the whole
// datagram decodes, splitting the text equals splitting the bytes, and it is decoded once.
function splitLines(bytes: Uint8Array): (string | InvalidLine)[] {
  try {
    const text = asciiText(bytes) ?? strictDecoder.decode(bytes);
    return LINE_BREAK.test(text) ? text.split(LINE_BREAK) : [text];
  } catch {
    // Some line is not UTF-8: decode line by line so that the others still count.
  }
  const lines: (string | InvalidLine)[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== LF && bytes[i] !== CR) continue;
    const lineBytes = bytes.subarray(start, i);
    try {
      lines.push(strictDecoder.decode(lineBytes));
    } catch {
      lines.push({ excerpt: excerptOfBytes(lineBytes) });
    }
    start = i + 1;
  }
  return lines;
}

/**
 * Parses one datagram: size and NUL rules, line splitting (`\n` or `\r`, empty lines
 * skipped, nothing trimmed), `KEY=VALUE`, first key wins, value rules, `BARRIER=1` alone.
 *
 * @example Two lines, both accepted
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseNotifyMessage } from "./notify_message.ts";
 *
 * assert.deepEqual(parseNotifyMessage(new TextEncoder().encode("READY=1\nSTATUS=up")), {
 *   accepted: [
 *     { key: "READY", value: true, line: "READY=1" },
 *     { key: "STATUS", value: "up", line: "STATUS=up" },
 *   ],
 *   rejected: [],
 * });
 * ```
 */
export function parseNotifyMessage(datagram: Uint8Array): NotifyMessage {
  if (datagram.length > NOTIFY_BUFFER_MAX) return rejectWhole("oversize", datagram);
  // One trailing NUL is tolerated (some clients send C strings with their terminator).
  const bytes = datagram.length > 0 && datagram[datagram.length - 1] === NUL
    ? datagram.subarray(0, datagram.length - 1)
    : datagram;
  if (bytes.indexOf(NUL) !== -1) return rejectWhole("nul_byte", datagram);

  const lines = splitLines(bytes).filter((line) => line !== "");
  // systemd ignores a barrier that comes with anything else, the barrier included.
  if (lines.length > 1 && lines.includes("BARRIER=1")) {
    return rejectWhole("barrier_with_other_lines", bytes);
  }

  const acceptedLines: AcceptedLine[] = [];
  let rejected: Rejection[] | undefined;
  let seenKeys: Set<string> | undefined;
  const reject = (reason: RejectionReason, excerpt: string) =>
    (rejected ??= []).push({ reason, excerpt: excerptOf(excerpt) });
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (typeof line !== "string") {
      reject("invalid_utf8", line.excerpt);
      continue;
    }
    const equals = line.indexOf("=");
    if (equals === -1) {
      reject("no_equals", line);
      continue;
    }
    const key = line.slice(0, equals);
    // systemd looks each key up with strv_find_startswith(): the first line with it wins,
    // even when its value is invalid.
    if (lines.length > 1) {
      seenKeys ??= new Set();
      if (seenKeys.has(key)) {
        reject("duplicate_key", line);
        continue;
      }
      seenKeys.add(key);
    }
    const accepted = acceptLine(key, line.slice(equals + 1), line);
    if (typeof accepted === "string") reject(accepted, line);
    else acceptedLines.push(accepted);
  }
  return { accepted: acceptedLines, rejected: rejected ?? NOTHING };
}

// Only short datagrams are remembered: comparing them costs less than parsing them.
// deno bench, a lone WATCHDOG=1: 10 ns remembered, 197 ns parsed; 5 % of a ping flood's time.
const MEMO_MAX = 256;

/**
 * `parseNotifyMessage` that remembers the last datagram it parsed: a service in a tight
 * `WATCHDOG=1` loop sends the same bytes again and again, and parsing is pure, so equal bytes
 * get the same (frozen, never mutated) result without being parsed again.
 *
 * @example Equal bytes, the same result
 * ```ts
 * import assert from "node:assert/strict";
 * import { memoizedParser } from "./notify_message.ts";
 *
 * const parse = memoizedParser();
 * const bytes = new TextEncoder().encode("WATCHDOG=1");
 * assert.equal(parse(bytes), parse(bytes.slice()));
 * ```
 */
export function memoizedParser(): (datagram: Uint8Array) => NotifyMessage {
  let lastBytes = new Uint8Array(0);
  let lastMessage: NotifyMessage | undefined;
  return (datagram) => {
    if (lastMessage !== undefined && sameBytes(datagram, lastBytes)) return lastMessage;
    const message = parseNotifyMessage(datagram);
    if (datagram.length > MEMO_MAX) return message;
    // A copy: the caller's buffer is reused for the next datagram.
    lastBytes = datagram.slice();
    lastMessage = deepFreeze(message);
    return message;
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function deepFreeze(message: NotifyMessage): NotifyMessage {
  for (const line of message.accepted) Object.freeze(line);
  for (const rejection of message.rejected) Object.freeze(rejection);
  Object.freeze(message.accepted);
  Object.freeze(message.rejected);
  return Object.freeze(message);
}
