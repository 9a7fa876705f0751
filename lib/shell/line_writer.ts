/**
 * A line writer for stdout or stderr (behaviour §6): lines queue in memory and go out in
 * batches, one write for everything that queued while the previous write was under way.
 *
 * Judging never waits on output. The queue holds `capacity` lines; the socket reader may wait
 * a few milliseconds for room (so that a flood into a fast file loses nothing), then calls
 * `stall()`, and from then on lines that find the queue full are dropped and counted, until
 * the writer has caught up. A failed write (`ENOSPC`, `EIO`) drops its lines but not the
 * writer: later lines are tried again. Deno's write may have put part of the batch out before
 * it failed, and says not how much, so the output resumes on a new line: a line the failure
 * cut stays cut (and counts as dropped), and no later line runs into it. Only a closed or
 * broken pipe stops the writer for good.
 *
 * @module
 */

/** Where bytes go: `Deno.stdout` and `Deno.stderr` fit, and so does a test's fake. */
export interface ByteSink {
  /** Writes some of `bytes`, resolving with how many were written. */
  write(bytes: Uint8Array): Promise<number>;
}

/** What the writer reports to its owner, who logs it. */
export interface WriterEvents {
  /** The output is closed or broken; nothing more will be written. Called once. */
  broken(error: unknown): void;
  /** A write failed and its lines were dropped; called once per run of failures. */
  failed(error: unknown): void;
  /** The writer caught up after dropping `dropped` lines (by stall or failure). */
  resumed(dropped: number): void;
}

const NEWLINE = 0x0a;
// The batch buffer: a ping flood's batch of 256 echoed or logged lines takes 2.8 or 23 kB;
// 256 lines of 4 kB `STATUS=` would take 1 MB, which is not kept.
const MIN_BUFFER_BYTES = 4 * 1024;
const MAX_KEPT_BUFFER_BYTES = 256 * 1024;

// EPIPE and EBADF: nobody will ever read what follows. Anything else may pass (a full disk).
function isBroken(error: unknown): boolean {
  return error instanceof Deno.errors.BrokenPipe || error instanceof Deno.errors.BadResource;
}

function countLines(bytes: Uint8Array): number {
  let lines = 0;
  for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, at + 1)) lines++;
  return lines;
}

/** Batches lines to a `ByteSink`, dropping and counting what it cannot keep up with. */
export class LineWriter {
  #sink: ByteSink;
  #capacity: number;
  #events: WriterEvents;
  #batchWait: () => Promise<void>;
  #encoder = new TextEncoder();
  #buffer: Uint8Array | undefined;
  #queue: string[] = [];
  #queuedLines = 0;
  #writing: Promise<void> | undefined;
  #broken = false;
  #stalled = false;
  #failing = false;
  // A write failed partway, perhaps in the middle of a line: the next starts a new one.
  #newLineFirst = false;
  #dropped = 0;
  #droppedSinceResume = 0;
  #waiters: { limit: number; resolve: () => void }[] = [];

  /**
   * Writes to `sink` with room for `capacity` queued lines. A batch starts once `batchWait`
   * resolves: by default after the current microtasks; once datagrams come, the adapter waits
   * for a turn of the event loop (`batchWait()` in next_turn.ts), so that a flood's burst
   * becomes one write.
   */
  constructor(
    sink: ByteSink,
    capacity: number,
    events: WriterEvents,
    batchWait: () => Promise<void> = () => Promise.resolve(),
  ) {
    this.#sink = sink;
    this.#capacity = capacity;
    this.#events = events;
    this.#batchWait = batchWait;
  }

  /** Lines queued and not yet handed to the sink. */
  get queuedLines(): number {
    return this.#queuedLines;
  }

  /** Whether the queue is at capacity and the reader has not yet given up waiting. */
  get full(): boolean {
    return this.#queuedLines >= this.#capacity && !this.#stalled && !this.#broken;
  }

  /** Whether the output is closed or broken: nothing more is written. */
  get broken(): boolean {
    return this.#broken;
  }

  /** Lines dropped so far because the output did not keep up or failed. */
  get droppedLines(): number {
    return this.#dropped;
  }

  /** Queues `text`, which holds `lines` complete lines, each ending in `\n`. */
  write(text: string, lines = 1): void {
    if (this.#broken) return;
    if (this.#stalled && this.#queuedLines >= this.#capacity) {
      this.#drop(lines);
      return;
    }
    this.#queue.push(text);
    this.#queuedLines += lines;
    this.#writing ??= this.#pump();
  }

  /** The reader waited long enough: while the queue is full, drop instead of waiting. */
  stall(): void {
    if (this.#queuedLines >= this.#capacity) this.#stalled = true;
  }

  /** Resolves once fewer than `limit` lines are queued (at once if already so). */
  whenBelow(limit: number): Promise<void> {
    if (this.#queuedLines < limit || this.#broken) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ limit, resolve }));
  }

  /** Resolves once there is room for another line. */
  whenRoom(): Promise<void> {
    return this.whenBelow(this.#capacity);
  }

  /** Resolves once everything queued so far has been written (or dropped). */
  async flush(): Promise<void> {
    // After a failed write, one more try to end the output with a whole line.
    if (this.#newLineFirst && this.#writing === undefined) this.#writing = this.#pump();
    while (this.#writing !== undefined) await this.#writing;
  }

  #drop(lines: number) {
    this.#dropped += lines;
    this.#droppedSinceResume += lines;
  }

  async #pump(): Promise<void> {
    // Let the rest of this burst queue more lines, so that the burst becomes one write.
    await this.#batchWait();
    try {
      while ((this.#queue.length > 0 || this.#newLineFirst) && !this.#broken) {
        if (!(await this.#writeBatch())) break;
      }
    } finally {
      this.#writing = undefined;
    }
  }

  // Writes the queue as one batch; false when the write failed.
  async #writeBatch(): Promise<boolean> {
    const text = this.#queue.length === 1 ? this.#queue[0] : this.#queue.join("");
    this.#queue = [];
    this.#queuedLines = 0;
    this.#release();
    const batch = this.#encode(text);
    let bytes = batch;
    try {
      while (bytes.length > 0) bytes = bytes.subarray(await this.#sink.write(bytes));
    } catch (error) {
      // The leading newline of a resumed output is no line of its own.
      const prefix = this.#newLineFirst && bytes.length === batch.length ? 1 : 0;
      this.#fail(error, bytes.subarray(prefix));
      return false;
    }
    this.#newLineFirst = false;
    this.#progress();
    return true;
  }

  // `text` as UTF-8 in the writer's buffer, after the newline a failed write left owing. One
  // write is under way at a time, so one buffer serves every batch: a batch allocates no
  // ArrayBuffer (whose memory is malloc's, given back only by a later collection, on another
  // thread). A text the buffer cannot hold gets one large enough for any text of its length,
  // kept for the next batches unless it is larger than MAX_KEPT_BUFFER_BYTES.
  #encode(text: string): Uint8Array {
    const prefix = this.#newLineFirst ? 1 : 0;
    let buffer = this.#buffer ?? new Uint8Array(MIN_BUFFER_BYTES);
    for (;;) {
      if (prefix === 1) buffer[0] = NEWLINE;
      const { read, written } = this.#encoder.encodeInto(text, buffer.subarray(prefix));
      if (read === text.length) {
        if (buffer.length <= MAX_KEPT_BUFFER_BYTES) this.#buffer = buffer;
        return buffer.subarray(0, prefix + written);
      }
      // UTF-8 takes at most three bytes for each UTF-16 code unit.
      buffer = new Uint8Array(prefix + text.length * 3);
    }
  }

  #fail(error: unknown, unwritten: Uint8Array) {
    if (isBroken(error)) {
      this.#broken = true;
      this.#queue = [];
      this.#queuedLines = 0;
      this.#newLineFirst = false;
      this.#release();
      this.#events.broken(error);
      return;
    }
    // Its lines are lost or cut, as far as the writer can tell: Deno's write may have put some
    // of them out before it failed, so the count is at most too high, never too low.
    this.#drop(countLines(unwritten));
    this.#newLineFirst = true;
    if (!this.#failing) {
      this.#failing = true;
      this.#events.failed(error);
    }
  }

  // A write went through: a stall or a run of failures ends once the queue is empty.
  #progress() {
    this.#failing = false;
    if (this.#queuedLines > 0) return;
    this.#stalled = false;
    if (this.#droppedSinceResume > 0) {
      const dropped = this.#droppedSinceResume;
      this.#droppedSinceResume = 0;
      this.#events.resumed(dropped);
    }
  }

  #release() {
    const waiting = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiting) {
      if (this.#queuedLines < waiter.limit || this.#broken) waiter.resolve();
      else this.#waiters.push(waiter);
    }
  }
}
