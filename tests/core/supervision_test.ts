import assert from "node:assert/strict";
import type { Effect } from "../../lib/core/effects.ts";
import { type AdapterState, type Input, step } from "../../lib/core/reducer.ts";
import { running, send, wrapping } from "../helpers/reducer_fixtures.ts";

/** A healthy wrapper at time 0 whose child (pid 42) has sent READY=1 at 1 s. */
function wrapped(env: Record<string, string> = {}): AdapterState {
  const defaults = { ADAPTER_UNIT_WATCHDOG_SEC: "2", ADAPTER_UNIT_TIMEOUT_START_SEC: "0" };
  return send(wrapping({ ...defaults, ...env }, 0), "READY=1", 1_000).state;
}

const signals = (effects: readonly Effect[]) =>
  effects.flatMap((effect) => effect.kind === "signalChild" ? [effect.signal] : []);
const timers = (effects: readonly Effect[]) =>
  effects.flatMap((effect) => effect.kind === "armTimer" ? [effect.at] : []);
const tick: Input = { kind: "tick" };
const sigkillAt = (state: AdapterState) =>
  state.mainProcess?.phase === "running" ? state.mainProcess.sigkillAtMs : null;

Deno.test("step() sends the child SIGABRT at the watchdog timeout, then SIGKILL after the abort timeout", () => {
  const ready = wrapped({ ADAPTER_TIMEOUT_ABORT_SEC: "5s" });
  const expired = step(ready, tick, 3_000);
  assert.deepEqual(signals(expired.effects), ["SIGABRT"]);
  assert.deepEqual(expired.state.abort, {
    signal: "SIGABRT",
    cause: { event: "watchdog_timeout", atMs: 3_000, timeoutMs: 2_000 },
  });
  assert.equal(sigkillAt(expired.state), 8_000);
  assert.deepEqual(timers(expired.effects), [8_000]);
  assert.equal(expired.state.livez, false);
  // A ping while it aborts neither sends the signal again nor moves the kill.
  const pinged = send(expired.state, "WATCHDOG=1", 4_000);
  assert.deepEqual(signals(pinged.effects), []);
  assert.deepEqual(signals(step(pinged.state, tick, 7_999).effects), []);
  const killed = step(pinged.state, tick, 8_000);
  assert.deepEqual(signals(killed.effects), ["SIGKILL"]);
  assert.equal(sigkillAt(killed.state), null);
  assert.deepEqual(signals(step(killed.state, tick, 9_000).effects), []);
});

Deno.test("step() treats WATCHDOG=trigger as a watchdog timeout in wrapper mode", () => {
  const { state, effects } = send(wrapped(), "WATCHDOG=trigger", 1_500);
  assert.deepEqual(signals(effects), ["SIGABRT"]);
  assert.deepEqual(state.abort?.cause, { event: "watchdog_trigger", atMs: 1_500, timeoutMs: 0 });
  assert.equal(sigkillAt(state), 91_500);
});

Deno.test("step() sends the configured signal; never SIGKILL with an infinite abort timeout", () => {
  const ready = wrapped({
    ADAPTER_WATCHDOG_SIGNAL: "SIGQUIT",
    ADAPTER_TIMEOUT_ABORT_SEC: "infinity",
  });
  const expired = step(ready, tick, 3_000);
  assert.deepEqual(signals(expired.effects), ["SIGQUIT"]);
  assert.equal(sigkillAt(expired.state), null);
  assert.deepEqual(timers(expired.effects), [null]);
});

Deno.test("step() kills at once after the signal with an abort timeout of 0, as systemd", () => {
  const expired = step(wrapped({ ADAPTER_TIMEOUT_ABORT_SEC: "0" }), tick, 3_000);
  assert.deepEqual(signals(expired.effects), ["SIGABRT"]);
  assert.deepEqual(timers(expired.effects), [3_000]);
  assert.deepEqual(signals(step(expired.state, tick, 3_000).effects), ["SIGKILL"]);
});

Deno.test("step() lets EXTEND_TIMEOUT_USEC move the abort timer, never earlier", () => {
  const expired = step(wrapped({ ADAPTER_TIMEOUT_ABORT_SEC: "5s" }), tick, 3_000).state;
  assert.equal(sigkillAt(send(expired, "EXTEND_TIMEOUT_USEC=10000000", 4_000).state), 14_000);
  assert.equal(sigkillAt(send(expired, "EXTEND_TIMEOUT_USEC=1000000", 4_000).state), 8_000);
});

Deno.test("step() leaves the child alone with ADAPTER_WATCHDOG_SIGNAL=none; livez still turns false", () => {
  const expired = step(wrapped({ ADAPTER_WATCHDOG_SIGNAL: "none" }), tick, 3_000);
  assert.deepEqual(signals(expired.effects), []);
  assert.equal(expired.state.abort, null);
  assert.equal(expired.state.livez, false);
});

Deno.test("step() sends no signal in the sidecar, which has no child", () => {
  const ready = send(running({ ADAPTER_UNIT_WATCHDOG_SEC: "2" }, 0), "READY=1", 1_000).state;
  const expired = step(ready, tick, 3_000);
  assert.deepEqual(signals(expired.effects), []);
  assert.equal(expired.state.abort, null);
});

Deno.test("step() sends no watchdog signal for a start timeout", () => {
  const expired = step(wrapping({ ADAPTER_UNIT_TIMEOUT_START_SEC: "1" }, 0), tick, 1_000);
  assert.deepEqual(signals(expired.effects), []);
  assert.equal(expired.state.lastFailure?.event, "start_timeout");
});

Deno.test("step() records how the child ended and cancels the pending SIGKILL", () => {
  const expired = step(wrapped(), tick, 3_000).state;
  const gone = step(
    expired,
    { kind: "exited", pid: 42, end: { kind: "killed", signal: 6 } },
    3_100,
  );
  assert.deepEqual(gone.state.mainProcess, {
    phase: "ended",
    pid: 42,
    end: { kind: "killed", signal: 6 },
  });
  // The abort stays on record for the termination message; no SIGKILL is due any more.
  assert.equal(sigkillAt(gone.state), null);
  assert.equal(gone.state.abort?.signal, "SIGABRT");
  assert.equal(gone.state.ending?.reason, "child killed by SIGABRT");
  assert.equal(gone.state.ending?.exitStatus, 134);
  assert.deepEqual(timers(gone.effects), [null]);
});
