// Text safe to print (behaviour §6.1, §6.2, §9.5): the exact escapes, and cuts on code points.
import assert from "node:assert/strict";
import { cutCodePoints, fitUtf8, printable, printableJson } from "../../lib/core/printable.ts";

Deno.test("printable() escapes each unsafe code point as systemd shows it: \\xHH below U+0100, else \\uHHHH", () => {
  const cases: [string, string, string][] = [
    ["an OSC title sequence ended by BEL", "\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"],
    ["a CSI colour", "\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"],
    ["NUL, VT, FF, CR, LF", "\0\x0b\x0c\r\n", "\\x00\\x0b\\x0c\\x0d\\x0a"],
    ["DEL", "a\x7fb", "a\\x7fb"],
    ["C1: NEL and CSI", "a\x85b\x9bc", "a\\x85b\\x9bc"],
    ["the line and paragraph separators", "a\u2028b\u2029c", "a\\u2028b\\u2029c"],
    [
      "the bidi embeddings and overrides",
      "\u202a\u202b\u202c\u202d\u202e",
      "\\u202a\\u202b\\u202c\\u202d\\u202e",
    ],
    ["the bidi isolates", "\u2066\u2067\u2068\u2069", "\\u2066\\u2067\\u2068\\u2069"],
    ["a lone high surrogate", "a\ud83d", "a\\ud83d"],
    ["a lone low surrogate", "\ude00b", "\\ude00b"],
  ];
  for (const [what, text, expected] of cases) assert.equal(printable(text), expected, what);
});

Deno.test("printable() leaves safe text as it is: tab, backslashes, non-ASCII, surrogate pairs", () => {
  for (
    const text of [
      "STATUS=up\tand running",
      "C:\\x1b is text, not ESC",
      "ünï ✓ 日本語 😀",
      "\u00a0\u200e\u200f", // NBSP and the bidi marks, which override nothing
      "",
    ]
  ) {
    assert.equal(printable(text), text);
  }
});

Deno.test("printableJson() escapes what JSON.stringify leaves raw, and parses back to the same text", () => {
  const text = "\x1b\x7f\x85\x9f\u2028\u2029\u202e\u2066\u2069 ok é\t";
  const json = printableJson(JSON.stringify({ status: text }));
  assert.equal(
    json,
    '{"status":"\\u001b\\u007f\\u0085\\u009f\\u2028\\u2029\\u202e\\u2066\\u2069 ok é\\t"}',
  );
  assert.deepEqual(JSON.parse(json), { status: text });
  assert.equal(printableJson('{"a":"é"}'), '{"a":"é"}');
});

Deno.test("cutCodePoints() never splits a surrogate pair at the cut", () => {
  const text = `${"a".repeat(1023)}😀b`;
  assert.equal(cutCodePoints(text, 1024), `${"a".repeat(1023)}😀…`);
  assert.equal(cutCodePoints("😀".repeat(1024), 1024), "😀".repeat(1024));
  assert.equal(cutCodePoints("😀".repeat(1025), 1024), `${"😀".repeat(1024)}…`);
});

Deno.test("fitUtf8() cuts before a multi-byte character that would cross the limit", () => {
  // 4093 bytes of ASCII, then a 4-byte character that would end at byte 4097.
  const text = `${"a".repeat(4093)}😀`;
  assert.equal(fitUtf8(text, 4096), "a".repeat(4093));
  assert.equal(fitUtf8(`${"a".repeat(4094)}é`, 4096), `${"a".repeat(4094)}é`);
  assert.equal(fitUtf8(`${"a".repeat(4095)}é`, 4096), "a".repeat(4095));
});
