/**
 * Timestamps as the adapter writes them (behaviour §5, §6): RFC 3339 in UTC with a `+00:00`
 * offset, as the upstream format shows, in probe bodies and log records alike.
 *
 * @module
 */

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
  return new Date(wallMilliseconds).toISOString().replace("Z", "+00:00");
}
