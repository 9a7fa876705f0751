/**
 * A line writer for stdout or stderr: lines queue in memory and go out in batches, one
 * write for everything that queued while the previous write was under way. The queue's
 * length is visible so that the socket reader can pause when it is full (SPEC §6).
 *
 * @module
 */

/** Where bytes go: `Deno.stdout` and `Deno.stderr` fit, and so does a test's fake. */
export interface ByteSink {
  write(bytes: Uint8Array): Promise<number>;
}

/** Batches text to a `ByteSink`; after a write error it stops and drops what it gets. */
export class LineWriter {
  #sink: ByteSink;
  #onError: (error: unknown) => void;
  #batchWait: () => Promise<void>;
  #encoder = new TextEncoder();
  #queue: string[] = [];
  #queuedLines = 0;
  #writing: Promise<void> | undefined;
  #broken = false;
  #waiters: { limit: number; resolve: () => void }[] = [];

  /**
   * Writes to `sink`; `onError` is called once, with the first write error. A batch starts
   * once `batchWait` resolves: by default after the current microtasks; the adapter passes
   * `nextTurn` so that a whole turn of the event loop (a flood's burst) becomes one write.
   */
  constructor(
    sink: ByteSink,
    onError: (error: unknown) => void,
    batchWait: () => Promise<void> = () => Promise.resolve(),
  ) {
    this.#sink = sink;
    this.#onError = onError;
    this.#batchWait = batchWait;
  }

  /** Lines queued and not yet handed to the sink. */
  get queuedLines(): number {
    return this.#queuedLines;
  }

  /** Whether a write failed (stdout closed, EPIPE): nothing more is written. */
  get broken(): boolean {
    return this.#broken;
  }

  /** Queues `text`, which holds `lines` complete lines, each ending in `\n`. */
  write(text: string, lines = 1): void {
    if (this.#broken) return;
    this.#queue.push(text);
    this.#queuedLines += lines;
    this.#writing ??= this.#pump();
  }

  /** Resolves once fewer than `limit` lines are queued (at once if already so). */
  whenBelow(limit: number): Promise<void> {
    if (this.#queuedLines < limit) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ limit, resolve }));
  }

  /** Resolves once everything queued so far has been written (or the writer broke). */
  async flush(): Promise<void> {
    while (this.#writing !== undefined) await this.#writing;
  }

  async #pump(): Promise<void> {
    // Let the rest of this burst queue more lines, so that the burst becomes one write.
    await this.#batchWait();
    try {
      while (this.#queue.length > 0 && !this.#broken) {
        const batch = this.#queue.length === 1 ? this.#queue[0] : this.#queue.join("");
        this.#queue = [];
        this.#queuedLines = 0;
        this.#release();
        let bytes = this.#encoder.encode(batch);
        while (bytes.length > 0) bytes = bytes.subarray(await this.#sink.write(bytes));
      }
    } catch (error) {
      this.#broken = true;
      this.#queue = [];
      this.#queuedLines = 0;
      this.#release();
      this.#onError(error);
    } finally {
      this.#writing = undefined;
    }
  }

  #release() {
    const waiting = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiting) {
      if (this.#queuedLines < waiter.limit) waiter.resolve();
      else this.#waiters.push(waiter);
    }
  }
}
