// ADAPTER_HOST's IPv6 literals (behaviour §1): isIpv6Literal() accepts what the WHATWG URL
// parser accepts between brackets, which it replaced (fast-check).
import assert from "node:assert/strict";
import fc from "fast-check";
import { isIpv6Literal } from "../../lib/core/setting_values.ts";

const RUNS = { numRuns: 3000, seed: 20261207 };

// What the adapter accepted before: the URL parser, on IPv6's characters only.
function urlAccepts(text: string): boolean {
  if (!text.includes(":") || !/^[0-9A-Fa-f:.]+$/.test(text)) return false;
  try {
    new URL(`http://[${text}]/`);
    return true;
  } catch {
    return false;
  }
}

const HEX = fc.constantFrom(..."0123456789abcdefABCDEF");
const GROUP = fc.oneof(
  fc.array(HEX, { minLength: 1, maxLength: 4 }).map((digits) => digits.join("")),
  // Wrong lengths, empty groups and decimal parts too.
  fc.array(HEX, { minLength: 0, maxLength: 6 }).map((digits) => digits.join("")),
  fc.integer({ min: 0, max: 300 }).map(String),
);
const QUAD = fc.array(
  fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.constantFrom("01", "00", "")),
  { minLength: 3, maxLength: 5 },
).map((parts) => parts.join("."));

// Groups joined by ":", one or two "::" put in, a dotted quad at the end now and then.
const SHAPED = fc.tuple(
  fc.array(GROUP, { minLength: 0, maxLength: 9 }),
  fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 2 }),
  fc.option(QUAD),
).map(([groups, compressions, quad]) => {
  const parts = [...groups, ...(quad === null ? [] : [quad])];
  let text = parts.join(":");
  for (const at of compressions) {
    const cut = Math.min(at, text.length);
    text = `${text.slice(0, cut)}::${text.slice(cut)}`;
  }
  return text;
});
// Valid ones: eight groups, a run of them (perhaps none) compressed, a dotted quad perhaps.
const VALID_GROUP = fc.array(HEX, { minLength: 1, maxLength: 4 }).map((digits) => digits.join(""));
const VALID_QUAD = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 })
  .map((parts) => parts.join("."));
const VALID = fc.tuple(
  fc.array(VALID_GROUP, { minLength: 8, maxLength: 8 }),
  fc.option(fc.tuple(fc.nat(8), fc.nat(8))),
  fc.option(VALID_QUAD),
).map(([groups, run, quad]) => {
  const tail = quad === null ? groups : [...groups.slice(0, 6), quad];
  if (run === null) return tail.join(":");
  const [from, to] = [Math.min(...run) % tail.length, Math.max(...run) % (tail.length + 1)];
  const end = Math.max(from + 1, to);
  return `${tail.slice(0, from).join(":")}::${tail.slice(end).join(":")}`;
});
// A valid one with one character changed, dropped or doubled.
const MUTATED = fc.tuple(VALID, fc.nat(), fc.constantFrom(..."0f:.g"), fc.nat(2)).map(
  ([text, at, char, how]) => {
    const i = at % text.length;
    return how === 0
      ? text.slice(0, i) + char + text.slice(i + 1)
      : how === 1
      ? text.slice(0, i) + text.slice(i + 1)
      : text.slice(0, i) + text[i] + text.slice(i);
  },
);
const NOISE = fc.array(fc.constantFrom(..."0123456789abcdefABCDEF:.%g "), { maxLength: 45 })
  .map((chars) => chars.join(""));

let accepted = 0;
Deno.test("isIpv6Literal() accepts exactly what the URL parser accepts between brackets", () => {
  fc.assert(
    fc.property(fc.oneof(VALID, MUTATED, SHAPED, NOISE), (text) => {
      assert.equal(isIpv6Literal(text), urlAccepts(text), JSON.stringify(text));
      if (urlAccepts(text)) accepted++;
    }),
    RUNS,
  );
  // The generator reaches both answers often.
  assert.ok(accepted > RUNS.numRuns / 10, `only ${accepted} accepted`);
  assert.ok(accepted < RUNS.numRuns * 0.9, `${accepted} accepted`);
});

Deno.test("isIpv6Literal() on RFC 4291's examples", () => {
  for (
    const text of [
      "ABCD:EF01:2345:6789:ABCD:EF01:2345:6789",
      "2001:DB8:0:0:8:800:200C:417A",
      "2001:DB8::8:800:200C:417A",
      "FF01::101",
      "::1",
      "::",
      "0:0:0:0:0:0:13.1.68.3",
      "::13.1.68.3",
      "0:0:0:0:0:FFFF:129.144.52.38",
      "::FFFF:129.144.52.38",
    ]
  ) assert.equal(isIpv6Literal(text), true, text);
  for (const text of ["1::2::3", "12345::", "::1%eth0", "1:2:3:4:5:6:7:8:9", ":1", "::1.2.3.04"]) {
    assert.equal(isIpv6Literal(text), false, text);
  }
});
