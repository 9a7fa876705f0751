/**
 * Text from a service made safe to print (behaviour §6.1, §6.2, §9.5): what the adapter echoes,
 * logs and leaves in the termination message reaches terminals (`kubectl describe pod`, `kubectl
 * logs`), where a control character or a bidi override would act instead of showing, the class
 * of terminal injection Kubernetes fixed in kubectl (CVE-2021-25743). Unsafe code points are
 * escaped as systemd shows text in `systemctl status` (`utf8_escape_non_printable()`), and text
 * is cut on whole code points.
 *
 * @module
 */

// C0 controls except \t, DEL and C1 (systemd's unichar_is_control(), with \n not allowed),
// U+2028 and U+2029 (line breaks to some terminals and to JavaScript), the bidi embeddings,
// overrides and isolates (U+202A–U+202E, U+2066–U+2069: CVE-2021-42574), and lone surrogates:
// with the u flag a surrogate pair is one code point, so the range matches only lone ones.
// deno-lint-ignore no-control-regex -- matching control characters is the point
const UNSAFE_ALL = /[\0-\x08\n-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069\ud800-\udfff]/gu;
// The same without the u flag, so with every surrogate: a test of it costs less
// (deno bench, four typical lines: 42 ns against 70 ns), and a clean line costs only that test.
const MAYBE_UNSAFE = new RegExp(UNSAFE_ALL.source);

// What JSON.stringify leaves as it is although a terminal acts on it: it already escapes C0
// controls and lone surrogates.
const JSON_UNSAFE = /[\x7f-\x9f\u2028-\u202e\u2066-\u2069]/;
const JSON_UNSAFE_ALL = new RegExp(JSON_UNSAFE.source, "g");

const hex = (code: number, digits: number) => code.toString(16).padStart(digits, "0");

function escapeCodePoint(character: string): string {
  const code = character.codePointAt(0) ?? 0;
  return code < 0x100 ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`;
}

/**
 * `text` with every unsafe code point escaped: C0 controls but `\t` (so `\n` too), DEL, C1,
 * U+2028, U+2029, the bidi controls U+202A–U+202E and U+2066–U+2069, and lone surrogates. A
 * code point below U+0100 becomes `\xHH`, any other `\uHHHH` (lower-case hex digits). Other
 * text, backslashes included, is left as it is, so safe text is returned unchanged.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { printable } from "./printable.ts";
 *
 * assert.equal(printable("STATUS=up\tand running"), "STATUS=up\tand running");
 * assert.equal(printable("STATUS=\x1b[2Jgone"), "STATUS=\\x1b[2Jgone");
 * assert.equal(printable("STATUS=abc\u202edcba"), "STATUS=abc\\u202edcba");
 * ```
 */
export function printable(text: string): string {
  // Clean text, nearly all of it, costs one test() (echo runs at datagram rate).
  return MAYBE_UNSAFE.test(text) ? text.replace(UNSAFE_ALL, escapeCodePoint) : text;
}

/**
 * An accepted line as echoed on stdout (behaviour §6.1): the line as received, made printable.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { echoLine } from "./printable.ts";
 *
 * assert.equal(echoLine({ line: "STATUS=\x07ding" }), "STATUS=\\x07ding");
 * ```
 */
export function echoLine(accepted: { readonly line: string }): string {
  return printable(accepted.line);
}

/**
 * A JSON text with DEL, C1, U+2028, U+2029 and the bidi controls written as `\u00XX` escapes,
 * which `JSON.stringify` leaves raw: the record parses to the same value, and prints safely.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { printableJson } from "./printable.ts";
 *
 * const json = printableJson(JSON.stringify({ status: "a\x85b\u2066c" }));
 * assert.equal(json, '{"status":"a\\u0085b\\u2066c"}');
 * assert.deepEqual(JSON.parse(json), { status: "a\x85b\u2066c" });
 * ```
 */
export function printableJson(json: string): string {
  return JSON_UNSAFE.test(json)
    ? json.replace(JSON_UNSAFE_ALL, (character) => `\\u${hex(character.charCodeAt(0), 4)}`)
    : json;
}

/**
 * `text` cut to its first `max` code points, with `…` after a cut: a surrogate pair is never
 * split (a lone surrogate counts as one code point).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { cutCodePoints } from "./printable.ts";
 *
 * assert.equal(cutCodePoints("abc", 3), "abc");
 * assert.equal(cutCodePoints("a😀b", 2), "a😀…");
 * ```
 */
export function cutCodePoints(text: string, max: number): string {
  // A code point is one or two UTF-16 units: no longer than max units, no more code points.
  if (text.length <= max) return text;
  let units = 0;
  for (let count = 0; count < max && units < text.length; count++) {
    units += (text.codePointAt(units) ?? 0) > 0xffff ? 2 : 1;
  }
  return units >= text.length ? text : `${text.slice(0, units)}…`;
}

const encoder = new TextEncoder();

/**
 * The longest start of `text` whose UTF-8 takes at most `maxBytes` bytes, cut on a code point.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitUtf8 } from "./printable.ts";
 *
 * assert.equal(fitUtf8("aé", 3), "aé");
 * assert.equal(fitUtf8("aé", 2), "a");
 * ```
 */
export function fitUtf8(text: string, maxBytes: number): string {
  // encodeInto() writes whole code points only, and says how many UTF-16 units it read.
  const { read } = encoder.encodeInto(text, new Uint8Array(maxBytes));
  return read >= text.length ? text : text.slice(0, read);
}
