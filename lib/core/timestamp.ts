/**
 * Timestamps as the adapter writes them (behaviour §5, §6): RFC 3339 in UTC with a `+00:00`
 * offset, as the upstream format shows, in probe bodies and log records alike.
 *
 * @module
 */

const MS_PER_DAY = 86_400_000;
// "00" to "99". Digits come from this table, not from turning numbers into text: V8 keeps the
// text of numbers in a cache whose strings it allocates in the old generation, where they stay
// until a full collection; a probe body's milliseconds are a new number every time, and the
// heap grew by a string every few requests (issue 20).
const TWO_DIGITS: readonly string[] = Array.from(
  { length: 100 },
  (_, n) => String.fromCharCode(48 + Math.floor(n / 10), 48 + (n % 10)),
);
const two = (n: number) => TWO_DIGITS[n];
const three = (n: number) => String.fromCharCode(48 + Math.floor(n / 100)) + TWO_DIGITS[n % 100];
const four = (n: number) => TWO_DIGITS[Math.floor(n / 100)] + TWO_DIGITS[n % 100];

/**
 * RFC 3339 in UTC with a `+00:00` offset, to the millisecond.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { rfc3339 } from "./timestamp.ts";
 *
 * assert.equal(rfc3339(0), "1970-01-01T00:00:00.000+00:00");
 * ```
 */
export function rfc3339(wallMilliseconds: number): string {
  const ms = Math.trunc(wallMilliseconds);
  const days = Math.floor(ms / MS_PER_DAY);
  let rest = ms - days * MS_PER_DAY;
  const [year, month, day] = civilFromDays(days);
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1_000);
  return `${four(year)}-${two(month)}-${two(day)}T${two(hours)}:${two(minutes)}:${two(seconds)}.${
    three(rest - seconds * 1_000)
  }+00:00`;
}

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * The `Date` header field's text (RFC 9110 §5.6.7, IMF-fixdate), to the second.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { httpDate } from "./timestamp.ts";
 *
 * assert.equal(httpDate(Date.UTC(1994, 10, 6, 8, 49, 37)), "Sun, 06 Nov 1994 08:49:37 GMT");
 * ```
 */
export function httpDate(wallMilliseconds: number): string {
  const seconds = Math.floor(wallMilliseconds / 1_000);
  const days = Math.floor(seconds / 86_400);
  const rest = seconds - days * 86_400;
  const [year, month, day] = civilFromDays(days);
  // 1970-01-01 was a Thursday.
  const weekday = WEEKDAYS[(((days + 4) % 7) + 7) % 7];
  return `${weekday}, ${two(day)} ${MONTHS[month - 1]} ${four(year)} ${
    two(Math.floor(rest / 3_600))
  }:${two(Math.floor(rest / 60) % 60)}:${two(rest % 60)} GMT`;
}

/** Year, month (1–12) and day of the month of a day counted from 1970-01-01. */
function civilFromDays(days: number): [year: number, month: number, day: number] {
  // Integer arithmetic (Hinnant's civil_from_days), the same date as `toISOString()` gives for
  // years 0–9999: `Date.prototype.toISOString` pages in about 1.7 MB of the runtime that
  // nothing else in the adapter needs (RSS of an idle adapter).
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1_460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}
