import assert from "node:assert/strict";
import { childExit } from "../../lib/core/child_exit.ts";
import { SIGNAL_NUMBERS } from "../../lib/core/signals.ts";

Deno.test("childExit() passes a child's own exit status through", () => {
  assert.deepEqual(childExit({ code: 0, signal: null }), {
    exitStatus: 0,
    reason: "child exited with status 0",
  });
  assert.deepEqual(childExit({ code: 7, signal: null }), {
    exitStatus: 7,
    reason: "child exited with status 7",
  });
});

Deno.test("childExit() gives 128 + the signal number when a signal ended the child", () => {
  assert.deepEqual(childExit({ code: 143, signal: "SIGTERM" }), {
    exitStatus: 143,
    reason: "child killed by SIGTERM",
  });
  assert.deepEqual(childExit({ code: 137, signal: "SIGKILL" }), {
    exitStatus: 137,
    reason: "child killed by SIGKILL",
  });
  assert.deepEqual(childExit({ code: 129, signal: "SIGHUP" }), {
    exitStatus: 129,
    reason: "child killed by SIGHUP",
  });
});

Deno.test("childExit() keeps the reported code for a signal without a Linux number", () => {
  assert.deepEqual(childExit({ code: 135, signal: "SIGEMT" }), {
    exitStatus: 135,
    reason: "child killed by SIGEMT",
  });
});

Deno.test("SIGNAL_NUMBERS has the Linux numbers of the forwarded signals", () => {
  const forwarded = ["SIGHUP", "SIGINT", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGTERM"] as const;
  assert.deepEqual(forwarded.map((name) => SIGNAL_NUMBERS[name]), [1, 2, 3, 10, 12, 15]);
});
