/**
 * A way for a long burst of work (a datagram flood) to let the event loop run between
 * pieces of it, so that HTTP probes and timers are served meanwhile.
 *
 * `setTimeout(0)` would do it, but Deno's timers have millisecond granularity: a message to
 * oneself comes back on the next turn of the event loop in a few microseconds.
 *
 * @module
 */

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
 * Like `pollSockets()`, without another thread: a receive is kept pending on a private
 * abstract unix datagram socket (no file, no port), and `poll()` completes it by sending it a
 * datagram from a second, unbound socket (a socket cannot send while its own receive is
 * pending). Only the event loop's poll of its sockets wakes a pending receive, so it serves
 * the HTTP connections waiting meanwhile. About 5 µs a poll on the main thread, against
 * 5–90 µs for hashing nothing on the blocking thread pool (a thread wake-up each time). Falls
 * back to `pollSockets()` when the sockets cannot be opened. The pending receive keeps the
 * process alive: close it.
 */
export function openSocketPoller(): SocketPoller {
  let receiver: Deno.DatagramConn;
  let sender: Deno.DatagramConn;
  const path = `\0sd-notify-adapter-poll-${crypto.randomUUID()}`;
  try {
    receiver = Deno.listenDatagram({ transport: "unixpacket", path });
  } catch {
    return { poll: pollSockets, close: () => {} };
  }
  try {
    sender = Deno.listenDatagram({ transport: "unixpacket" });
  } catch {
    receiver.close();
    return { poll: pollSockets, close: () => {} };
  }
  const address: Deno.UnixAddr = { transport: "unixpacket", path };
  const buffer = new Uint8Array(1);
  const receive = () => {
    const pending = receiver.receive(buffer);
    pending.catch(() => {}); // rejected once closed
    return pending;
  };
  let pending = receive();
  // Callers that come while a poll is under way share it: one receive is pending at a time.
  let polling: Promise<void> | undefined;
  let closed = false;
  const pollOnce = async () => {
    try {
      await sender.send(ONE_BYTE, address);
      await pending;
      pending = receive();
    } catch {
      // Closed meanwhile.
    } finally {
      polling = undefined;
    }
  };
  return {
    poll: () => closed ? Promise.resolve() : polling ??= pollOnce(),
    close() {
      if (closed) return;
      closed = true;
      receiver.close();
      sender.close();
    },
  };
}
