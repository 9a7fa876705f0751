/**
 * The JSON Lines log on stderr (behaviour §6): records formatted by `formatJsonLine`, queued
 * on the stderr writer. With `ADAPTER_LOG=false` there is no writer and nothing is written.
 *
 * The adapter formats records itself instead of going through a logging library: with a
 * flood of `WATCHDOG=1` every datagram is an `Event` record, and a library's record objects,
 * sink dispatch and property snapshots cost several times the rest of the datagram's path
 * (and loading an npm package adds 8 MB of RSS and milliseconds of start-up to every Pod).
 *
 * @module
 */

import type { LogFields, LogLevel } from "../core/effects.ts";
import { formatJsonLine } from "../core/json_line.ts";

/** Where records go: the stderr writer, or a test's fake. */
export interface LineSink {
  /** Queues `text`, which holds `lines` complete lines (1 by default). */
  write(text: string, lines?: number): void;
}

/** Writes log records. */
export interface Logger {
  /** Writes one record: the shell's way to carry out a `log` effect. */
  log(level: LogLevel, message: string, fields: LogFields): void;
}

/** The logger of `ADAPTER_LOG=false`: an empty stderr. */
export const SILENT: Logger = Object.freeze({ log: () => {} });

/**
 * A logger writing to `sink`, timestamps from `wallClock` (milliseconds since the epoch).
 * The reducer shares one frozen fields object between a flood's records, so the text of the
 * last record is written again when the next is the same record in the same millisecond.
 */
// deno bench, the Event record of a ping: 19 ns written again, 318 ns formatted; a ping flood
// logs one per datagram, about 4 µs each at 250 k/s, so this is 7 % of the flood's time.
export function createLogger(sink: LineSink, wallClock: () => number = Date.now): Logger {
  let last = { wallMs: Number.NaN, level: "", message: "", fields: {}, line: "" };
  return {
    log(level, message, fields) {
      const wallMs = wallClock();
      if (
        wallMs !== last.wallMs || fields !== last.fields || message !== last.message ||
        level !== last.level || !Object.isFrozen(fields)
      ) {
        last = {
          wallMs,
          level,
          message,
          fields,
          line: formatJsonLine(wallMs, level, message, fields),
        };
      }
      sink.write(last.line);
    },
  };
}

export { errorText } from "../core/error_text.ts";
