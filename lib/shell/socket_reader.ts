/**
 * Reads the notification socket (behaviour §2.2, §4.5, §6): every datagram into one reused
 * buffer of 4097 bytes (so that a 4097-byte read means "longer than systemd accepts"), handed
 * to the runtime in arrival order.
 *
 * The socket has priority over timers, as in systemd's event loop: when the timer fires, the
 * reader sends its own socket a marker from an unbound socket, and the tick is dispatched only
 * when the marker comes out of the queue, after every datagram that was already waiting
 * there (after a SIGSTOP, a cgroup freeze or CPU throttling, a ping that arrived in time still
 * counts). Should the marker be held up behind a flood, the tick goes ahead after
 * TICK_FALLBACK_MS, so no sender can hold a deadline off.
 *
 * @module
 */

import { NOTIFY_BUFFER_MAX } from "../core/notify_message.ts";
import type { Schedule } from "./schedule.ts";

/** How long a tick waits for its marker before it goes ahead anyway. */
export const TICK_FALLBACK_MS = 10;
const MARKER_BYTES = 32;

// A receive that finds a datagram waiting completes without the event loop polling its
// sockets, so a flood could hold off the probes for as long as it lasts (behaviour §2.5:
// nothing on the socket may delay them noticeably). Every few datagrams the reader checks
// whether an HTTP client waits (a connection in the accept queue, a request being read or
// answered) and lets the loop poll if one does, since each step of a request (accept, read,
// write) takes a turn of the loop; a siege of half-sent requests makes it yield at every
// check: slower, never starved. Otherwise it lets the loop turn once per time slice (timers,
// signals, a request on a kept connection). A turn costs the flood far more than the check: a
// turn every 0.25 ms took a fifth of the adapter's throughput (the bench's flood runs, 3
// interleaved rounds: 194 k/s with 0.25 ms slices, 241 k/s with the accept queue watched and
// 1 ms slices; the probes' p99 in the flood fell from 0.75 to 0.52 ms, since a connection is
// seen within eight datagrams instead of a slice). Where the accept queue cannot be watched
// (no libc), the slice is short, since a probe's accept waits for it. Looking at the queue
// every 32nd datagram instead let the p99 rise to 1.3 ms for no throughput that showed.
const DATAGRAMS_PER_CHECK = 8;
/** The time slice while the HTTP listener's accept queue is watched. */
export const SLICE_MS = 1;
/** The time slice where it is not: a probe's connection waits for the end of the slice. */
export const BLIND_SLICE_MS = 0.25;

/** What the reader calls out to. */
export interface ReaderPorts {
  /** One datagram: a view into the reused buffer, valid until it returns. */
  readonly datagram: (bytes: Uint8Array) => void;
  /** A timer tick, once the datagrams queued before it have been handled. */
  readonly tick: () => void;
  /** A promise while an output is full: the reader waits (a bounded time) before going on. */
  readonly outputWait: () => Promise<void> | undefined;
  /** Lets the event loop poll its sockets (HTTP) in the middle of a burst. */
  readonly yieldToLoop: () => Promise<void>;
  /** Whether an HTTP client waits (to be accepted, or on an answer): the reader then yields. */
  readonly httpWaiting: () => boolean;
  /** How long the reader goes between turns of the event loop otherwise. */
  readonly sliceMs: number;
  /** Monotonic milliseconds, the reducer's clock. */
  readonly now: () => number;
  /** The timer behind the tick fallback and the pause after a receive failure. */
  readonly schedule: Schedule;
  /** A receive failed; the reader pauses briefly and goes on. */
  readonly error: (error: unknown) => void;
}

/** The receive loop of one bound socket. */
export class SocketReader {
  #conn: Deno.DatagramConn;
  #target: string;
  #ports: ReaderPorts;
  #marker = crypto.getRandomValues(new Uint8Array(MARKER_BYTES));
  #sender: Deno.DatagramConn | undefined;
  #tickPending = false;
  // What waits for the datagrams already queued: the tick, a child's end.
  #afterQueue: (() => void)[] = [];
  #cancelFallback: (() => void) | undefined;
  // Ends the reader's wait for a full output: a deadline falling due must not wait on output.
  #interruptWait: (() => void) | undefined;
  #closed = false;

  /** Reads `conn`, whose bind address is `target` (a path, or NUL + an abstract name). */
  constructor(conn: Deno.DatagramConn, target: string, ports: ReaderPorts) {
    this.#conn = conn;
    this.#target = target;
    this.#ports = ports;
    // The marker must not look like a notification should it ever be parsed: NUL first.
    this.#marker[0] = 0;
  }

  /** Asks for a tick behind whatever the socket already holds. */
  requestTick(): void {
    if (this.#tickPending) return;
    this.#tickPending = true;
    this.afterQueued(() => {
      this.#tickPending = false;
      this.#ports.tick();
    });
  }

  /**
   * Runs `action` once every datagram the socket holds now has been handled: a timer's expiry
   * and a child's end are judged after the notifications that came before them, as systemd
   * reads the notification socket before its timers and SIGCHLD.
   */
  afterQueued(action: () => void): void {
    if (this.#closed) return action();
    this.#afterQueue.push(action);
    if (this.#afterQueue.length > 1) return;
    this.#cancelFallback = this.#ports.schedule(TICK_FALLBACK_MS, () => this.#markerArrived());
    this.#interruptWait?.();
    void this.#sendMarker();
  }

  /** Stops reading; the loop returns. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#sender?.close();
    this.#conn.close();
    this.#markerArrived();
  }

  /** Receives until the socket is closed. */
  async run(): Promise<void> {
    const ports = this.#ports;
    const buffer = new Uint8Array(NOTIFY_BUFFER_MAX + 1);
    let sinceCheck = 0;
    let sliceStart = ports.now();
    while (true) {
      let datagram: Uint8Array;
      try {
        [datagram] = await this.#conn.receive(buffer);
      } catch (error) {
        if (this.#closed || error instanceof Deno.errors.BadResource) return;
        if (error instanceof Deno.errors.Interrupted) continue;
        ports.error(error);
        // A persistent error must not spin: give the event loop (and the probes) a breath.
        await new Promise<void>((resolve) => ports.schedule(10, resolve));
        continue;
      }
      if (datagram.length === MARKER_BYTES && this.#isMarker(datagram)) {
        this.#markerArrived();
        continue;
      }
      ports.datagram(datagram);
      // While a tick waits behind the queue, the reader does not wait on output: the datagrams
      // ahead of the marker are few (the kernel queues a handful) and are judged first.
      const wait = this.#afterQueue.length > 0 ? undefined : ports.outputWait();
      if (wait !== undefined) {
        await Promise.race([wait, new Promise<void>((resolve) => this.#interruptWait = resolve)]);
        this.#interruptWait = undefined;
      }
      if (++sinceCheck === DATAGRAMS_PER_CHECK) {
        sinceCheck = 0;
        if (ports.httpWaiting() || ports.now() - sliceStart >= ports.sliceMs) {
          await ports.yieldToLoop();
          sliceStart = ports.now();
        }
      }
    }
  }

  #isMarker(datagram: Uint8Array): boolean {
    const marker = this.#marker;
    for (let i = 0; i < MARKER_BYTES; i++) if (datagram[i] !== marker[i]) return false;
    return true;
  }

  #markerArrived() {
    const actions = this.#afterQueue;
    if (actions.length === 0) return;
    this.#afterQueue = [];
    this.#cancelFallback?.();
    this.#cancelFallback = undefined;
    for (const action of actions) action();
  }

  // A datagram socket cannot send while its own receive() is pending: a second socket sends.
  // It is unbound: with no name, nobody can list it, send to it or fill its queue.
  async #sendMarker() {
    try {
      this.#sender ??= Deno.listenDatagram({ transport: "unixpacket" });
      await this.#sender.send(this.#marker, { transport: "unixpacket", path: this.#target });
    } catch {
      // No marker, no ordering guarantee: nothing waiting may be lost, so it goes ahead now.
      this.#markerArrived();
    }
  }
}
