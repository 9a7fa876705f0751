import assert from "node:assert/strict";
import { describeEnd, endReason, exitStatusOf, processEnd } from "../../lib/core/process_end.ts";
import { SIGNAL_NUMBERS, signalName } from "../../lib/core/signals.ts";

Deno.test("exitStatusOf() passes a process's own exit status through", () => {
  assert.equal(exitStatusOf(processEnd(0, null)), 0);
  assert.equal(exitStatusOf(processEnd(7, null)), 7);
  assert.equal(endReason(processEnd(0, null)), "child exited with status 0");
  assert.equal(endReason(processEnd(7, null)), "child exited with status 7");
});

Deno.test("exitStatusOf() gives 128 + the signal number when a signal ended the process", () => {
  assert.deepEqual(processEnd(143, "SIGTERM"), { kind: "killed", signal: 15 });
  assert.equal(exitStatusOf(processEnd(143, "SIGTERM")), 143);
  assert.equal(endReason(processEnd(143, "SIGTERM")), "child killed by SIGTERM");
  assert.equal(exitStatusOf(processEnd(137, "SIGKILL")), 137);
  assert.equal(endReason(processEnd(137, "SIGKILL")), "child killed by SIGKILL");
  assert.equal(exitStatusOf(processEnd(129, "SIGHUP")), 129);
  assert.equal(endReason(processEnd(129, "SIGHUP")), "child killed by SIGHUP");
});

Deno.test("processEnd() keeps the reported code for a signal without a Linux number", () => {
  assert.deepEqual(processEnd(135, "SIGEMT"), { kind: "killed", signal: 7 });
  assert.equal(exitStatusOf(processEnd(135, "SIGEMT")), 135);
});

Deno.test("exitStatusOf() and describeEnd() cover every signal from 1 to 64", () => {
  for (let signal = 1; signal <= 64; signal++) {
    const end = { kind: "killed", signal } as const;
    assert.equal(exitStatusOf(end), 128 + signal);
    assert.equal(describeEnd(end), `ended by ${signalName(signal)} (exit status ${128 + signal})`);
  }
});

Deno.test("signalName() names signals as kill -l does, real-time ones from SIGRTMIN", () => {
  assert.deepEqual([1, 2, 6, 9, 15, 29, 31].map(signalName), [
    "SIGHUP",
    "SIGINT",
    "SIGABRT",
    "SIGKILL",
    "SIGTERM",
    "SIGIO",
    "SIGSYS",
  ]);
  assert.deepEqual([32, 33, 34, 35, 50, 63, 64, 65].map(signalName), [
    "signal 32",
    "signal 33",
    "SIGRTMIN",
    "SIGRTMIN+1",
    "SIGRTMIN+16",
    "SIGRTMIN+29",
    "SIGRTMAX",
    "signal 65",
  ]);
});

Deno.test("SIGNAL_NUMBERS has the Linux numbers of the forwarded signals", () => {
  const forwarded = ["SIGHUP", "SIGINT", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGTERM"] as const;
  assert.deepEqual(forwarded.map((name) => SIGNAL_NUMBERS[name]), [1, 2, 3, 10, 12, 15]);
});
