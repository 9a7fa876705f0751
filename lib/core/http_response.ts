/**
 * An HTTP answer as data, and its head as HTTP/1.1 writes it (behaviour §5.6). The handler
 * returns plain data rather than a Fetch API `Response`: the server writes the bytes itself,
 * and a `Response` would cost an object graph and an asynchronous read of its body on every
 * request, for a body that is already a string.
 *
 * @module
 */

/** One answer: status, header fields (names in lower case) and the body. */
export interface HttpResponse {
  /** The status code. */
  readonly status: number;
  /** Header fields, names in lower case; `content-length`, `date`, `connection` are added. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body, sent as UTF-8 (not for HEAD). */
  readonly body: string;
}

/** The reason phrases of the statuses the adapter sends. */
export const REASON_PHRASES: Readonly<Record<number, string>> = Object.freeze({
  200: "OK",
  400: "Bad Request",
  404: "Not Found",
  405: "Method Not Allowed",
  414: "URI Too Long",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  503: "Service Unavailable",
  505: "HTTP Version Not Supported",
});

/** How the head of one answer is written. */
export interface HeadFraming {
  /** The body's length in bytes (for HEAD, what GET would send). */
  readonly contentLength: number;
  /** The `Date` field's text (RFC 9110 §6.6.1: an origin server with a clock sends it). */
  readonly date: string;
  /** Whether the server closes the connection after this answer. */
  readonly close: boolean;
}

/**
 * The status line and header fields of `response`, ending with the empty line.
 *
 * @example A probe's answer
 * ```ts
 * import assert from "node:assert/strict";
 * import { responseHead } from "./http_response.ts";
 *
 * const response = { status: 503, headers: { "cache-control": "no-store" }, body: "{}" };
 * assert.equal(
 *   responseHead(response, { contentLength: 2, date: "Wed, 01 May 2024 12:00:00 GMT", close: true }),
 *   "HTTP/1.1 503 Service Unavailable\r\ncache-control: no-store\r\ncontent-length: 2\r\n" +
 *     "date: Wed, 01 May 2024 12:00:00 GMT\r\nconnection: close\r\n\r\n",
 * );
 * ```
 */
export function responseHead(response: HttpResponse, framing: HeadFraming): string {
  let head = `HTTP/1.1 ${response.status} ${REASON_PHRASES[response.status] ?? ""}\r\n`;
  for (const name in response.headers) head += `${name}: ${response.headers[name]}\r\n`;
  head += `content-length: ${framing.contentLength}\r\ndate: ${framing.date}\r\n`;
  return framing.close ? `${head}connection: close\r\n\r\n` : `${head}\r\n`;
}
