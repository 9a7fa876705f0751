/**
 * The JSON Lines log on stderr (SPEC §6), through LogTape. LogTape's own JSON Lines formatter
 * names the time `@timestamp` and nests fields; SPEC §6 asks for `timestamp` with a `+00:00`
 * offset and the fields at the top level, so the adapter brings a five-line formatter.
 *
 * @module
 */

import { configureSync, getLogger, type LogRecord, type Sink } from "@logtape/logtape";
import type { LogLevel } from "./effects.ts";
import { rfc3339 } from "./http_handler.ts";
import type { LineWriter } from "./line_writer.ts";

/** The logger category of every record the adapter writes. */
export const LOG_CATEGORY = ["sd-notify-adapter"];

function renderMessage(record: LogRecord): string {
  return record.message.map((part) => typeof part === "string" ? part : JSON.stringify(part))
    .join("");
}

/** One log record as one JSON line: `timestamp`, `level`, `message`, then the fields. */
export function formatJsonLine(record: LogRecord): string {
  return JSON.stringify({
    timestamp: rfc3339(record.timestamp),
    level: record.level,
    message: renderMessage(record),
    ...record.properties,
  }) + "\n";
}

/**
 * Routes the adapter's records (and LogTape's own warnings) to `writer` as JSON Lines, or,
 * without a writer, nowhere at all: `ADAPTER_LOG=false` means an empty stderr.
 */
export function configureLogging(writer: LineWriter | undefined): void {
  const sinks: Record<string, Sink> = writer === undefined
    ? {}
    : { stderr: (record) => writer.write(formatJsonLine(record)) };
  const names = writer === undefined ? [] : ["stderr"];
  configureSync({
    reset: true,
    sinks,
    loggers: [
      { category: LOG_CATEGORY, sinks: names, lowestLevel: "info" },
      { category: ["logtape", "meta"], sinks: names, lowestLevel: "warning" },
    ],
  });
}

const logger = getLogger(LOG_CATEGORY);

/** Writes one record: the shell's way to carry out a `log` effect. */
export function writeLog(
  level: LogLevel,
  message: string,
  fields: Readonly<Record<string, unknown>>,
): void {
  logger[level](message, fields as Record<string, unknown>);
}
