/**
 * The reducer's inbox: every input (a datagram, a tick, a signal, the child's end, an error)
 * is posted here, and delivered one at a time, in the order posted, to the one consumer the
 * runtime attaches once everything its effects reach has been built. Inputs posted before that
 * (a SIGTERM while the socket is being bound) wait; an input posted while another is being
 * delivered (an effect that starts the child reports `spawned`) is delivered right after it,
 * never inside it, so that each step sees the state the previous one left.
 *
 * @module
 */

/** A queue of inputs with one consumer. */
export class Mailbox<T> {
  #queue: T[] = [];
  #consumer: ((input: T) => void) | undefined;
  #delivering = false;

  /** Delivers `input` now, or after what is already waiting. */
  post(input: T): void {
    // The common case, a datagram with nothing waiting, goes straight through.
    if (this.#consumer !== undefined && !this.#delivering && this.#queue.length === 0) {
      this.#deliver(input);
      return;
    }
    this.#queue.push(input);
    this.#drain();
  }

  /** Attaches the consumer (once) and delivers what waited for it. */
  open(consumer: (input: T) => void): void {
    if (this.#consumer !== undefined) throw new Error("The mailbox is already open");
    this.#consumer = consumer;
    this.#drain();
  }

  #drain() {
    if (this.#consumer === undefined || this.#delivering) return;
    while (this.#queue.length > 0) this.#deliver(this.#queue.shift()!);
  }

  #deliver(input: T) {
    this.#delivering = true;
    try {
      this.#consumer!(input);
    } finally {
      this.#delivering = false;
    }
    if (this.#queue.length > 0) this.#drain();
  }
}
