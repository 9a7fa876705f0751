import assert from "node:assert/strict";
import { type ByteSink, LineWriter, type WriterEvents } from "../../lib/shell/line_writer.ts";

/** A sink whose writes complete only when the test says so, or fail as it is told. */
class ManualSink implements ByteSink {
  writes: string[] = [];
  /** Errors the next writes throw, in order, before any byte of theirs is taken. */
  failures: Error[] = [];
  #pending: (() => void)[] = [];
  #decoder = new TextDecoder();
  constructor(readonly maxBytesPerWrite = Infinity) {}
  write(bytes: Uint8Array): Promise<number> {
    const failure = this.failures.shift();
    if (failure) return Promise.reject(failure);
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
  get text() {
    return this.writes.join("");
  }
}

/** Records what the writer reports. */
function recorder() {
  const reports: string[] = [];
  const events: WriterEvents = {
    broken: (error) => reports.push(`broken: ${(error as Error).message}`),
    failed: (error) => reports.push(`failed: ${(error as Error).message}`),
    resumed: (dropped) => reports.push(`resumed: ${dropped}`),
  };
  return { reports, events };
}

const turn = () => new Promise((resolve) => setTimeout(resolve, 0));
const NO_SPACE = () => new Error("No space left on device (os error 28)");

Deno.test("LineWriter writes what one turn queued as one batch", async () => {
  const sink = new ManualSink();
  const writer = new LineWriter(sink, 32, recorder().events);
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
  const writer = new LineWriter(sink, 32, recorder().events);
  writer.write("ABCDEFG\n");
  const flushed = writer.flush();
  for (let i = 0; i < 4; i++) await sink.complete();
  await flushed;
  assert.deepEqual(sink.writes, ["ABC", "DEF", "G\n"]);
});

Deno.test("LineWriter.whenBelow() resolves once the queue falls under the limit", async () => {
  const sink = new ManualSink();
  const writer = new LineWriter(sink, 2, recorder().events);
  writer.write("A\n");
  await turn();
  // "A" is being written; the next lines wait in the queue, which is now full.
  writer.write("B\n");
  writer.write("C\n");
  assert.equal(writer.full, true);
  let resolved = false;
  const room = writer.whenRoom().then(() => resolved = true);
  await turn();
  assert.equal(resolved, false);
  await sink.complete();
  await room;
  assert.equal(writer.queuedLines, 0);
  await sink.complete();
  await writer.flush();
  assert.deepEqual(sink.writes, ["A\n", "B\nC\n"]);
});

Deno.test("LineWriter stops for good on a broken pipe, reports it once and drops later lines", async () => {
  const sink = new ManualSink();
  sink.failures.push(new Deno.errors.BrokenPipe("Broken pipe (os error 32)"));
  const { reports, events } = recorder();
  const writer = new LineWriter(sink, 32, events);
  writer.write("A\n");
  writer.write("B\n");
  await writer.flush();
  assert.equal(writer.broken, true);
  writer.write("C\n");
  await writer.flush();
  assert.deepEqual(reports, ["broken: Broken pipe (os error 32)"]);
  assert.equal(writer.queuedLines, 0);
  assert.deepEqual(sink.writes, []);
  // A broken output is not a slow one: nothing counts as dropped.
  assert.equal(writer.droppedLines, 0);
});

Deno.test("LineWriter drops and counts lines once stalled, and says so when it catches up", async () => {
  const sink = new ManualSink();
  const { reports, events } = recorder();
  const writer = new LineWriter(sink, 2, events);
  writer.write("A\n");
  await turn();
  writer.write("B\n");
  writer.write("C\n");
  assert.equal(writer.full, true);
  // The reader waited long enough: from now on lines that find the queue full are dropped.
  writer.stall();
  assert.equal(writer.full, false);
  writer.write("D\n");
  writer.write("E\nF\n", 2);
  assert.equal(writer.queuedLines, 2);
  assert.equal(writer.droppedLines, 3);
  assert.deepEqual(reports, []);
  await sink.complete(); // "A" is out; "B" and "C" go next
  assert.deepEqual(reports, []);
  writer.write("G\n"); // room again: queued, not dropped
  await sink.complete();
  await sink.complete();
  await writer.flush();
  assert.equal(sink.text, "A\nB\nC\nG\n");
  assert.deepEqual(reports, ["resumed: 3"]);
  assert.equal(writer.droppedLines, 3);
});

Deno.test("LineWriter ignores stall() while the queue has room", () => {
  const writer = new LineWriter(new ManualSink(), 2, recorder().events);
  writer.write("A\n");
  writer.stall();
  writer.write("B\n");
  writer.write("C\n");
  assert.equal(writer.droppedLines, 0);
  assert.equal(writer.queuedLines, 3);
});

Deno.test("LineWriter survives a full disk: drops the failed lines, resumes on a new line", async () => {
  const sink = new ManualSink(7);
  const { reports, events } = recorder();
  const writer = new LineWriter(sink, 32, events);
  writer.write("AAAA\nBBBB\nCCCC\n", 3);
  await turn();
  assert.deepEqual(sink.writes, ["AAAA\nBB"]);
  // The disk fills up in the middle of "BBBB".
  sink.failures.push(NO_SPACE());
  await sink.complete();
  assert.deepEqual(reports, ["failed: No space left on device (os error 28)"]);
  assert.equal(writer.droppedLines, 2); // BBBB is cut, CCCC lost
  assert.equal(writer.broken, false);
  // Still full when the next line comes: one more failure, not one more report.
  sink.failures.push(NO_SPACE());
  writer.write("DDDD\n");
  await turn();
  assert.deepEqual(reports, ["failed: No space left on device (os error 28)"]);
  assert.equal(writer.droppedLines, 3);
  // Room again: a new line first, so nothing runs into the cut one, then the new lines.
  writer.write("EEEE\n");
  await turn();
  for (let i = 0; i < 3; i++) await sink.complete();
  await writer.flush();
  assert.equal(sink.text, "AAAA\nBB\nEEEE\n");
  assert.deepEqual(reports, ["failed: No space left on device (os error 28)", "resumed: 3"]);
});

Deno.test("LineWriter.flush() ends an output cut by a failed write with a newline", async () => {
  const sink = new ManualSink(2);
  const writer = new LineWriter(sink, 32, recorder().events);
  writer.write("AAAA\n");
  await turn();
  sink.failures.push(NO_SPACE());
  await sink.complete();
  const flushed = writer.flush();
  for (let i = 0; i < 3; i++) await sink.complete();
  await flushed;
  assert.equal(sink.text, "AA\n");
  assert.equal(writer.droppedLines, 1);
});

Deno.test("LineWriter writes batches larger than its buffer, and multi-byte text, whole", async () => {
  const sink = new ManualSink();
  const writer = new LineWriter(sink, 32, recorder().events);
  const lines = ["A=1\n", `B=${"é".repeat(5_000)}\n`, `C=${"x".repeat(300_000)}\n`, "D=€\n"];
  for (const line of lines) {
    writer.write(line);
    await turn();
    await sink.complete();
  }
  await writer.flush();
  assert.equal(sink.text, lines.join(""));
});

Deno.test("LineWriter leaves a batch untouched until its write completes, repeated lines included", async () => {
  // Reads the bytes only when the write completes, as the kernel does after Deno's op began.
  const taken: string[] = [];
  const pending: (() => void)[] = [];
  const sink: ByteSink = {
    write: (bytes) =>
      new Promise((resolve) =>
        pending.push(() => {
          taken.push(new TextDecoder().decode(bytes));
          resolve(bytes.length);
        })
      ),
  };
  const complete = async () => {
    for (const finish of pending.splice(0)) finish();
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  const writer = new LineWriter(sink, 32, recorder().events);
  for (let i = 0; i < 3; i++) writer.write("WATCHDOG=1\n");
  await turn();
  // The first batch is under way: what follows is gathered elsewhere.
  for (let i = 0; i < 2; i++) writer.write("WATCHDOG=1\n");
  writer.write("STATUS=é\n");
  writer.write("WATCHDOG=1\n");
  await complete();
  writer.write("WATCHDOG=1\n");
  await complete();
  await complete();
  await writer.flush();
  assert.deepEqual(taken, [
    "WATCHDOG=1\n".repeat(3),
    "WATCHDOG=1\n".repeat(2) + "STATUS=é\nWATCHDOG=1\n",
    "WATCHDOG=1\n",
  ]);
});
