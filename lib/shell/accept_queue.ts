/**
 * Whether a connection waits in the accept queue of the HTTP listener (behaviour §2.5): what
 * lets the socket reader go on through a flood without turns of the event loop, and stop for
 * one as soon as a probe connects. Deno gives no descriptor for its listener, so the listener
 * is found among the process's own descriptors, once, by what it is: a listening TCP socket
 * (`SO_ACCEPTCONN`) bound to the HTTP port; `poll(2)` with no timeout then says whether its
 * queue holds a connection. Both are calls on the adapter's own sockets, through libc: they
 * open, read and change nothing.
 *
 * @module
 */

import { type Libc, readableNow } from "./libc.ts";

// <sys/socket.h>, <netinet/in.h>: the same on x86-64 and arm64.
const SOL_SOCKET = 1;
const SO_ACCEPTCONN = 30;
const AF_INET = 2;
const AF_INET6 = 10;
// struct sockaddr_in and sockaddr_in6 begin alike: the family (host order), the port (network
// order). 128 bytes hold any address (struct sockaddr_storage).
const SOCKADDR_BYTES = 128;
// The listener is opened early, when the process holds a few dozen descriptors at most.
const MAX_SCANNED_FD = 1024;

/** A watched accept queue. */
export interface AcceptQueue {
  /** Whether a connection waits to be accepted: one `poll(2)`, which does not wait. */
  pending(): boolean;
}

/** The descriptor of this process's listening TCP socket on `port`, if it has one. */
export function findListener(libc: Libc, port: number): number | undefined {
  const value = new Int32Array(1);
  const valueLength = new Uint32Array(1);
  const address = new Uint8Array(SOCKADDR_BYTES);
  const addressLength = new Uint32Array(1);
  const view = new DataView(address.buffer);
  for (let fd = 0; fd < MAX_SCANNED_FD; fd++) {
    valueLength[0] = value.byteLength;
    // Fails on a closed descriptor and on anything but a socket.
    if (libc.getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, value, valueLength) !== 0) continue;
    if (value[0] !== 1) continue;
    addressLength[0] = SOCKADDR_BYTES;
    if (libc.getsockname(fd, address, addressLength) !== 0) continue;
    const family = view.getUint16(0, true);
    if ((family === AF_INET || family === AF_INET6) && view.getUint16(2, false) === port) {
      return fd;
    }
  }
  return undefined;
}

/**
 * Watches the accept queue of this process's listening TCP socket on `port`; undefined when
 * there is none. (No runnable example: documentation tests run without the `ffi` permission;
 * tests/shell/accept_queue_test.ts drives it.)
 */
export function watchAcceptQueue(libc: Libc, port: number): AcceptQueue | undefined {
  const fd = findListener(libc, port);
  // A listening socket is readable while a connection waits in its queue.
  return fd === undefined ? undefined : { pending: readableNow(libc, fd) };
}
