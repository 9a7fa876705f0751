/**
 * Two connected TCP sockets over loopback that no other process can reach: Deno's stand-in
 * for `socketpair()`, which it does not offer. A listener on a free port lives only until the
 * adapter has accepted its own connection; a connection from anyone else that comes first is
 * closed. Once the listener is closed, nothing can join an established connection, and its
 * data can be forged only with raw sockets (`CAP_NET_RAW`, which a restricted Pod drops).
 * Unlike a unix socket it needs no file and no writable directory, and unlike an abstract
 * name it lists no name in `/proc/net/unix`.
 *
 * @module
 */

// IPv4 first; an IPv6-only network namespace still has ::1.
const LOOPBACKS = ["127.0.0.1", "::1"];
// Connections from others, accepted in the instant the listener is open, before giving up.
const MAX_STRANGERS = 8;

/** The two ends of a loopback pair. */
export interface LoopbackPair {
  /** The end that connected. */
  readonly near: Deno.TcpConn;
  /** The end the listener accepted. */
  readonly far: Deno.TcpConn;
}

function sameEndpoint(a: Deno.Addr, b: Deno.Addr): boolean {
  return a.transport === "tcp" && b.transport === "tcp" && a.hostname === b.hostname &&
    a.port === b.port;
}

function closeQuietly(closable: { close(): void } | undefined): void {
  try {
    closable?.close();
  } catch {
    // Already closed.
  }
}

/**
 * Accepts connections on `listener` until the one from `near` comes, and returns its far end;
 * closes every other one (at most `MAX_STRANGERS`, then undefined).
 */
export async function acceptOwn(
  listener: Deno.TcpListener,
  near: Deno.TcpConn,
): Promise<Deno.TcpConn | undefined> {
  for (let accepted = 0; accepted <= MAX_STRANGERS; accepted++) {
    const far = await listener.accept();
    if (sameEndpoint(far.remoteAddr, near.localAddr)) return far;
    far.close();
  }
  return undefined;
}

async function pairOn(hostname: string): Promise<LoopbackPair | undefined> {
  let listener: Deno.TcpListener;
  try {
    listener = Deno.listen({ hostname, port: 0 });
  } catch {
    return undefined;
  }
  let near: Deno.TcpConn | undefined;
  try {
    // Connected once the kernel has queued it for accept: the queue is first come, first served.
    near = await Deno.connect({ hostname, port: listener.addr.port });
    const far = await acceptOwn(listener, near);
    if (far !== undefined) return { near, far };
  } catch {
    // No loopback here, or it refused.
  } finally {
    closeQuietly(listener);
  }
  closeQuietly(near);
  return undefined;
}

/**
 * Opens a loopback pair on 127.0.0.1, or else ::1; undefined when neither can be had (no
 * loopback interface, or no `net` permission).
 */
export async function openLoopbackPair(): Promise<LoopbackPair | undefined> {
  for (const hostname of LOOPBACKS) {
    const pair = await pairOn(hostname);
    if (pair !== undefined) return pair;
  }
  return undefined;
}
