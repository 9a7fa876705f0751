/**
 * The JSON Lines log on stderr (SPEC §6): one record per line with `timestamp` (RFC 3339,
 * `+00:00`), `level` and `message` first, then the record's fields at the top level.
 *
 * The adapter formats records itself instead of going through a logging library: with a
 * flood of `WATCHDOG=1` every datagram is an `Event` record, and a library's record objects,
 * sink dispatch and property snapshots cost several times the rest of the datagram's path
 * (and loading an npm package adds 8 MB of RSS and milliseconds of start-up to every Pod).
 *
 * @module
 */

import type { LogLevel } from "../core/effects.ts";
import { rfc3339 } from "../core/http_handler.ts";
import type { LineWriter } from "./line_writer.ts";

// Below `info` nothing is written, as with the logger's lowest level before.
const WRITTEN: Readonly<Record<LogLevel, boolean>> = {
  debug: false,
  info: true,
  warning: true,
  error: true,
};

let sink: LineWriter | undefined;
let clockMs = Number.NaN;
let clockText = "";
// The last record written, to write its text again when the next one is the same record in
// the same millisecond: the reducer shares one frozen fields object between a flood's records.
let last: { wallMs: number; level: LogLevel; message: string; fields: object; line: string } = {
  wallMs: Number.NaN,
  level: "info",
  message: "",
  fields: {},
  line: "",
};

// Records of one millisecond share one timestamp text; a flood writes thousands per ms.
function timestamp(wallMs: number): string {
  if (wallMs !== clockMs) {
    clockMs = wallMs;
    clockText = rfc3339(wallMs);
  }
  return clockText;
}

/**
 * One record as one JSON line: `timestamp`, `level`, `message`, then the fields (a field of
 * the same name as one of the first three replaces it, as a spread would).
 */
export function formatJsonLine(
  wallMs: number,
  level: LogLevel,
  message: string,
  fields: Readonly<Record<string, unknown>>,
): string {
  if ("timestamp" in fields || "level" in fields || "message" in fields) {
    return JSON.stringify({ timestamp: rfc3339(wallMs), level, message, ...fields }) + "\n";
  }
  const head = `{"timestamp":"${timestamp(wallMs)}","level":"${level}","message":${
    JSON.stringify(message)
  }`;
  const rest = JSON.stringify(fields);
  return rest === "{}" ? `${head}}\n` : `${head},${rest.slice(1)}\n`;
}

/**
 * Routes records to `writer` as JSON Lines, or, without a writer, nowhere at all:
 * `ADAPTER_LOG=false` means an empty stderr.
 */
export function configureLogging(writer: LineWriter | undefined): void {
  sink = writer;
}

/** Writes one record: the shell's way to carry out a `log` effect. */
export function writeLog(
  level: LogLevel,
  message: string,
  fields: Readonly<Record<string, unknown>>,
): void {
  if (sink === undefined || !WRITTEN[level]) return;
  const wallMs = Date.now();
  if (
    wallMs !== last.wallMs || fields !== last.fields || message !== last.message ||
    level !== last.level || !Object.isFrozen(fields)
  ) {
    last = { wallMs, level, message, fields, line: formatJsonLine(wallMs, level, message, fields) };
  }
  sink.write(last.line);
}
