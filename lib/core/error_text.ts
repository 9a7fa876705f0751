/**
 * Errors as one line of text, for log records and messages: the one way the adapter words a
 * caught value, whatever threw it.
 *
 * @module
 */

/**
 * The message of an `Error`, or the text of anything else that was thrown.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { errorText } from "./error_text.ts";
 * assert.equal(errorText(new Error("No space left on device")), "No space left on device");
 * assert.equal(errorText("plain"), "plain");
 * ```
 */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
