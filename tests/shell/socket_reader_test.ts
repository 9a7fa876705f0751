import assert from "node:assert/strict";
import { type ReaderPorts, SLICE_MS, SocketReader } from "../../lib/shell/socket_reader.ts";
import { FakeClock } from "../helpers/fake_clock.ts";

/** A reader on a fresh abstract socket, and what it reported, in order. */
function reader(overrides: Partial<ReaderPorts> = {}) {
  const name = `\0sd-notify-adapter-reader-test-${crypto.randomUUID()}`;
  const conn = Deno.listenDatagram({ transport: "unixpacket", path: name });
  const clock = new FakeClock(0);
  const seen: string[] = [];
  const decoder = new TextDecoder();
  const socketReader = new SocketReader(conn, name, {
    datagram: (bytes) => seen.push(decoder.decode(bytes)),
    tick: () => seen.push("tick"),
    outputWait: () => undefined,
    yieldToLoop: () => Promise.resolve(),
    httpWaiting: () => false,
    sliceMs: SLICE_MS,
    now: clock.now,
    schedule: clock.schedule,
    error: (error) => seen.push(`error ${error}`),
    ...overrides,
  });
  const sender = Deno.listenDatagram({
    transport: "unixpacket",
    path: `\0sd-notify-adapter-reader-test-sender-${crypto.randomUUID()}`,
  });
  const send = (text: string) =>
    sender.send(new TextEncoder().encode(text), { transport: "unixpacket", path: name });
  return { socketReader, clock, seen, send, close: () => sender.close() };
}

const waitUntil = async (done: () => boolean) => {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
};

Deno.test("SocketReader judges datagrams queued before a deadline before the tick", async () => {
  const { socketReader, seen, send, close } = reader();
  // The process was stopped: pings queued in the kernel, then the timer fired on resume.
  for (const ping of ["WATCHDOG=1", "STATUS=a", "STATUS=b"]) await send(ping);
  socketReader.requestTick();
  const running = socketReader.run();
  await waitUntil(() => seen.includes("tick"));
  assert.deepEqual(seen, ["WATCHDOG=1", "STATUS=a", "STATUS=b", "tick"]);
  socketReader.close();
  await running;
  close();
});

Deno.test("SocketReader asks for one tick at a time, and never reports the marker", async () => {
  const { socketReader, seen, send, close } = reader();
  const running = socketReader.run();
  socketReader.requestTick();
  socketReader.requestTick();
  await waitUntil(() => seen.includes("tick"));
  await send("READY=1");
  await waitUntil(() => seen.includes("READY=1"));
  assert.deepEqual(seen, ["tick", "READY=1"]);
  socketReader.close();
  await running;
  close();
});

Deno.test("SocketReader lets a tick go ahead after TICK_FALLBACK_MS if its marker is held up", async () => {
  // The reader is not running, so the marker stays queued: the fallback delivers the tick.
  const { socketReader, clock, seen, close } = reader();
  socketReader.requestTick();
  clock.advanceTo(9);
  assert.deepEqual(seen, []);
  clock.advanceTo(10);
  assert.deepEqual(seen, ["tick"]);
  // The late marker, read now, is not a second tick.
  const running = socketReader.run();
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(seen, ["tick"]);
  socketReader.close();
  await running;
  close();
});

Deno.test("SocketReader stops waiting for a full output when a tick is asked for", async () => {
  let waits = 0;
  const { socketReader, seen, send, close } = reader({
    // An output that never drains: every wait would last until its timer, here never.
    outputWait: () => {
      waits++;
      return new Promise(() => {});
    },
  });
  const running = socketReader.run();
  await send("X_A=1");
  await waitUntil(() => seen.includes("X_A=1"));
  await send("X_B=2");
  socketReader.requestTick();
  await waitUntil(() => seen.includes("tick"));
  assert.deepEqual(seen, ["X_A=1", "X_B=2", "tick"]);
  assert.equal(waits, 1, "no wait for output while the tick was pending");
  socketReader.close();
  await running;
  close();
});

Deno.test("SocketReader.afterQueued() runs behind the queue, together with a pending tick", async () => {
  const { socketReader, seen, send, close } = reader();
  await send("STATUS=last words");
  socketReader.requestTick();
  socketReader.afterQueued(() => seen.push("child ended"));
  const running = socketReader.run();
  await waitUntil(() => seen.includes("child ended"));
  assert.deepEqual(seen, ["STATUS=last words", "tick", "child ended"]);
  socketReader.close();
  await running;
  // Once the socket is closed there is nothing left to wait for.
  socketReader.afterQueued(() => seen.push("after close"));
  assert.equal(seen.at(-1), "after close");
  close();
});

Deno.test("SocketReader yields once a slice, and at every eighth datagram while an HTTP client waits", async () => {
  for (const waiting of [false, true]) {
    let yields = 0;
    let checks = 0;
    const { socketReader, clock, seen, send, close } = reader({
      yieldToLoop: () => {
        yields++;
        return Promise.resolve();
      },
      httpWaiting: () => {
        checks++;
        return waiting;
      },
    });
    const running = socketReader.run();
    for (let i = 0; i < 32; i++) await send(`X_N=${i}`);
    await waitUntil(() => seen.length === 32);
    assert.equal(yields, waiting ? 4 : 0, `waiting ${waiting}`);
    assert.equal(checks, 4);
    if (!waiting) {
      // Just short of a slice: no yield. A slice gone by: the next check yields.
      clock.advanceTo(clock.now() + SLICE_MS - 0.01);
      for (let i = 0; i < 8; i++) await send(`X_M=${i}`);
      await waitUntil(() => seen.length === 40);
      assert.equal(yields, 0);
      clock.advanceTo(clock.now() + 0.01);
      for (let i = 0; i < 8; i++) await send(`X_L=${i}`);
      await waitUntil(() => seen.length === 48);
      assert.equal(yields, 1);
    }
    socketReader.close();
    await running;
    close();
  }
});
