/**
 * One HTTP/1.1 connection (behaviour §5.6): read a request head, answer it from memory, and
 * again while the client keeps the connection, in the order the requests came (pipelining).
 * What the connection may hold is bounded: a head of at most MAX_HEAD_BYTES, read within a
 * deadline the server's sweep enforces; a body is never read, so a request that has one gets
 * its answer and the connection is closed.
 *
 * @module
 */

import type { HttpRequest } from "../core/http_handler.ts";
import { type HttpResponse, responseHead } from "../core/http_response.ts";
import { headEnd, MAX_HEAD_BYTES, readRequestHead } from "../core/request_head.ts";

/** What a connection is doing, as the server's sweep and eviction see it. */
export type ConnectionPhase =
  /** Waiting for a request head: the first (`answered` is 0) or a later one. */
  | "head"
  /** Writing an answer. */
  | "answer"
  /** Answered for the last time; reading what the client still sends until it closes. */
  | "linger";

/** The server's record of one open connection. */
export interface TrackedConnection {
  /** The socket. */
  readonly conn: Deno.Conn;
  /** What it is doing now. */
  phase: ConnectionPhase;
  /** Requests answered on it so far. */
  answered: number;
  /** Monotonic time by which the current phase must end, or the connection is closed. */
  deadline: number;
}

/** How long each phase may take; see HTTP_LIMITS in http_server.ts. */
export interface ConnectionTimeouts {
  /** From the connection's start, or the first byte of a later request, to a complete head. */
  readonly headTimeoutMs: number;
  /** From an answer to the first byte of the next request on a kept connection. */
  readonly idleTimeoutMs: number;
  /** For writing one answer (a client that reads nothing holds it up). */
  readonly answerTimeoutMs: number;
  /** For the client to close after the last answer, before the server closes. */
  readonly lingerMs: number;
}

/** What a connection needs from the server. */
export interface ConnectionPorts {
  /** Answers one request (never throws: the server turns a failure into a 500). */
  readonly answer: (request: HttpRequest) => HttpResponse;
  /** Answers a head that cannot be served (400, 414, 431, 505). */
  readonly refuse: (status: number) => HttpResponse;
  /** The `Date` field's text now. */
  readonly date: () => string;
  /** Monotonic milliseconds. */
  readonly now: () => number;
  /** Sees that a deadline just set is enforced (the sweep runs by then, give or take). */
  readonly watch: (deadline: number) => void;
  /** Whether the server is shutting down (no connection is kept after its answer). */
  readonly stopping: () => boolean;
}

const INITIAL_BUFFER_BYTES = 1024;
// What a lingering connection may still send before it is closed regardless.
const MAX_LINGER_BYTES = 64 * 1024;

const encoder = new TextEncoder();

/** Moves `tracked` to `phase`, which must end within `timeoutMs`. */
function enter(
  tracked: TrackedConnection,
  phase: ConnectionPhase,
  ports: ConnectionPorts,
  timeoutMs: number,
) {
  tracked.phase = phase;
  tracked.deadline = ports.now() + timeoutMs;
  ports.watch(tracked.deadline);
}

/** The bytes of an answer: its head, and its body unless the request was HEAD. */
function answerBytes(response: HttpResponse, head: boolean, date: string, close: boolean) {
  const body = encoder.encode(response.body);
  const text = responseHead(response, { contentLength: body.length, date, close });
  const bytes = new Uint8Array(text.length + (head ? 0 : body.length));
  // The head is ASCII: one byte per character.
  encoder.encodeInto(text, bytes);
  if (!head) bytes.set(body, text.length);
  return bytes;
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let written = 0; written < bytes.length;) {
    written += await conn.write(bytes.subarray(written));
  }
}

/**
 * Reads what the client still sends after the last answer, until it closes, MAX_LINGER_BYTES
 * have come, or the sweep closes the connection: closing while unread bytes wait would send a
 * reset, which can destroy the answer before the client has read it.
 */
async function linger(tracked: TrackedConnection, ports: ConnectionPorts, lingerMs: number) {
  enter(tracked, "linger", ports, lingerMs);
  await tracked.conn.closeWrite();
  const sink = new Uint8Array(4096);
  for (let drained = 0; drained < MAX_LINGER_BYTES;) {
    const count = await tracked.conn.read(sink);
    if (count === null) return;
    drained += count;
  }
}

/**
 * Serves `tracked` until the client closes it, an answer says `connection: close`, or the
 * server closes it (a deadline, an eviction, shutdown: the pending read or write then throws,
 * which ends this quietly). The caller closes the socket afterwards.
 */
export async function serveConnection(
  tracked: TrackedConnection,
  ports: ConnectionPorts,
  timeouts: ConnectionTimeouts,
): Promise<void> {
  const { conn } = tracked;
  let buffer = new Uint8Array(INITIAL_BUFFER_BYTES);
  let length = 0;
  // Where the search for the end of the head resumes: bytes before it were searched.
  let searched = 0;
  // Kept after an answer, nothing of the next request read yet.
  let kept = false;
  for (;;) {
    const end = length === 0 ? -1 : headEnd(buffer.subarray(0, length), searched);
    const reading = end === -1 && length < MAX_HEAD_BYTES
      ? undefined
      : readRequestHead(buffer.subarray(0, length));
    if (reading === undefined || reading.kind === "incomplete") {
      // A later request whose head did not come whole with its first bytes: its deadline runs
      // from them. Not for each request: a head comes whole in one read, and a deadline before
      // the sweep already armed would arm another timer (issue 20).
      if (kept && length > 0) {
        kept = false;
        enter(tracked, "head", ports, timeouts.headTimeoutMs);
      }
      if (length === buffer.length) {
        const grown = new Uint8Array(Math.min(MAX_HEAD_BYTES, buffer.length * 2));
        grown.set(buffer);
        buffer = grown;
      }
      const count = await conn.read(buffer.subarray(length));
      if (count === null) return;
      // A head's end (LF LF or LF CR LF) may begin up to two bytes before the new ones.
      searched = Math.max(0, length - 2);
      length += count;
      continue;
    }
    if (reading.kind === "refused") {
      enter(tracked, "answer", ports, timeouts.answerTimeoutMs);
      await writeAll(conn, answerBytes(ports.refuse(reading.status), false, ports.date(), true));
      tracked.answered++;
      return await linger(tracked, ports, timeouts.lingerMs);
    }
    const { head } = reading;
    const close = !head.keepAlive || head.hasBody || ports.stopping();
    enter(tracked, "answer", ports, timeouts.answerTimeoutMs);
    const response = ports.answer(head);
    await writeAll(conn, answerBytes(response, head.method === "HEAD", ports.date(), close));
    tracked.answered++;
    // A body was not read: what is left of it must not be taken for the next request.
    if (head.hasBody) return await linger(tracked, ports, timeouts.lingerMs);
    if (close || ports.stopping()) return;
    // Requests sent behind this one (pipelining) are answered next, in order.
    buffer.copyWithin(0, reading.length, length);
    length -= reading.length;
    searched = 0;
    kept = length === 0;
    enter(tracked, "head", ports, kept ? timeouts.idleTimeoutMs : timeouts.headTimeoutMs);
  }
}
