/**
 * The head of an HTTP/1.x request (behaviour §5.6), read from the bytes a connection has
 * received so far: the request line and the few header fields the server acts on. The adapter
 * answers GET and HEAD from memory, so the rest of a request is never needed; what cannot be
 * read as RFC 9112 says (no version, a header line without a colon, a control character, a
 * folded line) is refused, never guessed at.
 *
 * @module
 */

/** The largest request head served, request line included; a longer one is refused (431). */
export const MAX_HEAD_BYTES = 8 * 1024;

/** What the server needs of one request. */
export interface RequestHead {
  /** The method, case as sent (`GET`, `HEAD`; methods are case-sensitive). */
  readonly method: string;
  /** The request target as sent: `/livez?x=1`, `http://host/livez`, `*`. */
  readonly target: string;
  /** Whether the client lets the connection stay open after the answer. */
  readonly keepAlive: boolean;
  /** Whether a body follows the head (`Content-Length` above 0, or `Transfer-Encoding`). */
  readonly hasBody: boolean;
}

/** Why a head is refused, as the HTTP status the answer carries. */
export type HeadRefusal = 400 | 414 | 431 | 505;

/** A head read from the bytes received, or why not (yet). */
export type HeadReading =
  | { readonly kind: "complete"; readonly head: RequestHead; readonly length: number }
  | { readonly kind: "incomplete" }
  | { readonly kind: "refused"; readonly status: HeadRefusal };

const LF = 0x0a;
const CR = 0x0d;

// RFC 9110 §5.6.2: a token is one or more tchar.
const TOKEN = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+";
// A request target is ASCII (RFC 3986: anything else is percent-encoded).
const REQUEST_LINE = new RegExp(`^(${TOKEN}) ([\\x21-\\x7e]+) HTTP/(\\d)\\.(\\d)$`);
const FIELD_LINE = new RegExp(`^(${TOKEN}):[\\t ]*(.*?)[\\t ]*$`);
// Control characters other than HTAB have no place in a head (RFC 9110 §5.5).
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;
const DIGITS = /^\d+$/;
const REFUSED_400 = { kind: "refused", status: 400 } as const;
const INCOMPLETE = { kind: "incomplete" } as const;

// Every byte is one character: the head is ASCII, and obs-text bytes only need to stay bytes.
const latin1 = new TextDecoder("latin1");

/**
 * Where the head in `bytes` ends (the index after its empty line), or -1 while it has not.
 * Lines end in CRLF or a bare LF (RFC 9112 §2.2 lets a recipient accept LF alone).
 */
export function headEnd(bytes: Uint8Array, from = 0): number {
  for (let index = bytes.indexOf(LF, from); index !== -1; index = bytes.indexOf(LF, index + 1)) {
    if (bytes[index + 1] === LF) return index + 2;
    if (bytes[index + 1] === CR && bytes[index + 2] === LF) return index + 3;
  }
  return -1;
}

/**
 * Reads the request head at the start of `bytes`. A head not complete within MAX_HEAD_BYTES is refused: 414 when
 * even the request line is longer, else 431.
 *
 * @example A probe as kubelet sends it, and a head not yet complete
 * ```ts
 * import assert from "node:assert/strict";
 * import { readRequestHead } from "./request_head.ts";
 *
 * const bytes = new TextEncoder().encode(
 *   "GET /livez HTTP/1.1\r\nHost: 10.0.0.7:8089\r\nUser-Agent: kube-probe/1.30\r\n" +
 *     "Accept: *\/*\r\nConnection: close\r\n\r\n",
 * );
 * assert.deepEqual(readRequestHead(bytes), {
 *   kind: "complete",
 *   head: { method: "GET", target: "/livez", keepAlive: false, hasBody: false },
 *   length: bytes.length,
 * });
 * assert.deepEqual(readRequestHead(bytes.subarray(0, 30)), { kind: "incomplete" });
 * ```
 */
export function readRequestHead(bytes: Uint8Array): HeadReading {
  // One empty line before the request line is skipped, as RFC 9112 §2.2 asks; more is noise.
  const start = bytes[0] === LF ? 1 : bytes[0] === CR && bytes[1] === LF ? 2 : 0;
  // Empty lines before the request line count towards the limit: they are bytes to hold.
  const end = headEnd(bytes, start);
  if (end === -1) {
    if (bytes.length < MAX_HEAD_BYTES) return INCOMPLETE;
    return { kind: "refused", status: bytes.indexOf(LF, start) === -1 ? 414 : 431 };
  }
  if (end > MAX_HEAD_BYTES) return { kind: "refused", status: 431 };
  const lines = latin1.decode(bytes.subarray(start, end)).split("\n");
  // The last two are the empty line and what follows its LF.
  lines.length -= 2;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    if (line.endsWith("\r")) lines[index] = line.slice(0, -1);
  }
  const request = REQUEST_LINE.exec(lines[0]);
  if (request === null) return REFUSED_400;
  const [, method, target, major, minor] = request;
  if (major !== "1") return { kind: "refused", status: 505 };
  // HTTP/1.0 gets one answer per connection, whatever it asks: the simplest correct reading.
  let keepAlive = minor !== "0";
  let hasBody = false;
  let contentLength: string | undefined;
  for (let index = 1; index < lines.length; index++) {
    const line = lines[index];
    const field = FIELD_LINE.exec(line);
    if (field === null || CONTROL.test(field[2])) return REFUSED_400;
    switch (field[1].toLowerCase()) {
      case "connection":
        for (const option of field[2].toLowerCase().split(",")) {
          const token = option.trim();
          if (token === "close") keepAlive = false;
        }
        break;
      case "content-length":
        // A list of equal values is one value (RFC 9110 §8.6); anything else is refused.
        for (const value of field[2].split(",")) {
          const length = value.trim();
          if (!DIGITS.test(length) || (contentLength !== undefined && contentLength !== length)) {
            return REFUSED_400;
          }
          contentLength = length;
        }
        if (/[1-9]/.test(contentLength!)) hasBody = true;
        break;
      case "transfer-encoding":
        hasBody = true;
        break;
    }
  }
  return { kind: "complete", head: { method, target, keepAlive, hasBody }, length: end };
}
