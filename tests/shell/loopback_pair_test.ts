import assert from "node:assert/strict";
import { acceptOwn, openLoopbackPair } from "../../lib/shell/loopback_pair.ts";

Deno.test("openLoopbackPair() connects two ends and leaves nothing listening", async () => {
  const pair = await openLoopbackPair();
  assert.ok(pair !== undefined);
  try {
    await pair.near.write(new Uint8Array([1, 2]));
    const buffer = new Uint8Array(2);
    assert.equal(await pair.far.read(buffer), 2);
    assert.deepEqual(buffer, new Uint8Array([1, 2]));
    assert.deepEqual(pair.far.remoteAddr, pair.near.localAddr);
    // The accepted end's local port is the listener's: closed, nobody can join any more.
    const { hostname, port } = pair.far.localAddr;
    await assert.rejects(Deno.connect({ hostname, port }), Deno.errors.ConnectionRefused);
  } finally {
    pair.near.close();
    pair.far.close();
  }
});

/** A connection to `listener`. */
function connectTo(listener: Deno.TcpListener): Promise<Deno.TcpConn> {
  return Deno.connect({ hostname: listener.addr.hostname, port: listener.addr.port });
}

Deno.test("acceptOwn() closes a connection that is not its own, and returns its own", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const stranger = await connectTo(listener);
  const near = await connectTo(listener);
  try {
    const far = await acceptOwn(listener, near);
    assert.ok(far !== undefined);
    assert.deepEqual(far.remoteAddr, near.localAddr);
    far.close();
    // Closed by the adapter: the stranger reads the end of the stream.
    assert.equal(await stranger.read(new Uint8Array(1)), null);
  } finally {
    listener.close();
    stranger.close();
    near.close();
  }
});

Deno.test("acceptOwn() gives up after 8 strangers", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const strangers: Deno.TcpConn[] = [];
  for (let i = 0; i < 9; i++) strangers.push(await connectTo(listener));
  const near = await connectTo(listener);
  try {
    assert.equal(await acceptOwn(listener, near), undefined);
  } finally {
    listener.close();
    for (const conn of [...strangers, near]) conn.close();
  }
});
