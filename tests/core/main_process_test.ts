// The main process's life in wrapper mode (behaviour §9), driven through the one reducer with
// explicit times: spawn requested, spawned, spawn failed, exited, forwarded signals, and the
// SIGTERM, SIGKILL and give-up of a shutdown.
import assert from "node:assert/strict";
import { parseConfig } from "../../lib/core/config.ts";
import type { Effect } from "../../lib/core/effects.ts";
import { REAP_WAIT_MS } from "../../lib/core/lifecycle.ts";
import { STOP_GRACE_MS } from "../../lib/core/main_process.ts";
import { type AdapterState, initialState, type Input, step } from "../../lib/core/reducer.ts";
import { COMMAND, ofKind, send, START, tick, wrapping } from "../helpers/reducer_fixtures.ts";

const signals = (effects: readonly Effect[]) => ofKind(effects, "signalChild").map((e) => e.signal);
const messages = (effects: readonly Effect[]) =>
  ofKind(effects, "log").map(({ message, fields }) =>
    fields.signal === undefined ? message : `${message} ${fields.signal}`
  );
const kinds = (effects: readonly Effect[]) =>
  effects.map((effect) => effect.kind === "log" ? effect.message : effect.kind);

/** A wrapper that will start COMMAND, not yet healthy. */
const waiting = (env: Record<string, string> = {}) =>
  initialState(parseConfig({ ADAPTER_TERMINATION_MESSAGE_PATH: "", ...env }).config, COMMAND);

/** The wrapper of `wrapping()` after an event shutdown (STOPPING=1) at 1 s. */
function stoppedByEvent(): AdapterState {
  const state = wrapping({
    ADAPTER_STATUS_SHUTDOWN: "stopping",
    ADAPTER_TERMINATION_MESSAGE_PATH: "",
  });
  return send(state, "STOPPING=1", 1_000).state;
}

const exited = (pid: number, end: Extract<Input, { kind: "exited" }>["end"]): Input => ({
  kind: "exited",
  pid,
  end,
});

Deno.test("step() asks for COMMAND once the adapter is healthy, and not before", () => {
  const state = waiting();
  assert.deepEqual(state.mainProcess, { phase: "waiting", pendingSignals: [] });
  const started = step(state, START, 0);
  assert.deepEqual(ofKind(started.effects, "spawn"), [{ kind: "spawn", command: COMMAND }]);
  assert.deepEqual(started.state.mainProcess, { phase: "spawning", pendingSignals: [] });
  const spawned = step(started.state, { kind: "spawned", pid: 42 }, 5);
  assert.deepEqual(spawned.state.mainProcess, { phase: "running", pid: 42, sigkillAtMs: null });
  assert.deepEqual(ofKind(spawned.effects, "log"), [{
    kind: "log",
    level: "info",
    message: "Child started",
    fields: { command: "service", args: ["--flag"], pid: 42 },
  }]);
});

Deno.test("step() keeps signals that come before the child and forwards them once it runs", () => {
  let state = waiting();
  for (const signal of ["SIGHUP", "SIGTERM", "SIGHUP"] as const) {
    state = step(state, { kind: "signal", signal }, 0).state;
  }
  assert.deepEqual(state.mainProcess, { phase: "waiting", pendingSignals: ["SIGHUP", "SIGTERM"] });
  state = step(state, START, 1).state;
  const spawned = step(state, { kind: "spawned", pid: 42 }, 2);
  assert.deepEqual(signals(spawned.effects), ["SIGHUP", "SIGTERM"]);
  assert.deepEqual(messages(spawned.effects), [
    "Child started",
    "Signal forwarded SIGHUP",
    "Signal forwarded SIGTERM",
  ]);
  // A SIGTERM is the service's to act on: the wrapper keeps running until it exits.
  assert.equal(spawned.state.phase, "running");
});

Deno.test("step() forwards the six signals to a running child and ignores the others", () => {
  const state = wrapping();
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"] as const) {
    const { effects } = step(state, { kind: "signal", signal }, 1);
    assert.deepEqual(effects, [
      { kind: "log", level: "info", message: "Signal forwarded", fields: { pid: 42, signal } },
      { kind: "signalChild", signal, reason: "forwarded" },
    ], signal);
  }
  assert.deepEqual(step(state, { kind: "signal", signal: "SIGALRM" }, 1).effects, [
    { kind: "log", level: "info", message: "Signal ignored", fields: { signal: "SIGALRM" } },
  ]);
  assert.deepEqual(step(state, { kind: "signal", signal: "SIGXFSZ" }, 1).effects, []);
});

Deno.test("step() ends a wrapper whose COMMAND cannot start with 126 or 127, and reports it", () => {
  const started = step(waiting(), START, 0).state;
  const reason = 'Cannot start COMMAND "service": not found in PATH (No such file)';
  const { state, effects } = step(started, { kind: "spawnFailed", exitStatus: 127, reason }, 1);
  assert.deepEqual(state.mainProcess, { phase: "failed", exitStatus: 127, reason });
  assert.equal(state.phase, "exiting");
  assert.deepEqual(ofKind(effects, "log")[0], {
    kind: "log",
    level: "error",
    message: reason,
    fields: { command: "service", exitStatus: 127 },
  });
  assert.deepEqual(ofKind(effects, "exit"), [{
    kind: "exit",
    exitStatus: 127,
    startupFailure: reason,
  }]);
});

Deno.test("step() only logs a COMMAND that cannot start once an error has begun the shutdown", () => {
  const started = step(waiting(), START, 0).state;
  const stopping = step(started, { kind: "failed", error: "boom" }, 1).state;
  const reason = 'Cannot start COMMAND "service": not found in PATH (No such file)';
  const { state, effects } = step(stopping, { kind: "spawnFailed", exitStatus: 127, reason }, 2);
  assert.equal(state.phase, "exiting");
  assert.deepEqual(ofKind(effects, "exit"), [{
    kind: "exit",
    exitStatus: 1,
    startupFailure: null,
  }]);
});

Deno.test("step() exits with 128 + n for a child ended by any signal, real-time ones too", () => {
  for (const [signal, name] of [[6, "SIGABRT"], [36, "SIGRTMIN+2"], [64, "SIGRTMAX"]] as const) {
    const { state, effects } = step(wrapping(), exited(42, { kind: "killed", signal }), 5);
    assert.equal(state.ending?.reason, `child killed by ${name}`);
    assert.deepEqual(ofKind(effects, "exit"), [
      { kind: "exit", exitStatus: 128 + signal, startupFailure: null },
    ]);
  }
});

Deno.test("step() ignores the end of a process that is not the main process", () => {
  const state = wrapping();
  assert.deepEqual(step(state, exited(7, { kind: "exited", code: 0 }), 5), { state, effects: [] });
});

Deno.test("shutdown order (behaviour §7.2): SIGTERM to the child, then the endpoints close; exit once it ended", () => {
  const state = wrapping({ ADAPTER_STATUS_SHUTDOWN: "stopping" });
  const { state: stopping, effects } = send(state, "STOPPING=1", 1_000);
  assert.deepEqual(kinds(effects), [
    "echo",
    "Event",
    "Shutting down",
    "Probe state changed",
    "Stopping child",
    "signalChild",
    "shutdown",
    "armTimer",
  ]);
  assert.equal(stopping.phase, "stopping");
  const ended = step(stopping, exited(42, { kind: "killed", signal: 15 }), 1_200);
  assert.deepEqual(kinds(ended.effects), [
    "Child exited",
    "writeTerminationMessage",
    "exit",
    "armTimer",
  ]);
  // The event's status, not the child's (behaviour §9.4).
  assert.deepEqual(ofKind(ended.effects, "exit"), [
    { kind: "exit", exitStatus: 0, startupFailure: null },
  ]);
});

Deno.test("step() sends SIGTERM and is done when the child ends within the grace period", () => {
  const stopping = stoppedByEvent();
  assert.deepEqual(stopping.mainProcess, {
    phase: "running",
    pid: 42,
    sigkillAtMs: 1_000 + STOP_GRACE_MS,
  });
  const ended = step(stopping, exited(42, { kind: "killed", signal: 15 }), 1_500);
  assert.deepEqual(signals(ended.effects), []);
  assert.deepEqual(messages(ended.effects), ["Child exited SIGTERM"]);
  // Nothing is due any more: the one timer is cancelled.
  assert.deepEqual(ofKind(ended.effects, "armTimer"), [{ kind: "armTimer", at: null }]);
});

Deno.test("step() sends SIGKILL after the grace period to a child that ignores SIGTERM", () => {
  const stopping = stoppedByEvent();
  const early = tick(stopping, 1_000 + STOP_GRACE_MS - 1);
  assert.deepEqual(signals(early.effects), []);
  const killed = tick(early.state, 1_000 + STOP_GRACE_MS);
  assert.deepEqual(signals(killed.effects), ["SIGKILL"]);
  assert.deepEqual(messages(killed.effects), ["Stopping child SIGKILL"]);
  const ended = step(killed.state, exited(42, { kind: "killed", signal: 9 }), 2_050);
  assert.deepEqual(ofKind(ended.effects, "exit"), [
    { kind: "exit", exitStatus: 0, startupFailure: null },
  ]);
});

Deno.test("step() leaves a child that has already ended alone when the adapter stops", () => {
  const gone = step(wrapping(), exited(42, { kind: "exited", code: 0 }), 5);
  assert.deepEqual(signals(gone.effects), []);
  assert.deepEqual(step(gone.state, { kind: "signal", signal: "SIGTERM" }, 6).effects, []);
});

Deno.test("step() stops waiting for a child never reported to end, and exits anyway", () => {
  const killed = tick(stoppedByEvent(), 1_000 + STOP_GRACE_MS).state;
  const giveUpAt = 1_000 + STOP_GRACE_MS + REAP_WAIT_MS;
  assert.deepEqual(tick(killed, giveUpAt - 1).effects, [{ kind: "armTimer", at: giveUpAt }]);
  const { state, effects } = tick(killed, giveUpAt);
  assert.deepEqual(state.mainProcess, { phase: "lost", pid: 42 });
  assert.deepEqual(messages(effects), ["Child not reported as ended: exiting without it"]);
  assert.deepEqual(ofKind(effects, "exit"), [
    { kind: "exit", exitStatus: 0, startupFailure: null },
  ]);
});

Deno.test("step() forwards signals during shutdown while the child runs, and ignores them after", () => {
  const stopping = stoppedByEvent();
  assert.deepEqual(signals(step(stopping, { kind: "signal", signal: "SIGHUP" }, 1_100).effects), [
    "SIGHUP",
  ]);
});

Deno.test("step() stops a wrapper on an unexpected error: the child gets SIGTERM, exit 1", () => {
  const { state, effects } = step(wrapping(), { kind: "failed", error: "Boom" }, 5);
  assert.deepEqual(messages(effects).slice(0, 2), ["Unexpected error", "Shutting down"]);
  assert.deepEqual(signals(effects), ["SIGTERM"]);
  assert.deepEqual(state.ending?.exitStatus, 1);
  assert.deepEqual(state.ending?.reason, "unexpected error: Boom");
});

Deno.test("step() logs an unexpected error in the sidecar and keeps running (behaviour §7.2)", () => {
  const state = step(initialState(parseConfig({}).config), START, 0).state;
  const { state: after, effects } = step(state, { kind: "failed", error: "Boom" }, 5);
  assert.equal(after.phase, "running");
  assert.deepEqual(effects, [
    { kind: "log", level: "error", message: "Unexpected error", fields: { error: "Boom" } },
  ]);
});

Deno.test("step() in the sidecar honours a SIGTERM that came before it was healthy", () => {
  const early = step(
    initialState(parseConfig({}).config),
    { kind: "signal", signal: "SIGTERM" },
    0,
  );
  assert.deepEqual(early.effects, []);
  const started = step(early.state, START, 1);
  assert.equal(started.state.phase, "exiting");
  assert.equal(started.state.ending?.reason, "SIGTERM");
});
