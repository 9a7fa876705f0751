import assert from "node:assert/strict";
import { parseConfig } from "../../lib/core/config.ts";
import { type AdapterState, initialState } from "../../lib/core/state.ts";
import { TERMINATION_MESSAGE_MAX, terminationMessage } from "../../lib/core/termination_message.ts";

const base = (): AdapterState => initialState(parseConfig({}).config);

Deno.test("terminationMessage() says how the service exited by itself", () => {
  assert.equal(
    terminationMessage(base(), { code: 0, signal: null }),
    "the service exited with status 0\n",
  );
  assert.equal(
    terminationMessage(base(), { code: 139, signal: "SIGSEGV" }),
    "the service ended by SIGSEGV (exit status 139)\n",
  );
});

Deno.test("terminationMessage() explains a watchdog abort and lists the last reports", () => {
  const state: AdapterState = {
    ...base(),
    abort: {
      signal: "SIGABRT",
      cause: { event: "watchdog_timeout", at: 5_000, timeoutMs: 30_000 },
      killDeadline: null,
    },
    statusText: "Processing batch 42",
    errno: 5,
    busError: "org.example.Error.Stuck",
    exitStatus: 3,
  };
  assert.equal(
    terminationMessage(state, { code: 134, signal: "SIGABRT" }),
    "watchdog timeout: no WATCHDOG=1 within 30s; the service was sent SIGABRT and ended by " +
      "SIGABRT (exit status 134)\n" +
      "status: Processing batch 42\n" +
      "errno: 5 (EIO)\n" +
      "buserror: org.example.Error.Stuck\n" +
      "exit_status: 3\n",
  );
});

Deno.test("terminationMessage() names a start timeout and an event shutdown", () => {
  const state: AdapterState = {
    ...base(),
    lastFailure: { event: "start_timeout", at: 90_000, timeoutMs: 90_000 },
    ending: { reason: "event start_timeout", exitStatus: 1 },
  };
  assert.equal(
    terminationMessage(state, { code: 143, signal: "SIGTERM" }),
    "the adapter stopped on event start_timeout (ADAPTER_STATUS_SHUTDOWN); the service ended " +
      "by SIGTERM (exit status 143)\nstart timeout: no READY=1 within 1min 30s\n",
  );
});

Deno.test("terminationMessage() says why a service did not start", () => {
  const state: AdapterState = {
    ...base(),
    ending: { reason: 'Cannot start COMMAND "nope": not found in PATH', exitStatus: 127 },
  };
  assert.equal(
    terminationMessage(state, null),
    'the service did not start: Cannot start COMMAND "nope": not found in PATH\n',
  );
});

Deno.test("terminationMessage() stays within Kubernetes' 4096 bytes, whole characters and lines", () => {
  const state: AdapterState = {
    ...base(),
    statusText: "é".repeat(3_000),
    busError: "x".repeat(3_000),
    errno: 5,
  };
  const message = terminationMessage(state, { code: 1, signal: null });
  const bytes = new TextEncoder().encode(message).length;
  assert.ok(bytes <= TERMINATION_MESSAGE_MAX, `${bytes} bytes`);
  assert.ok(!message.includes("\uFFFD"));
  assert.equal(message.split("\n")[1], `status: ${"é".repeat(1_024)}…`);
  const oneLine = terminationMessage({ ...base(), statusText: "a\nb\rc" }, null);
  assert.equal(oneLine.split("\n")[1], "status: a b c");
});

Deno.test("terminationMessage() escapes what a terminal would act on, as systemctl status shows it", () => {
  const state: AdapterState = {
    ...base(),
    statusText: "\x1b]0;pwned\x07 \x0b\x0c\x7f\x85\u2028\u202eevil\u2066",
    busError: "org.example\u2029Error",
    ending: { reason: 'Cannot start COMMAND "\x1b[2J": not found', exitStatus: 127 },
  };
  assert.equal(
    terminationMessage(state, null),
    'the service did not start: Cannot start COMMAND "\\x1b[2J": not found\n' +
      "status: \\x1b]0;pwned\\x07 \\x0b\\x0c\\x7f\\x85\\u2028\\u202eevil\\u2066\n" +
      "buserror: org.example\\u2029Error\n",
  );
});

Deno.test("terminationMessage() cuts a field at 1024 code points, never inside a surrogate pair", () => {
  const state: AdapterState = { ...base(), statusText: `${"a".repeat(1023)}😀b` };
  assert.equal(
    terminationMessage(state, { code: 1, signal: null }),
    `the service exited with status 1\nstatus: ${"a".repeat(1023)}😀…\n`,
  );
});

Deno.test("terminationMessage() cuts the whole at 4096 bytes of UTF-8, before a character that would cross", () => {
  // 33 + 8 bytes, then 4-byte characters: the 1014th would end at byte 4097.
  const state: AdapterState = { ...base(), statusText: "😀".repeat(2_000) };
  const message = terminationMessage(state, { code: 1, signal: null });
  assert.equal(message, `the service exited with status 1\nstatus: ${"😀".repeat(1_013)}`);
  assert.equal(new TextEncoder().encode(message).length, 4_093);
});
