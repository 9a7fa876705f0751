// The JSON Lines log (behaviour §6.2): records a terminal prints safely, parsing to what was logged.
import assert from "node:assert/strict";
import { formatJsonLine } from "../../lib/core/json_line.ts";

Deno.test("formatJsonLine() escapes DEL, C1, U+2028, U+2029 and bidi controls as JSON escapes", () => {
  const excerpt = "STATUS=\x1b]0;x\x07\x7f\x85\u2028\u2029\u202e\u2066";
  const line = formatJsonLine(0, "warning", "Input rejected", { reason: "x", excerpt });
  assert.equal(
    line,
    '{"timestamp":"1970-01-01T00:00:00.000+00:00","level":"warning","message":"Input rejected",' +
      '"reason":"x","excerpt":"STATUS=\\u001b]0;x\\u0007\\u007f\\u0085\\u2028\\u2029\\u202e' +
      '\\u2066"}\n',
  );
  assert.equal(JSON.parse(line).excerpt, excerpt);
});

Deno.test("formatJsonLine() escapes a field named like a first field too", () => {
  const line = formatJsonLine(0, "info", "x", { message: "a\u2028b" });
  assert.equal(
    line,
    '{"timestamp":"1970-01-01T00:00:00.000+00:00","level":"info","message":"a\\u2028b"}\n',
  );
});
