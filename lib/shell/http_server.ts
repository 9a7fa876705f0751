/**
 * The HTTP listener (behaviour §5.1, §5.6): a small HTTP/1.1 server on `Deno.listen` that
 * answers from the pure handler and bounds what clients can hold. `Deno.serve` (2.9.6) has no
 * header or idle timeout and no connection limit, so one client holding half-sent requests
 * could take every descriptor and every probe with them. Here each connection has a deadline,
 * the number of connections is capped, and at the cap, or when `accept()` fails for want of
 * descriptors, the connection that matters least is closed to make room: probes get through a
 * siege. A failed `accept()` leaves the listening socket open; the adapter logs it once, backs
 * off and accepts again.
 *
 * @module
 */

import type { HttpRequest } from "../core/http_handler.ts";
import { refusal } from "../core/http_handler.ts";
import type { HttpResponse } from "../core/http_response.ts";
import { httpDate } from "../core/timestamp.ts";
import type { Schedule } from "./schedule.ts";
import {
  type ConnectionTimeouts,
  serveConnection,
  type TrackedConnection,
} from "./http_connection.ts";
import { listenHosts, listenOnFirst } from "./listen_plan.ts";
import { errorText, type Logger } from "./logging.ts";

/** What one client can hold, and for how long (behaviour §5.6). */
export interface HttpLimits extends ConnectionTimeouts {
  /** Open connections at most; at the cap a new one makes room by closing another. */
  readonly maxConnections: number;
  /** How late a deadline may be enforced: sweeps for deadlines that close together merge. */
  readonly sweepMs: number;
}

/** The limits the adapter runs with; `maxConnections` is lowered to fit the open-files limit. */
export const HTTP_LIMITS: HttpLimits = Object.freeze({
  maxConnections: 256,
  headTimeoutMs: 10_000,
  idleTimeoutMs: 30_000,
  // As long as the idle timeout: the deadline of an answer then never comes before the sweep
  // a kept connection has armed, and a steady client arms no timer per request (issue 20).
  answerTimeoutMs: 30_000,
  lingerMs: 2_000,
  sweepMs: 1_000,
});

/** Backoff between attempts to accept after a failure, doubling up to the last. */
export const ACCEPT_RETRY_DELAYS_MS: readonly number[] = Object.freeze([50, 100, 200, 400]);
// How long the accept loop waits for an evicted connection's descriptor to be free.
const EVICTION_WAIT_MS = 100;
// Accepting is back for good once it has worked this long after the last failure (under a
// siege at the descriptor limit, failures and successes alternate: one record, not thousands).
const RESTORED_AFTER_MS = 1_000;

/** A running listener. */
export interface HttpListener {
  /** `[::]:8089`, `0.0.0.0:8089`: what was bound. */
  readonly address: string;
  /** The port bound (the one chosen, for `ADAPTER_PORT=0`). */
  readonly port: number;
  /**
   * Whether a client waits on an answer: a connection whose first request is not yet read,
   * or one being answered. Each step of such a request takes a turn of the event loop.
   */
  waiting(): boolean;
  /** Stops accepting, finishes the answers being written, closes every connection. */
  shutdown(): Promise<void>;
}

/** What the listener needs. */
export interface ListenerOptions {
  /** The IP literal to listen on, from `ADAPTER_HOST`. */
  readonly host: string;
  /** The TCP port, from `ADAPTER_PORT`; 0 takes any free port. */
  readonly port: number;
  /** Answers one request from the adapter's current state. */
  readonly handler: (request: HttpRequest) => HttpResponse;
  /** Where the listener reports accept failures and handler errors. */
  readonly logger: Logger;
  /** The timer for deadlines and the accept backoff. */
  readonly schedule: Schedule;
  /** Overrides of HTTP_LIMITS. */
  readonly limits?: Partial<HttpLimits>;
}

function formatAddress({ hostname, port }: Deno.NetAddr): string {
  return hostname.includes(":") ? `[${hostname}]:${port}` : `${hostname}:${port}`;
}

// Worth least first: one that has answered its last, one that has not sent a first request
// (what a siege holds), one kept between requests; one writing an answer only if all write.
const EVICTION_RANK = { linger: 0, head: 1, answer: 3 } as const;
const rank = (tracked: TrackedConnection) =>
  tracked.phase === "head" && tracked.answered > 0 ? 2 : EVICTION_RANK[tracked.phase];

/** The connection to close to make room: the oldest of the lowest rank, but never `spared`. */
export function evictionCandidate(
  connections: Iterable<TrackedConnection>,
  spared?: TrackedConnection,
): TrackedConnection | undefined {
  let chosen: TrackedConnection | undefined;
  for (const tracked of connections) {
    if (tracked === spared) continue;
    if (chosen === undefined || rank(tracked) < rank(chosen)) chosen = tracked;
    if (rank(chosen) === 0) break;
  }
  return chosen;
}

// The Date field's text is made for each answer rather than kept for a second: a string kept
// that long outlives two scavenges, and V8 promotes it to its old generation (issue 20).
const currentDate = () => httpDate(Date.now());

/** Listens, or throws what the last attempt threw (port in use, address not available). */
export function listenHttp(options: ListenerOptions): HttpListener {
  const { handler, logger, schedule } = options;
  const limits: HttpLimits = { ...HTTP_LIMITS, ...options.limits };
  const listener = listenOnFirst(
    listenHosts(options.host),
    (hostname) => Deno.listen({ hostname, port: options.port, transport: "tcp" }),
  );
  const address = formatAddress(listener.addr);
  const now = () => performance.now();
  // In accept order (the first of a rank is the oldest), each with the end of its serving: the
  // moment its descriptor is free, which is a turn of the event loop after it is closed.
  const open = new Map<TrackedConnection, Promise<void>>();
  let stopping = false;
  let drained: (() => void) | undefined;

  const close = (tracked: TrackedConnection) => {
    if (!open.delete(tracked)) return;
    try {
      tracked.conn.close();
    } catch {
      // Closed already.
    }
    if (stopping && open.size === 0) drained?.();
  };
  /**
   * Closes the connection that matters least, other than `spared`, and waits (briefly) until
   * its descriptor is free.
   */
  const evict = async (spared?: TrackedConnection) => {
    const candidate = evictionCandidate(open.keys(), spared);
    if (candidate === undefined) return false;
    const ended = open.get(candidate)!;
    close(candidate);
    let cancel = () => {};
    await Promise.race([
      ended,
      new Promise<void>((resolve) => cancel = schedule(EVICTION_WAIT_MS, resolve)),
    ]);
    cancel();
    return true;
  };

  // One timer for every deadline, armed for the earliest (less often than once per sweepMs),
  // and only while a connection is open. A timer per request, or one every second, would
  // itself be garbage that V8 promotes to its old generation under load (issue 20).
  let sweepAt = Number.POSITIVE_INFINITY;
  let cancelSweep: (() => void) | undefined;
  const armSweep = (at: number) => {
    cancelSweep?.();
    sweepAt = at;
    cancelSweep = schedule(Math.max(0, Math.ceil(at - now())), sweep);
  };
  const sweep = () => {
    sweepAt = Number.POSITIVE_INFINITY;
    cancelSweep = undefined;
    const at = now();
    let earliest = Number.POSITIVE_INFINITY;
    for (const tracked of open.keys()) {
      if (tracked.deadline <= at) close(tracked);
      else earliest = Math.min(earliest, tracked.deadline);
    }
    if (earliest !== Number.POSITIVE_INFINITY) armSweep(Math.max(earliest, at + limits.sweepMs));
  };
  const watch = (deadline: number) => {
    if (deadline + limits.sweepMs < sweepAt) armSweep(deadline);
  };

  const ports = {
    answer: (request: HttpRequest): HttpResponse => {
      try {
        return handler(request);
      } catch (error) {
        logger.log("error", "HTTP handler failed", { error: errorText(error) });
        return refusal(500);
      }
    },
    refuse: refusal,
    date: currentDate,
    now,
    watch,
    stopping: () => stopping,
  };

  const admit = (conn: Deno.TcpConn): TrackedConnection => {
    const tracked: TrackedConnection = {
      conn,
      phase: "head",
      answered: 0,
      deadline: now() + limits.headTimeoutMs,
    };
    watch(tracked.deadline);
    try {
      // One write per answer: no reason to wait for an acknowledgement before sending it.
      conn.setNoDelay(true);
    } catch {
      // The client is gone already; the first read says so.
    }
    const ended = serveConnection(tracked, ports, limits).catch(() => {
      // A reset, or a close by the server (deadline, eviction, shutdown): nothing to report.
    }).finally(() => close(tracked));
    open.set(tracked, ended);
    return tracked;
  };

  let failures = 0;
  let lastFailure = Number.NEGATIVE_INFINITY;
  const accepted = async () => {
    for (;;) {
      let conn: Deno.TcpConn;
      try {
        conn = await listener.accept();
      } catch (error) {
        if (stopping) return;
        if (failures === 0) {
          logger.log("error", "Accept failed", { error: errorText(error), address });
        }
        const delay = ACCEPT_RETRY_DELAYS_MS[Math.min(failures, ACCEPT_RETRY_DELAYS_MS.length - 1)];
        failures++;
        lastFailure = now();
        // Closing a connection frees a descriptor for the next accept; without one, wait.
        if (!await evict()) await new Promise<void>((resolve) => schedule(delay, resolve));
        continue;
      }
      if (failures > 0 && now() - lastFailure >= RESTORED_AFTER_MS) {
        logger.log("info", "Accepting again", { address, failures });
        failures = 0;
      }
      if (stopping) {
        conn.close();
        continue;
      }
      const admitted = admit(conn);
      // At the cap, room is made before the next accept: the connections that matter least go
      // as new ones come (never the newcomer), and the descriptors in use never exceed the cap.
      if (open.size >= limits.maxConnections) await evict(admitted);
    }
  };
  void accepted();

  return {
    address,
    port: listener.addr.port,
    // Stops at the first that waits: a siege of half-sent requests answers at once, and so
    // does an idle listener; only kept and lingering connections are walked through.
    waiting: () => {
      for (const { phase, answered } of open.keys()) {
        if (phase === "answer" || (phase === "head" && answered === 0)) return true;
      }
      return false;
    },
    shutdown: () => {
      stopping = true;
      cancelSweep?.();
      try {
        listener.close();
      } catch {
        // Closed already.
      }
      // Answers being written finish (their connection closes after them); the rest go now.
      for (const tracked of open.keys()) if (tracked.phase !== "answer") close(tracked);
      if (open.size === 0) return Promise.resolve();
      return new Promise((resolve) => drained = resolve);
    },
  };
}
