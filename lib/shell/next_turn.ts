/**
 * A way for a long burst of work (a datagram flood) to let the event loop run between
 * pieces of it, so that HTTP probes and timers are served meanwhile.
 *
 * `setTimeout(0)` would do it, but Deno's timers have millisecond granularity: a message to
 * oneself comes back on the next turn of the event loop in a few microseconds.
 *
 * @module
 */

import { type LoopbackPair, openLoopbackPair } from "./loopback_pair.ts";

let channel: MessageChannel | undefined;
const waiting: (() => void)[] = [];

// Deno's MessagePort has unref(), like Node's; the standard type does not say so.
type Unrefable = MessagePort & { unref(): void };

function open(): MessageChannel {
  const created = new MessageChannel();
  created.port2.onmessage = () => waiting.shift()?.();
  // The channel must never be what keeps the process alive.
  (created.port1 as Unrefable).unref();
  (created.port2 as Unrefable).unref();
  return created;
}

/**
 * Resolves on a later turn of the event loop, after pending I/O (connections, requests,
 * timers) has had its turn.
 *
 * @example Code after the call runs first
 * ```ts
 * import assert from "node:assert/strict";
 * import { nextTurn } from "./next_turn.ts";
 *
 * // nextTurn() never keeps the process alive: in the adapter its sockets do, here a timer.
 * const keepAlive = setInterval(() => {}, 1_000);
 * const order: string[] = [];
 * const later = nextTurn().then(() => order.push("next turn"));
 * order.push("this turn");
 * await later;
 * clearInterval(keepAlive);
 * assert.deepEqual(order, ["this turn", "next turn"]);
 * ```
 */
export function nextTurn(): Promise<void> {
  channel ??= open();
  const { port1 } = channel;
  return new Promise((resolve) => {
    waiting.push(resolve);
    port1.postMessage(null);
  });
}

/** What the line writers await before a batch: a microtask at first, a turn once asked. */
export interface BatchWait {
  /** Resolves when a batch may start. */
  readonly wait: () => Promise<void>;
  /** From now on a batch waits for a turn of the event loop (`nextTurn()`). */
  perTurn(): void;
}

/**
 * A batch wait that resolves after the current microtasks until `perTurn()` is called, and on
 * a later turn of the event loop after it. A flood needs the turn, so that its burst becomes
 * one write; the records of start-up do not, and the first message on a `MessageChannel` costs
 * 1.2 to 2 ms (Deno loads its message ports and events then: 4 runs of a bare script), which
 * start-up then does not pay. The adapter asks for turns at the socket's first datagram.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { batchWait } from "./next_turn.ts";
 *
 * const keepAlive = setInterval(() => {}, 1_000);
 * const batches = batchWait();
 * const order: string[] = [];
 * await batches.wait().then(() => order.push("microtask"));
 * batches.perTurn();
 * const later = batches.wait().then(() => order.push("next turn"));
 * order.push("this turn");
 * await later;
 * clearInterval(keepAlive);
 * assert.deepEqual(order, ["microtask", "this turn", "next turn"]);
 * ```
 */
export function batchWait(): BatchWait {
  let turns = false;
  return {
    wait: () => turns ? nextTurn() : Promise.resolve(),
    perTurn() {
      turns = true;
    },
  };
}

const NOTHING = new Uint8Array(0);

/**
 * Resolves after the event loop has polled its sockets: what a long burst of work awaits so
 * that HTTP connections and requests are served meanwhile. `nextTurn()` is not enough for
 * that: while some operation is always ready (a flooded socket, a message to oneself), Deno
 * runs JavaScript without polling its sockets. An operation completed by another thread
 * leaves the loop nothing ready, so it polls; hashing nothing is the cheapest such operation
 * that needs no permission (tens of microseconds; `setTimeout` would take a millisecond).
 */
export async function pollSockets(): Promise<void> {
  await crypto.subtle.digest("SHA-1", NOTHING);
}

/** A cheaper `pollSockets()`: see `openSocketPoller`. */
export interface SocketPoller {
  /** Resolves after the event loop has polled its sockets. */
  poll(): Promise<void>;
  /** Closes the private sockets; `poll()` resolves at once afterwards. */
  close(): void;
}

const ONE_BYTE = new Uint8Array(1);

/**
 * Like `pollSockets()`, without another thread: a read is kept pending on one end of a private
 * loopback TCP connection (`openLoopbackPair`: no name, no file, and no other process can
 * reach it), and `poll()` completes it by writing a byte from the other end. Only the event
 * loop's poll of its sockets wakes a pending read, so it serves the HTTP connections waiting
 * meanwhile. Measured on a shared 2-core machine (load 4–9), CPU per poll in a loop of polls:
 * 14 µs, against 12 µs for the abstract unix socket this replaced (whose name anyone could
 * read and whose queue anyone could fill) and 13 µs for hashing nothing; in scripts/bench.ts
 * floods the pair's throughput and probe p99 (2–3 ms) matched the abstract socket's within the
 * noise, while hashing, a thread wake-up each time, let the probe p99 reach 10 ms.
 * Until the pair is open (it opens in the background), and should it not open or break, the
 * poller hashes, as `pollSockets()` does. The pending read keeps the process alive: close it.
 */
export function openSocketPoller(): SocketPoller {
  const buffer = new Uint8Array(64);
  // The pair and the read pending on its far end; undefined until open, or once broken.
  let open: { pair: LoopbackPair; reading: Promise<number | null> } | undefined;
  let closed = false;
  const read = (far: Deno.TcpConn) => {
    const reading = far.read(buffer);
    reading.catch(() => {}); // rejected once closed
    return reading;
  };
  const drop = () => {
    for (const end of [open?.pair.near, open?.pair.far]) {
      try {
        end?.close();
      } catch {
        // Already closed.
      }
    }
    open = undefined;
  };
  // Not awaited: a connect that hangs (a firewall that drops it) must not hold up the reader.
  void openLoopbackPair().then((pair) => {
    if (pair === undefined) return;
    // One byte at a time, at once: no waiting for the ACK of the previous one (Nagle).
    pair.near.setNoDelay(true);
    open = { pair, reading: read(pair.far) };
    if (closed) drop();
  });
  // Callers that come while a poll is under way share it: one read is pending at a time.
  let polling: Promise<void> | undefined;
  const pollOnce = async () => {
    try {
      const current = open;
      if (current !== undefined) {
        try {
          await current.pair.near.write(ONE_BYTE);
          if (await current.reading !== null) {
            if (!closed) current.reading = read(current.pair.far);
            return;
          }
        } catch {
          // Closed meanwhile, or broken.
        }
        if (closed) return;
        // A read that completes at once would not let the loop poll: hashing does.
        drop();
      }
      if (!closed) await pollSockets();
    } finally {
      polling = undefined;
    }
  };
  return {
    poll: () => closed ? Promise.resolve() : polling ??= pollOnce(),
    close() {
      if (closed) return;
      closed = true;
      drop();
    },
  };
}
