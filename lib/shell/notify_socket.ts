/**
 * The notification socket (SPEC §2): bind it as systemd would, hand datagrams to a callback,
 * and remove it on the way out. This is I/O; the rules for what arrives live elsewhere.
 *
 * @module
 */

import type { SocketAddress } from "../core/config.ts";
import { pollSockets } from "./next_turn.ts";
import { NOTIFY_BUFFER_MAX } from "../core/notify_message.ts";

/** Why the socket could not be set up, with the exit status SPEC §1 and §7 give it. */
export class SocketSetupError extends Error {
  /** `exitStatus` is 2 for a path that must not be touched, 1 for other failures. */
  constructor(message: string, readonly exitStatus: 1 | 2) {
    super(message);
    this.name = "SocketSetupError";
  }
}

/** A bound socket, and whether a stale socket file had to be removed first. */
export interface BoundSocket {
  readonly conn: Deno.DatagramConn;
  readonly replacedStale: boolean;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function parentOf(path: string): string {
  return path.slice(0, path.lastIndexOf("/")) || "/";
}

// Returns whether a stale socket was removed; refuses anything that is not a socket.
function clearPath(address: SocketAddress): boolean {
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(address.bindPath);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw new SocketSetupError(`Cannot inspect NOTIFY_SOCKET ${address.text}: ${reason(error)}`, 1);
  }
  if (!info.isSocket) {
    throw new SocketSetupError(
      `Refusing NOTIFY_SOCKET ${JSON.stringify(address.text)}: it exists and is not a socket`,
      2,
    );
  }
  Deno.removeSync(address.bindPath);
  return true;
}

/**
 * Binds the `AF_UNIX`/`SOCK_DGRAM` socket: creates a missing parent directory, replaces a
 * stale socket, refuses any other file, and gives a path socket `mode`.
 */
export function bindNotifySocket(address: SocketAddress, mode: number): BoundSocket {
  let replacedStale = false;
  if (!address.abstract) {
    try {
      Deno.mkdirSync(parentOf(address.bindPath), { recursive: true });
    } catch (error) {
      throw new SocketSetupError(
        `Cannot create the directory of NOTIFY_SOCKET ${address.text}: ${reason(error)}`,
        1,
      );
    }
    replacedStale = clearPath(address);
  }
  let conn: Deno.DatagramConn;
  try {
    conn = Deno.listenDatagram({ transport: "unixpacket", path: address.bindPath });
  } catch (error) {
    throw new SocketSetupError(`Cannot bind NOTIFY_SOCKET ${address.text}: ${reason(error)}`, 1);
  }
  if (!address.abstract) {
    try {
      Deno.chmodSync(address.bindPath, mode);
    } catch (error) {
      conn.close();
      removeNotifySocket(address);
      throw new SocketSetupError(
        `Cannot set the mode of NOTIFY_SOCKET ${address.text}: ${reason(error)}`,
        1,
      );
    }
  }
  return { conn, replacedStale };
}

/** Removes a path socket's file; an abstract socket vanishes with its last descriptor. */
export function removeNotifySocket(address: SocketAddress): void {
  if (address.abstract) return;
  try {
    Deno.removeSync(address.bindPath);
  } catch {
    // Already gone, or the directory went away: either way nothing is left behind.
  }
}

// A receive that finds a datagram waiting completes without the event loop polling its
// sockets, so a flood could hold off the probes for as long as it lasts (SPEC §2: nothing on
// the socket may delay them noticeably). The reader checks the clock every few datagrams and
// lets the loop poll once per time slice; shorter slices answer probes sooner and cost
// throughput (scripts/bench.ts measures both).
const DATAGRAMS_PER_CLOCK_CHECK = 8;
const SLICE_MS = 0.25;

/**
 * Receives datagrams into one reused buffer of NOTIFY_BUFFER_MAX + 1 bytes, so that a
 * 4097-byte read means "longer than systemd accepts". `handle` sees a view into that buffer,
 * valid until it returns; `paused` returns a promise while the output queues are full.
 * Every SLICE_MS of a burst it lets the event loop poll its sockets. Returns when the socket
 * is closed.
 */
export async function receiveDatagrams(
  conn: Deno.DatagramConn,
  handle: (datagram: Uint8Array) => void,
  paused: () => Promise<void> | undefined,
  onError: (error: unknown) => void,
): Promise<void> {
  const buffer = new Uint8Array(NOTIFY_BUFFER_MAX + 1);
  let sinceCheck = 0;
  let sliceStart = performance.now();
  while (true) {
    let datagram: Uint8Array;
    try {
      [datagram] = await conn.receive(buffer);
    } catch (error) {
      if (error instanceof Deno.errors.BadResource || error instanceof Deno.errors.Interrupted) {
        return;
      }
      onError(error);
      // A persistent error must not spin: give the event loop (and the probes) a breath.
      await new Promise((resolve) => setTimeout(resolve, 10));
      continue;
    }
    handle(datagram);
    const wait = paused();
    if (wait !== undefined) await wait;
    if (++sinceCheck === DATAGRAMS_PER_CLOCK_CHECK) {
      sinceCheck = 0;
      if (performance.now() - sliceStart >= SLICE_MS) {
        await pollSockets();
        sliceStart = performance.now();
      }
    }
  }
}
