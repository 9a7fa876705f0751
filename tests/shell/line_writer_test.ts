import assert from "node:assert/strict";
import { type ByteSink, LineWriter } from "../../lib/shell/line_writer.ts";

/** A sink whose writes complete only when the test says so. */
class ManualSink implements ByteSink {
  writes: string[] = [];
  #pending: (() => void)[] = [];
  #decoder = new TextDecoder();
  constructor(readonly maxBytesPerWrite = Infinity, readonly failWith?: Error) {}
  write(bytes: Uint8Array): Promise<number> {
    if (this.failWith) return Promise.reject(this.failWith);
    const n = Math.min(bytes.length, this.maxBytesPerWrite);
    this.writes.push(this.#decoder.decode(bytes.subarray(0, n)));
    return new Promise((resolve) => this.#pending.push(() => resolve(n)));
  }
  /** Completes every write under way, and lets the writer start the next. */
  async complete() {
    const pending = this.#pending;
    this.#pending = [];
    for (const resolve of pending) resolve();
    for (let i = 0; i < 5; i++) await Promise.resolve();
  }
}

const turn = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("LineWriter writes what one turn queued as one batch", async () => {
  const sink = new ManualSink();
  const writer = new LineWriter(sink, () => {});
  writer.write("A=1\n");
  writer.write("B=2\nC=3\n", 2);
  assert.equal(writer.queuedLines, 3);
  await turn();
  assert.deepEqual(sink.writes, ["A=1\nB=2\nC=3\n"]);
  assert.equal(writer.queuedLines, 0);
  writer.write("D=4\n");
  writer.write("E=5\n");
  await sink.complete();
  assert.deepEqual(sink.writes, ["A=1\nB=2\nC=3\n", "D=4\nE=5\n"]);
  await sink.complete();
  await writer.flush();
});

Deno.test("LineWriter finishes partial writes in order", async () => {
  const sink = new ManualSink(3);
  const writer = new LineWriter(sink, () => {});
  writer.write("ABCDEFG\n");
  const flushed = writer.flush();
  for (let i = 0; i < 4; i++) await sink.complete();
  await flushed;
  assert.equal(sink.writes.join(""), "ABCDEFG\n");
  assert.deepEqual(sink.writes, ["ABC", "DEF", "G\n"]);
});

Deno.test("LineWriter.whenBelow() resolves once the queue falls under the limit", async () => {
  const sink = new ManualSink();
  const writer = new LineWriter(sink, () => {});
  writer.write("A\n");
  await turn();
  // "A" is being written; the next lines wait in the queue.
  writer.write("B\n");
  writer.write("C\n");
  let resolved = false;
  const below = writer.whenBelow(2).then(() => resolved = true);
  await turn();
  assert.equal(resolved, false);
  await sink.complete();
  await below;
  assert.equal(resolved, true);
  assert.equal(writer.queuedLines, 0);
  await sink.complete();
  await writer.flush();
  assert.deepEqual(sink.writes, ["A\n", "B\nC\n"]);
});

Deno.test("LineWriter stops after a write error, reports it once and drops later lines", async () => {
  const broken = new Error("Broken pipe (os error 32)");
  const errors: unknown[] = [];
  const writer = new LineWriter(new ManualSink(Infinity, broken), (error) => errors.push(error));
  writer.write("A\n");
  writer.write("B\n");
  const waiting = writer.whenBelow(1);
  await writer.flush();
  await waiting;
  assert.equal(writer.broken, true);
  writer.write("C\n");
  await writer.flush();
  assert.deepEqual(errors, [broken]);
  assert.equal(writer.queuedLines, 0);
});
