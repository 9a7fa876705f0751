/**
 * A log record as one JSON line (behaviour §6): `timestamp`, `level` and `message` first,
 * then the record's fields at the top level.
 *
 * @module
 */

import type { LogFields, LogLevel } from "./effects.ts";
import { printableJson } from "./printable.ts";
import { rfc3339 } from "./timestamp.ts";

/**
 * One record as one JSON line ending in `\n` (a field named like one of the first three
 * replaces it, as a spread would). Text a terminal would act on is escaped: `JSON.stringify`
 * escapes the C0 controls, `printableJson` the rest.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatJsonLine } from "./json_line.ts";
 *
 * assert.equal(
 *   formatJsonLine(0, "info", "Event", { event: "ready" }),
 *   '{"timestamp":"1970-01-01T00:00:00.000+00:00","level":"info","message":"Event",' +
 *     '"event":"ready"}\n',
 * );
 * ```
 */
export function formatJsonLine(
  wallMs: number,
  level: LogLevel,
  message: string,
  fields: LogFields,
): string {
  if ("timestamp" in fields || "level" in fields || "message" in fields) {
    return printableJson(
      JSON.stringify({ timestamp: rfc3339(wallMs), level, message, ...fields }),
    ) + "\n";
  }
  // The pieces are tested as JSON.stringify returns them, flat: testing the joined line would
  // flatten it first (deno bench, an Event record: 0.48 µs instead of 0.29 µs, the cost before).
  const head = `{"timestamp":"${rfc3339(wallMs)}","level":"${level}","message":${
    printableJson(JSON.stringify(message))
  }`;
  const rest = printableJson(JSON.stringify(fields));
  return rest === "{}" ? `${head}}\n` : `${head},${rest.slice(1)}\n`;
}
