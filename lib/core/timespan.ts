/**
 * systemd time spans (systemd.time(7)), as `TimeoutStartSec=` and `WatchdogSec=` take them.
 *
 * @module
 */

/** Milliseconds per unit; the names are the ones systemd.time(7) lists for these units. */
export const TIME_SPAN_UNITS: Readonly<Record<string, number>> = Object.freeze({
  us: 0.001,
  usec: 0.001,
  ms: 1,
  msec: 1,
  s: 1_000,
  sec: 1_000,
  second: 1_000,
  seconds: 1_000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000,
});

// One component: a number (fractions allowed), optional blanks, an optional unit.
const COMPONENT = /\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)/y;

/**
 * Parses a systemd time span into milliseconds: `Infinity` for `infinity`, `undefined` when
 * the text is not a time span. A bare number is seconds; components are summed (`1min 30s`).
 *
 * @example Components summed, a bare number in seconds
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseTimeSpan } from "./timespan.ts";
 *
 * assert.equal(parseTimeSpan("1min 30s"), 90_000);
 * assert.equal(parseTimeSpan("1.5"), 1_500);
 * assert.equal(parseTimeSpan("infinity"), Infinity);
 * assert.equal(parseTimeSpan("soon"), undefined);
 * ```
 */
export function parseTimeSpan(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === "infinity") return Infinity;
  if (trimmed === "") return undefined;
  let total = 0;
  let position = 0;
  while (position < trimmed.length) {
    COMPONENT.lastIndex = position;
    const match = COMPONENT.exec(trimmed);
    if (match === null || match[0].length === 0) return undefined;
    const [, amount, unit] = match;
    const perUnit = unit === "" ? TIME_SPAN_UNITS.s : TIME_SPAN_UNITS[unit];
    if (perUnit === undefined) return undefined;
    total += Number(amount) * perUnit;
    position = COMPONENT.lastIndex;
    // A number without a unit ends the text or a blank-separated word ("1.2.3" is no span,
    // "2 3" is 5 s as systemd-analyze reads it).
    if (unit === "" && position < trimmed.length && !/\s/.test(trimmed[position - 1])) {
      return undefined;
    }
  }
  return Number.isFinite(total) ? total : undefined;
}

// format_timespan()'s units, largest first, in milliseconds.
const FORMAT_UNITS: readonly (readonly [string, number])[] = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["min", 60_000],
  ["s", 1_000],
  ["ms", 1],
  ["us", 0.001],
];

/**
 * Formats milliseconds as systemd's format_timespan() writes a span: largest units first,
 * zero units left out, to the microsecond.
 *
 * @example Largest units first
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatTimeSpan } from "./timespan.ts";
 *
 * assert.equal(formatTimeSpan(90_000), "1min 30s");
 * assert.equal(formatTimeSpan(1_500), "1s 500ms");
 * ```
 */
export function formatTimeSpan(milliseconds: number): string {
  if (milliseconds === Infinity) return "infinity";
  let left = Math.round(milliseconds * 1000);
  if (left <= 0) return "0";
  const parts: string[] = [];
  for (const [unit, perUnit] of FORMAT_UNITS) {
    const micros = Math.round(perUnit * 1000);
    const count = Math.floor(left / micros);
    if (count === 0) continue;
    parts.push(`${count}${unit}`);
    left -= count * micros;
  }
  return parts.join(" ");
}
