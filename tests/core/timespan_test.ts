import assert from "node:assert/strict";
import { formatTimeSpan, parseTimeSpan } from "../../lib/core/timespan.ts";

Deno.test("parseTimeSpan() reads a bare number as seconds, fractions allowed", () => {
  assert.equal(parseTimeSpan("90"), 90_000);
  assert.equal(parseTimeSpan("1.5"), 1_500);
  assert.equal(parseTimeSpan("0"), 0);
  assert.equal(parseTimeSpan(".5"), 500);
});

Deno.test("parseTimeSpan() knows every unit of systemd.time(7) that behaviour §1 lists", () => {
  const cases: [string, number][] = [
    ["250us", 0.25],
    ["250usec", 0.25],
    ["20ms", 20],
    ["20msec", 20],
    ["3s", 3_000],
    ["3sec", 3_000],
    ["1second", 1_000],
    ["3seconds", 3_000],
    ["2m", 120_000],
    ["2min", 120_000],
    ["1minute", 60_000],
    ["2minutes", 120_000],
    ["1h", 3_600_000],
    ["1hr", 3_600_000],
    ["1hour", 3_600_000],
    ["2hours", 7_200_000],
    ["1d", 86_400_000],
    ["1day", 86_400_000],
    ["2days", 172_800_000],
    ["1w", 604_800_000],
    ["1week", 604_800_000],
    ["2weeks", 1_209_600_000],
  ];
  for (const [text, milliseconds] of cases) assert.equal(parseTimeSpan(text), milliseconds, text);
});

Deno.test("parseTimeSpan() sums components, with or without blanks", () => {
  assert.equal(parseTimeSpan("1min 30s"), 90_000);
  assert.equal(parseTimeSpan("2h30m"), 9_000_000);
  assert.equal(parseTimeSpan("1.5h"), 5_400_000);
  assert.equal(parseTimeSpan("5 s"), 5_000);
  assert.equal(parseTimeSpan(" 2s "), 2_000);
  assert.equal(parseTimeSpan("1min30s"), 90_000);
  assert.equal(parseTimeSpan("1 min 30 s"), 90_000);
  assert.equal(parseTimeSpan("1h 1m 1s 1ms"), 3_661_001);
  // As `systemd-analyze timespan` reads them: a bare number is seconds wherever it stands.
  assert.equal(parseTimeSpan("2 3"), 5_000);
  assert.equal(parseTimeSpan("3 2s"), 5_000);
  assert.equal(parseTimeSpan("1 .5s"), 1_500);
  assert.equal(parseTimeSpan("5 s 3"), 8_000);
  assert.equal(parseTimeSpan("1m1"), 61_000);
});

Deno.test("parseTimeSpan() reads infinity as Infinity", () => {
  assert.equal(parseTimeSpan("infinity"), Infinity);
});

Deno.test("parseTimeSpan() rejects what is not a time span", () => {
  for (
    const text of [
      "",
      " ",
      "abc",
      "-1",
      "5parsecs",
      "1e3",
      "s",
      "1.2.3",
      "5.",
      "1.5.s",
      "infinity 5s",
      "5S",
      "1,5",
    ]
  ) {
    assert.equal(parseTimeSpan(text), undefined, JSON.stringify(text));
  }
});

Deno.test("formatTimeSpan() writes a span as systemd does, largest units first", () => {
  assert.equal(formatTimeSpan(90_000), "1min 30s");
  assert.equal(formatTimeSpan(30_000), "30s");
  assert.equal(formatTimeSpan(1_500), "1s 500ms");
  assert.equal(formatTimeSpan(250), "250ms");
  assert.equal(formatTimeSpan(0.001), "1us");
  assert.equal(formatTimeSpan(90_061_001.5), "1d 1h 1min 1s 1ms 500us");
  assert.equal(formatTimeSpan(0), "0");
  assert.equal(formatTimeSpan(Infinity), "infinity");
});
