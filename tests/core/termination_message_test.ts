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
  startupFailure: null,
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
