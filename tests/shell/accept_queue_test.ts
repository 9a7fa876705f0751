// The HTTP listener's accept queue, watched through libc (behaviour §2.5).
import assert from "node:assert/strict";
import { findListener, watchAcceptQueue } from "../../lib/shell/accept_queue.ts";
import { type Libc, loadLibc } from "../../lib/shell/libc.ts";

function libc(): Libc {
  const loaded = loadLibc();
  if (loaded instanceof Error) throw loaded;
  return loaded;
}

Deno.test("findListener() finds the listener on the port among other sockets, and nothing on a port not listened on", async () => {
  const c = libc();
  // Decoys: another listener, a connected pair, a datagram socket, a file.
  const other = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const listener = Deno.listen({ hostname: "::1", port: 0 });
  const client = await Deno.connect({ hostname: "127.0.0.1", port: other.addr.port });
  const server = await other.accept();
  const datagram = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  const file = Deno.openSync(Deno.execPath());
  try {
    const fd = findListener(c, listener.addr.port);
    const otherFd = findListener(c, other.addr.port);
    assert.notEqual(fd, undefined);
    assert.notEqual(otherFd, undefined);
    assert.notEqual(fd, otherFd);
    // The port of a connection or of a datagram socket is no listener's.
    assert.equal(findListener(c, (client.localAddr as Deno.NetAddr).port), undefined);
    assert.equal(findListener(c, (datagram.addr as Deno.NetAddr).port), undefined);
    // Closed, the listener is found no more.
    const port = listener.addr.port;
    listener.close();
    assert.equal(findListener(c, port), undefined);
  } finally {
    for (const end of [client, server, other, datagram, file]) end.close();
  }
});

Deno.test("AcceptQueue.pending() is true from a client's connect to its accept, for IPv4 and IPv6", async () => {
  const c = libc();
  for (const hostname of ["127.0.0.1", "::1"]) {
    const listener = Deno.listen({ hostname, port: 0 });
    const queue = watchAcceptQueue(c, listener.addr.port);
    assert.notEqual(queue, undefined, hostname);
    assert.equal(queue!.pending(), false, hostname);
    const clients = [
      await Deno.connect({ hostname, port: listener.addr.port }),
      await Deno.connect({ hostname, port: listener.addr.port }),
    ];
    assert.equal(queue!.pending(), true, hostname);
    const first = await listener.accept();
    assert.equal(queue!.pending(), true, `${hostname}: one still waits`);
    const second = await listener.accept();
    assert.equal(queue!.pending(), false, hostname);
    for (const end of [...clients, first, second, listener]) end.close();
  }
});

Deno.test("watchAcceptQueue() is undefined without a listener on the port", () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  assert.equal(watchAcceptQueue(libc(), port), undefined);
});
