import assert from "node:assert/strict";
import { CAUGHT_SIGNALS, signalAction } from "../../lib/core/signal_policy.ts";

Deno.test("signalAction() stops the sidecar on SIGTERM and SIGINT only", () => {
  const stopping = CAUGHT_SIGNALS.filter((signal) => signalAction(signal, "sidecar") === "stop");
  assert.deepEqual(stopping, ["SIGTERM", "SIGINT"]);
  assert.equal(signalAction("SIGHUP", "sidecar"), "ignore");
  assert.equal(signalAction("SIGPWR", "sidecar"), "ignore");
  assert.equal(signalAction("SIGXFSZ", "sidecar"), "quiet");
});

Deno.test("signalAction() forwards six signals in wrapper mode, and stops on none", () => {
  const forwarded = CAUGHT_SIGNALS.filter((signal) =>
    signalAction(signal, "wrapper") === "forward"
  );
  assert.deepEqual(forwarded.sort(), [
    "SIGHUP",
    "SIGINT",
    "SIGQUIT",
    "SIGTERM",
    "SIGUSR1",
    "SIGUSR2",
  ]);
  assert.ok(CAUGHT_SIGNALS.every((signal) => signalAction(signal, "wrapper") !== "stop"));
});

Deno.test("CAUGHT_SIGNALS holds every catchable signal that would end or stop the adapter", () => {
  assert.deepEqual([...CAUGHT_SIGNALS].sort(), [
    "SIGABRT",
    "SIGALRM",
    "SIGHUP",
    "SIGINT",
    "SIGIO",
    "SIGPROF",
    "SIGPWR",
    "SIGQUIT",
    "SIGSTKFLT",
    "SIGSYS",
    "SIGTERM",
    "SIGTRAP",
    "SIGTSTP",
    "SIGTTIN",
    "SIGTTOU",
    "SIGUSR1",
    "SIGUSR2",
    "SIGVTALRM",
    "SIGXCPU",
    "SIGXFSZ",
  ]);
  // Deno accepts a listener for each (it refuses SIGILL, SIGFPE, SIGSEGV, SIGKILL, SIGSTOP).
  for (const signal of CAUGHT_SIGNALS) {
    const listener = () => {};
    Deno.addSignalListener(signal, listener);
    Deno.removeSignalListener(signal, listener);
  }
});
