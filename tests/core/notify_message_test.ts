import assert from "node:assert/strict";
import { type NotifyMessage, parseNotifyMessage } from "../../lib/core/notify_message.ts";

const encode = (text: string) => new TextEncoder().encode(text);
const parse = (text: string) => parseNotifyMessage(encode(text));
const lines = (message: NotifyMessage) => message.accepted.map((line) => line.line);
const reasons = (message: NotifyMessage) => message.rejected.map((r) => r.reason);

Deno.test("parseNotifyMessage() splits on \\n and \\r and skips empty lines", () => {
  assert.deepEqual(lines(parse("READY=1\nSTATUS=a\rMAINPID=42\r\n\n\nX_A=b\n")), [
    "READY=1",
    "STATUS=a",
    "MAINPID=42",
    "X_A=b",
  ]);
  assert.deepEqual(parse(""), { accepted: [], rejected: [] });
  assert.deepEqual(parse("\n\r\n"), { accepted: [], rejected: [] });
});

Deno.test("parseNotifyMessage() gives each accepted line its key and typed value", () => {
  assert.deepEqual(
    parse("READY=1\nERRNO=EIO\nWATCHDOG_USEC=5000000\nSTATUS=up and running").accepted,
    [
      { key: "READY", value: true, line: "READY=1" },
      { key: "ERRNO", value: 5, line: "ERRNO=EIO" },
      { key: "WATCHDOG_USEC", value: 5_000_000, line: "WATCHDOG_USEC=5000000" },
      { key: "STATUS", value: "up and running", line: "STATUS=up and running" },
    ],
  );
});

Deno.test("parseNotifyMessage() trims nothing: `READY=1 ` is an invalid READY", () => {
  const message = parse("READY=1 \n STATUS=x");
  assert.deepEqual(message.accepted, []);
  assert.deepEqual(message.rejected, [
    { reason: "invalid_value", excerpt: "READY=1 " },
    { reason: "unknown_key", excerpt: " STATUS=x" },
  ]);
});

Deno.test("parseNotifyMessage() accepts 4096 bytes and drops 4097 whole (behaviour §2)", () => {
  const fits = `STATUS=${"a".repeat(4096 - "STATUS=".length)}`;
  assert.equal(parse(fits).accepted.length, 1);
  const message = parse(`${fits}b`);
  assert.deepEqual(message.accepted, []);
  assert.deepEqual(reasons(message), ["oversize"]);
  assert.equal(message.rejected[0].excerpt, `STATUS=${"a".repeat(57)}…`);
});

Deno.test("parseNotifyMessage() tolerates one trailing NUL and drops other NULs whole", () => {
  assert.deepEqual(lines(parseNotifyMessage(encode("READY=1\0"))), ["READY=1"]);
  const fits = new Uint8Array(4097).fill(0x61);
  fits.set(encode("STATUS="));
  fits[4096] = 0;
  assert.deepEqual(reasons(parseNotifyMessage(fits)), ["oversize"]);
  for (const text of ["READY=1\0\0", "READY=1\0STATUS=x", "\0READY=1"]) {
    const message = parse(text);
    assert.deepEqual(message.accepted, [], JSON.stringify(text));
    assert.deepEqual(reasons(message), ["nul_byte"]);
  }
});

Deno.test("parseNotifyMessage() drops an invalid UTF-8 line and keeps the others", () => {
  const bytes = new Uint8Array([...encode("READY=1\nSTATUS="), 0xff, 0xfe, ...encode("\nX_A=é")]);
  const message = parseNotifyMessage(bytes);
  assert.deepEqual(lines(message), ["READY=1", "X_A=é"]);
  assert.deepEqual(message.rejected, [{ reason: "invalid_utf8", excerpt: "STATUS=\ufffd\ufffd" }]);
});

Deno.test("parseNotifyMessage() keeps a byte-order mark: it is part of the line", () => {
  const message = parse("\ufeffREADY=1");
  assert.deepEqual(reasons(message), ["unknown_key"]);
});

Deno.test("parseNotifyMessage() lets the first of a repeated key win, valid or not", () => {
  const message = parse("ERRNO=5\nERRNO=7\nWATCHDOG=yes\nWATCHDOG=1");
  assert.deepEqual(lines(message), ["ERRNO=5"]);
  assert.deepEqual(message.rejected, [
    { reason: "duplicate_key", excerpt: "ERRNO=7" },
    { reason: "invalid_value", excerpt: "WATCHDOG=yes" },
    { reason: "duplicate_key", excerpt: "WATCHDOG=1" },
  ]);
});

Deno.test("parseNotifyMessage() accepts BARRIER=1 alone and ignores it with anything else", () => {
  assert.deepEqual(lines(parse("BARRIER=1")), ["BARRIER=1"]);
  assert.deepEqual(lines(parse("\nBARRIER=1\n")), ["BARRIER=1"]);
  for (const text of ["BARRIER=1\nREADY=1", "READY=1\nBARRIER=1", "BARRIER=1\nnonsense"]) {
    const message = parse(text);
    assert.deepEqual(message.accepted, [], text);
    assert.deepEqual(reasons(message), ["barrier_with_other_lines"]);
  }
});

Deno.test("parseNotifyMessage() only warns about unknown keys and lines without =", () => {
  const message = parse("FOO=1\nREADY\n=x\nX_OK=1");
  assert.deepEqual(lines(message), ["X_OK=1"]);
  assert.deepEqual(message.rejected, [
    { reason: "unknown_key", excerpt: "FOO=1" },
    { reason: "no_equals", excerpt: "READY" },
    { reason: "unknown_key", excerpt: "=x" },
  ]);
});

Deno.test("parseNotifyMessage() rejects invalid values of well-known keys (behaviour §2)", () => {
  for (
    const line of [
      "READY=0",
      "READY=",
      "RELOADING=2",
      "STOPPING=true",
      "WATCHDOG=yes",
      "WATCHDOG=",
      "ERRNO=-1",
      "ERRNO=4096",
      "ERRNO=EFOO",
      "ERRNO= 5",
      "WATCHDOG_USEC=abc",
      "WATCHDOG_USEC=-5",
      "WATCHDOG_USEC=18446744073709551616",
      "EXTEND_TIMEOUT_USEC=1.5",
      "MAINPID=0",
      "MAINPID=abc",
      "EXIT_STATUS=256",
      "BUSERROR=bad\tname",
      "NOTIFYACCESS=some",
      "FDPOLL=1",
      "FDNAME=a:b",
      "BARRIER=0",
    ]
  ) {
    assert.deepEqual(parse(line), {
      accepted: [],
      rejected: [{ reason: "invalid_value", excerpt: line }],
    }, line);
  }
});

Deno.test("parseNotifyMessage() accepts every well-known assignment of sd_notify(3)", () => {
  const valid = [
    "READY=1",
    "RELOADING=1",
    "STOPPING=1",
    "ERRNO=0",
    "ERRNO=4095",
    "ERRNO=ENOENT",
    "BUSERROR=org.freedesktop.DBus.Error.TimedOut",
    "BUSERROR=",
    "VARLINKERROR=io.systemd.Failed",
    "WATCHDOG=1",
    "WATCHDOG=trigger",
    "WATCHDOG_USEC=0",
    "WATCHDOG_USEC=18446744073709551615",
    "EXTEND_TIMEOUT_USEC=1000000",
    "STATUS=",
    "STATUS=Ünïcödé ✓",
    "MAINPID=4242",
    "MAINPIDFDID=123",
    "MAINPIDFD=1",
    "EXIT_STATUS=255",
    "MONOTONIC_USEC=123456789",
    "NOTIFYACCESS=main",
    "FDSTORE=1",
    "FDSTOREREMOVE=1",
    "FDNAME=web",
    "FDPOLL=0",
    "RESTART_RESET=1",
    "BARRIER=1",
    "X_ANYTHING=at all = really",
    "X_=",
  ];
  for (const line of valid) assert.deepEqual(lines(parse(line)), [line], line);
});

Deno.test("parseNotifyMessage() reads USEC_INFINITY as Infinity and large values as numbers", () => {
  assert.equal(parse("WATCHDOG_USEC=18446744073709551615").accepted[0].value, Infinity);
  assert.equal(parse("WATCHDOG_USEC=18446744073709551614").accepted[0].value, 18446744073709551614);
  assert.equal(parse("EXTEND_TIMEOUT_USEC=9007199254740993").accepted[0].value, 9007199254740992);
});

Deno.test("parseNotifyMessage() cuts long excerpts to 64 characters", () => {
  const line = `FOO=${"x".repeat(100)}`;
  assert.equal(parse(line).rejected[0].excerpt, `${line.slice(0, 64)}…`);
});

Deno.test("parseNotifyMessage() accepts 4096 bytes that end in the one tolerated NUL", () => {
  const bytes = new Uint8Array(4096).fill(0x61);
  bytes.set(encode("STATUS="));
  bytes[4095] = 0;
  assert.deepEqual(reasons(parseNotifyMessage(bytes)), []);
  assert.equal(parseNotifyMessage(bytes).accepted[0].line.length, 4095);
});

Deno.test("parseNotifyMessage() rejects each kind of invalid UTF-8 line by line, short or long", () => {
  const invalid = [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82]];
  for (const sequence of invalid) {
    for (const padding of [0, 500]) {
      const bytes = new Uint8Array([
        ...encode(`X_PAD=${"p".repeat(padding)}\rSTATUS=`),
        ...sequence,
        ...encode("\nREADY=1"),
      ]);
      const message = parseNotifyMessage(bytes);
      assert.deepEqual(lines(message), [`X_PAD=${"p".repeat(padding)}`, "READY=1"], `${sequence}`);
      assert.deepEqual(reasons(message), ["invalid_utf8"]);
    }
  }
});

Deno.test("parseNotifyMessage() keeps the bytes of a line exactly, blanks and = included", () => {
  assert.deepEqual(lines(parse("STATUS= a = b \nX_K==")), ["STATUS= a = b ", "X_K=="]);
  assert.deepEqual(parse("STATUS=\t x\t").accepted[0].value, "\t x\t");
});

Deno.test("parseNotifyMessage() lets the first line win for X_* keys too, and counts later ones", () => {
  const message = parse("X_A=1\nX_A=2\nX_B=3");
  assert.deepEqual(lines(message), ["X_A=1", "X_B=3"]);
  assert.deepEqual(message.rejected, [{ reason: "duplicate_key", excerpt: "X_A=2" }]);
});
