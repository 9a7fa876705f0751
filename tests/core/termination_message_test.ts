import assert from "node:assert/strict";
import { parseConfig } from "../../lib/core/config.ts";
import type { ProcessEnd } from "../../lib/core/process_end.ts";
import { type AdapterState, type Ending, initialState } from "../../lib/core/state.ts";
import { TERMINATION_MESSAGE_MAX, terminationMessage } from "../../lib/core/termination_message.ts";

const base = (): AdapterState => initialState(parseConfig({}).config, ["service"]);
const EXITED_1: ProcessEnd = { kind: "exited", code: 1 };

/** `state` once its main process (pid 42) ended so. */
const ended = (state: AdapterState, end: ProcessEnd): AdapterState => ({
  ...state,
  mainProcess: { phase: "ended", pid: 42, end },
});

/** A shutdown that `cause` began. */
const ending = (cause: Ending["cause"], reason: string, exitStatus: number): Ending => ({
  cause,
  reason,
  exitStatus,
  giveUpAtMs: 0,
});

Deno.test("terminationMessage() says how the service exited by itself", () => {
  assert.equal(
    terminationMessage(ended(base(), { kind: "exited", code: 0 })),
    "the service exited with status 0\n",
  );
  assert.equal(
    terminationMessage(ended(base(), { kind: "killed", signal: 11 })),
    "the service ended by SIGSEGV (exit status 139)\n",
  );
});

Deno.test("terminationMessage() explains a watchdog abort and lists the last reports", () => {
  const state: AdapterState = {
    ...base(),
    abort: {
      signal: "SIGABRT",
      cause: { event: "watchdog_timeout", atMs: 5_000, timeoutMs: 30_000 },
    },
    statusText: "Processing batch 42",
    errno: 5,
    busError: "org.example.Error.Stuck",
    exitStatus: 3,
  };
  assert.equal(
    terminationMessage(ended(state, { kind: "killed", signal: 6 })),
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
    lastFailure: { event: "start_timeout", atMs: 90_000, timeoutMs: 90_000 },
    ending: ending("events", "event start_timeout", 1),
  };
  assert.equal(
    terminationMessage(ended(state, { kind: "killed", signal: 15 })),
    "the adapter stopped on event start_timeout (ADAPTER_STATUS_SHUTDOWN); the service ended " +
      "by SIGTERM (exit status 143)\nstart timeout: no READY=1 within 1min 30s\n",
  );
});

Deno.test("terminationMessage() says why a service did not start", () => {
  const reason = 'Cannot start COMMAND "nope": not found in PATH';
  const state: AdapterState = {
    ...base(),
    mainProcess: { phase: "failed", exitStatus: 127, reason },
    ending: ending("main process", reason, 127),
  };
  assert.equal(
    terminationMessage(state),
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
  const message = terminationMessage(ended(state, EXITED_1));
  const bytes = new TextEncoder().encode(message).length;
  assert.ok(bytes <= TERMINATION_MESSAGE_MAX, `${bytes} bytes`);
  assert.ok(!message.includes("\uFFFD"));
  assert.equal(message.split("\n")[1], `status: ${"é".repeat(1_024)}…`);
  const oneLine = terminationMessage(ended({ ...base(), statusText: "a\nb\rc" }, EXITED_1));
  assert.equal(oneLine.split("\n")[1], "status: a b c");
});

Deno.test("terminationMessage() escapes what a terminal would act on, as systemctl status shows it", () => {
  const state: AdapterState = {
    ...base(),
    statusText: "\x1b]0;pwned\x07 \x0b\x0c\x7f\x85\u2028\u202eevil\u2066",
    busError: "org.example\u2029Error",
    mainProcess: {
      phase: "failed",
      exitStatus: 127,
      reason: 'Cannot start COMMAND "\x1b[2J": not found',
    },
    ending: ending("main process", 'Cannot start COMMAND "\x1b[2J": not found', 127),
  };
  assert.equal(
    terminationMessage(state),
    'the service did not start: Cannot start COMMAND "\\x1b[2J": not found\n' +
      "status: \\x1b]0;pwned\\x07 \\x0b\\x0c\\x7f\\x85\\u2028\\u202eevil\\u2066\n" +
      "buserror: org.example\\u2029Error\n",
  );
});

Deno.test("terminationMessage() cuts a field at 1024 code points, never inside a surrogate pair", () => {
  const state: AdapterState = { ...base(), statusText: `${"a".repeat(1023)}😀b` };
  assert.equal(
    terminationMessage(ended(state, EXITED_1)),
    `the service exited with status 1\nstatus: ${"a".repeat(1023)}😀…\n`,
  );
});

Deno.test("terminationMessage() cuts the whole at 4096 bytes of UTF-8, before a character that would cross", () => {
  // 33 + 8 bytes, then 4-byte characters: the 1014th would end at byte 4097.
  const state: AdapterState = { ...base(), statusText: "😀".repeat(2_000) };
  const message = terminationMessage(ended(state, EXITED_1));
  assert.equal(message, `the service exited with status 1\nstatus: ${"😀".repeat(1_013)}`);
  assert.equal(new TextEncoder().encode(message).length, 4_093);
});
