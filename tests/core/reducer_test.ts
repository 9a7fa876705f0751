import assert from "node:assert/strict";
import { parseConfig } from "../../lib/core/config.ts";
import { countsOf } from "../../lib/core/counters.ts";
import { initialState, nextDeadline, step } from "../../lib/core/reducer.ts";
import {
  events,
  ofKind,
  probes,
  running,
  send,
  shutdownsBegun,
  START,
  tick,
  wrapping,
} from "../helpers/reducer_fixtures.ts";

Deno.test("step() makes the adapter healthy on start and arms the start timer (behaviour §3, §4)", () => {
  const before = initialState(parseConfig({}).config);
  assert.deepEqual(probes(before), { healthz: false, livez: false, readyz: false });
  const { state, effects } = step(before, START, 1_000);
  assert.deepEqual(probes(state), { healthz: true, livez: false, readyz: false });
  assert.equal(state.startDeadlineMs, 91_000);
  assert.equal(state.phase, "running");
  assert.deepEqual(effects, [
    {
      kind: "log",
      level: "info",
      message: "Adapter ready",
      fields: { socket: "@test", address: "[::]:8089" },
    },
    {
      kind: "log",
      level: "info",
      message: "Probe state changed",
      fields: { probe: "healthz", from: false, to: true },
    },
    {
      kind: "log",
      level: "info",
      message: "Timer armed",
      fields: { timer: "start", timeoutMs: 90_000 },
    },
    { kind: "armTimer", at: 91_000 },
  ]);
});

Deno.test("step() starts livez and readyz at their ADAPTER_INITIAL_* values", () => {
  const state = running({ ADAPTER_INITIAL_LIVEZ: "true", ADAPTER_INITIAL_READYZ: "yes" });
  assert.deepEqual(probes(state), { healthz: true, livez: true, readyz: true });
});

Deno.test("step() ignores datagrams and ticks before the adapter is healthy", () => {
  const before = initialState(parseConfig({}).config);
  assert.deepEqual(send(before, "READY=1", 5), { state: before, effects: [] });
  assert.deepEqual(tick(before, 5), { state: before, effects: [] });
});

Deno.test("step() echoes accepted lines in arrival order, only when ADAPTER_ECHO is on", () => {
  const { effects } = send(running(), "X_B=2\nFOO=1\nREADY=1\nSTATUS=up", 2_000);
  assert.deepEqual(ofKind(effects, "echo"), [{
    kind: "echo",
    lines: ["X_B=2", "READY=1", "STATUS=up"],
  }]);
  const quiet = send(running({ ADAPTER_ECHO: "false" }), "READY=1", 2_000);
  assert.deepEqual(ofKind(quiet.effects, "echo"), []);
});

Deno.test("step() logs each rejected input with its reason and excerpt, and echoes nothing of it", () => {
  const { effects } = send(running(), "READY=0\nFOO=bar", 2_000);
  assert.deepEqual(effects, [
    {
      kind: "log",
      level: "warning",
      message: "Input rejected",
      fields: { reason: "invalid_value", excerpt: "READY=0" },
    },
    {
      kind: "log",
      level: "warning",
      message: "Input rejected",
      fields: { reason: "unknown_key", excerpt: "FOO=bar" },
    },
  ]);
});

Deno.test("step() sends each event of the table of behaviour §2 with the default reactions", () => {
  const cases: [string, string[], { livez: boolean; readyz: boolean }][] = [
    ["READY=1", ["ready"], { livez: true, readyz: true }],
    ["RELOADING=1", ["reloading"], { livez: true, readyz: false }],
    ["STOPPING=1", ["stopping"], { livez: true, readyz: false }],
    ["ERRNO=5", ["errno"], { livez: false, readyz: false }],
    ["BUSERROR=org.example.Error", ["buserror"], { livez: false, readyz: false }],
    ["WATCHDOG=1", ["watchdog"], { livez: true, readyz: true }],
    ["WATCHDOG=trigger", ["watchdog_trigger"], { livez: false, readyz: false }],
  ];
  for (const [line, expectedEvents, expected] of cases) {
    const live = running({ ADAPTER_INITIAL_LIVEZ: "true", ADAPTER_INITIAL_READYZ: "true" });
    const { state, effects } = send(live, line, 2_000);
    assert.deepEqual(events(effects), expectedEvents, line);
    assert.deepEqual({ livez: state.livez, readyz: state.readyz }, expected, line);
    assert.deepEqual(state.lastEvent, { name: expectedEvents[0], atMs: 2_000 }, line);
  }
});

Deno.test("step() sends no event for assignments that are only recorded", () => {
  const lines =
    "STATUS=ok\nMAINPID=42\nEXIT_STATUS=3\nBUSERROR=\nX_A=1\nMONOTONIC_USEC=5\nBARRIER=1";
  for (const line of lines.split("\n")) {
    const { state, effects } = send(running(), line, 2_000);
    assert.deepEqual(events(effects), [], line);
    assert.equal(state.lastEvent, null, line);
  }
});

Deno.test("step() records STATUS, MAINPID, EXIT_STATUS, ERRNO and BUSERROR for /status", () => {
  let state =
    send(running(), "STATUS=serving\nMAINPID=42\nEXIT_STATUS=3\nERRNO=EIO\nBUSERROR=org.x.E", 2_000)
      .state;
  assert.equal(state.statusText, "serving");
  assert.equal(state.mainPid, 42);
  assert.equal(state.exitStatus, 3);
  assert.equal(state.errno, 5);
  assert.equal(state.busError, "org.x.E");
  state = send(state, "STATUS=\nBUSERROR=", 3_000).state;
  assert.equal(state.statusText, null);
  assert.equal(state.busError, null);
});

Deno.test("step() lets false beat true within one datagram (behaviour §3)", () => {
  const { state, effects } = send(running(), "READY=1\nERRNO=5", 2_000);
  assert.deepEqual(events(effects), ["ready", "errno"]);
  assert.deepEqual(probes(state), { healthz: true, livez: false, readyz: false });
  const reverse = send(running(), "ERRNO=5\nREADY=1", 2_000).state;
  assert.deepEqual(probes(reverse), { healthz: true, livez: false, readyz: false });
});

Deno.test("step() applies configured reaction lists and keeps values no list mentions", () => {
  const env = {
    ADAPTER_STATUS_LIVEZ_TRUE: "reloading",
    ADAPTER_STATUS_LIVEZ_FALSE: "",
    ADAPTER_STATUS_READYZ_TRUE: "watchdog",
    ADAPTER_STATUS_READYZ_FALSE: "ready",
  };
  let state = send(running(env), "RELOADING=1", 2_000).state;
  assert.deepEqual(probes(state), { healthz: true, livez: true, readyz: false });
  state = send(state, "WATCHDOG=1", 3_000).state;
  assert.deepEqual(probes(state), { healthz: true, livez: true, readyz: true });
  state = send(state, "ERRNO=5\nREADY=1", 4_000).state;
  assert.deepEqual(probes(state), { healthz: true, livez: true, readyz: false });
});

Deno.test("step() logs each probe change with its old and new value", () => {
  const { effects } = send(running(), "READY=1", 2_000);
  const changes = ofKind(effects, "log").filter((log) => log.message === "Probe state changed");
  assert.deepEqual(changes.map((log) => log.fields), [
    { probe: "livez", from: false, to: true },
    { probe: "readyz", from: false, to: true },
  ]);
  const again = send(send(running(), "READY=1", 2_000).state, "READY=1", 3_000);
  assert.equal(
    ofKind(again.effects, "log").filter((l) => l.message === "Probe state changed").length,
    0,
  );
});

Deno.test("step() logs failure events as warnings and others as info", () => {
  const { effects } = send(running(), "READY=1\nERRNO=5", 2_000);
  const eventLogs = ofKind(effects, "log").filter((log) => log.message === "Event");
  assert.deepEqual(eventLogs.map((log) => [log.fields.event, log.level]), [
    ["ready", "info"],
    ["errno", "warning"],
  ]);
});

Deno.test("step() shuts down after a shutdown event with exit 0 or 1 (behaviour §3)", () => {
  const env = { ADAPTER_STATUS_SHUTDOWN: "stopping,errno" };
  const clean = send(running(env), "STOPPING=1", 2_000);
  assert.deepEqual(probes(clean.state), { healthz: false, livez: false, readyz: false });
  assert.equal(clean.state.phase, "exiting");
  assert.deepEqual(shutdownsBegun(clean), [
    { exitStatus: 0, reason: "event stopping" },
  ]);
  const failed = send(running(env), "STOPPING=1\nERRNO=5", 2_000);
  assert.deepEqual(shutdownsBegun(failed), [
    { exitStatus: 1, reason: "event errno,stopping" },
  ]);
  const notListed = send(running(env), "READY=1", 2_000);
  assert.deepEqual(shutdownsBegun(notListed), []);
});

Deno.test("step() applies the state change before shutting down on an event", () => {
  const env = { ADAPTER_STATUS_SHUTDOWN: "ready", ADAPTER_STATUS_READYZ_TRUE: "ready" };
  const { state, effects } = send(running(env), "READY=1", 2_000);
  assert.equal(state.readyz, true);
  assert.equal(state.healthz, false);
  const kinds = effects.map((effect) => effect.kind === "log" ? effect.message : effect.kind);
  assert.ok(kinds.indexOf("Probe state changed") < kinds.indexOf("shutdown"));
});

Deno.test("step() stops on SIGTERM: healthz false, timers cleared, exit 0 (behaviour §7)", () => {
  const state = send(running({ ADAPTER_UNIT_WATCHDOG_SEC: "1" }), "READY=1", 2_000).state;
  const { state: stopped, effects } = step(state, { kind: "signal", signal: "SIGTERM" }, 3_000);
  assert.equal(stopped.healthz, false);
  // The sidecar waits for nothing: it exits in the same step.
  assert.equal(stopped.phase, "exiting");
  assert.equal(nextDeadline(stopped), null);
  assert.deepEqual(effects, [
    {
      kind: "log",
      level: "info",
      message: "Shutting down",
      fields: { reason: "SIGTERM", exitStatus: 0 },
    },
    {
      kind: "log",
      level: "info",
      message: "Probe state changed",
      fields: { probe: "healthz", from: true, to: false },
    },
    { kind: "shutdown" },
    { kind: "exit", exitStatus: 0, startupFailure: null },
    { kind: "armTimer", at: null },
  ]);
  assert.deepEqual(step(stopped, { kind: "signal", signal: "SIGINT" }, 3_001), {
    state: stopped,
    effects: [],
  });
  assert.deepEqual(send(stopped, "READY=1", 3_002), { state: stopped, effects: [] });
});

Deno.test("step() turns livez and readyz false and exits with the child's status (behaviour §9)", () => {
  const state = send(wrapping(), "READY=1", 2_000).state;
  const { state: gone, effects } = step(state, {
    kind: "exited",
    pid: 42,
    end: { kind: "killed", signal: 15 },
  }, 3_000);
  assert.deepEqual(probes(gone), { healthz: false, livez: false, readyz: false });
  assert.deepEqual(gone.ending?.reason, "child killed by SIGTERM");
  assert.deepEqual(ofKind(effects, "exit"), [
    { kind: "exit", exitStatus: 143, startupFailure: null },
  ]);
});

// ---- Timers (behaviour §4) ----

Deno.test("step() fires start_timeout once when no READY=1 arrives by the deadline", () => {
  const state = running({ ADAPTER_UNIT_TIMEOUT_START_SEC: "10" }, 1_000);
  assert.equal(state.startDeadlineMs, 11_000);
  const early = tick(state, 10_999);
  assert.deepEqual(events(early.effects), []);
  assert.deepEqual(ofKind(early.effects, "armTimer"), [{ kind: "armTimer", at: 11_000 }]);
  const { state: expired, effects } = tick(state, 11_000);
  assert.deepEqual(events(effects), ["start_timeout"]);
  assert.equal(expired.startDeadlineMs, null);
  assert.deepEqual(probes(expired), { healthz: true, livez: false, readyz: false });
  assert.deepEqual(ofKind(effects, "armTimer"), [{ kind: "armTimer", at: null }]);
  assert.deepEqual(events(tick(expired, 50_000).effects), []);
});

Deno.test("step() stops the start timer at the first READY=1, whatever readyz says", () => {
  const env = { ADAPTER_UNIT_TIMEOUT_START_SEC: "10", ADAPTER_STATUS_READYZ_TRUE: "" };
  const { state, effects } = send(running(env, 1_000), "READY=1", 5_000);
  assert.equal(state.readyz, false);
  assert.equal(state.startDeadlineMs, null);
  assert.deepEqual(ofKind(effects, "armTimer"), [{ kind: "armTimer", at: null }]);
  assert.deepEqual(events(tick(state, 20_000).effects), []);
});

Deno.test("step() ignores a start timer set to 0 or infinity", () => {
  for (const value of ["0", "infinity"]) {
    const state = running({ ADAPTER_UNIT_TIMEOUT_START_SEC: value });
    assert.equal(state.startDeadlineMs, null, value);
  }
});

Deno.test("step() arms the watchdog at the first READY=1 and re-arms it on each ping", () => {
  let state = running({ ADAPTER_UNIT_WATCHDOG_SEC: "2", ADAPTER_UNIT_TIMEOUT_START_SEC: "0" }, 0);
  assert.equal(state.watchdogDeadlineMs, null);
  let result = send(state, "READY=1", 1_000);
  state = result.state;
  assert.equal(state.watchdogDeadlineMs, 3_000);
  assert.deepEqual(ofKind(result.effects, "armTimer"), [{ kind: "armTimer", at: 3_000 }]);
  result = send(state, "WATCHDOG=1", 2_500);
  state = result.state;
  assert.equal(state.watchdogDeadlineMs, 4_500);
  assert.deepEqual(ofKind(result.effects, "armTimer"), [{ kind: "armTimer", at: 4_500 }]);
  assert.deepEqual(events(tick(state, 4_499).effects), []);
  // A second READY=1 (after a reload) leaves the watchdog alone.
  assert.equal(send(state, "READY=1", 3_000).state.watchdogDeadlineMs, 4_500);
});

Deno.test("step() lets a ping arm the watchdog before READY=1", () => {
  const state = running({ ADAPTER_UNIT_WATCHDOG_SEC: "2" }, 0);
  assert.equal(send(state, "WATCHDOG=1", 500).state.watchdogDeadlineMs, 2_500);
  const ready = send(send(state, "WATCHDOG=1", 500).state, "READY=1", 1_000).state;
  assert.equal(ready.watchdogDeadlineMs, 3_000);
});

Deno.test("step() fires watchdog_timeout once; only the next ping re-arms it", () => {
  const env = { ADAPTER_UNIT_WATCHDOG_SEC: "2", ADAPTER_UNIT_TIMEOUT_START_SEC: "0" };
  const ready = send(running(env, 0), "READY=1", 1_000).state;
  const { state, effects } = tick(ready, 3_000);
  assert.deepEqual(events(effects), ["watchdog_timeout"]);
  assert.deepEqual(probes(state), { healthz: true, livez: false, readyz: false });
  assert.equal(state.watchdogDeadlineMs, null);
  assert.deepEqual(events(tick(state, 10_000).effects), []);
  const revived = send(state, "WATCHDOG=1", 11_000).state;
  assert.equal(revived.watchdogDeadlineMs, 13_000);
  assert.deepEqual(probes(revived), { healthz: true, livez: true, readyz: true });
});

Deno.test("step() applies timers expiring in the same instant together", () => {
  const env = {
    ADAPTER_UNIT_WATCHDOG_SEC: "2",
    ADAPTER_UNIT_TIMEOUT_START_SEC: "3",
    ADAPTER_STATUS_LIVEZ_FALSE: "start_timeout",
    ADAPTER_STATUS_LIVEZ_TRUE: "watchdog_timeout",
  };
  const pinged = send(running(env, 0), "WATCHDOG=1", 1_000).state;
  const { state, effects } = tick(pinged, 3_000);
  assert.deepEqual(events(effects), ["start_timeout", "watchdog_timeout"]);
  assert.equal(state.livez, false);
});

Deno.test("step() disarms the watchdog on STOPPING=1, even when the datagram also pings", () => {
  const env = { ADAPTER_UNIT_WATCHDOG_SEC: "2" };
  const ready = send(running(env, 0), "READY=1", 1_000).state;
  assert.equal(send(ready, "STOPPING=1", 1_500).state.watchdogDeadlineMs, null);
  const both = send(ready, "WATCHDOG=1\nSTOPPING=1", 1_500);
  assert.equal(both.state.watchdogDeadlineMs, null);
  assert.deepEqual(events(both.effects), ["watchdog", "stopping"]);
  assert.equal(send(both.state, "WATCHDOG=1", 2_000).state.watchdogDeadlineMs, 4_000);
});

Deno.test("step() disarms the watchdog on WATCHDOG=trigger until the next ping", () => {
  const ready = send(running({ ADAPTER_UNIT_WATCHDOG_SEC: "2" }, 0), "READY=1", 1_000).state;
  const { state, effects } = send(ready, "WATCHDOG=trigger", 1_500);
  assert.equal(state.watchdogDeadlineMs, null);
  assert.deepEqual(events(effects), ["watchdog_trigger"]);
  assert.deepEqual(events(tick(state, 5_000).effects), []);
  assert.equal(send(state, "WATCHDOG=1", 6_000).state.watchdogDeadlineMs, 8_000);
});

Deno.test("step() takes WATCHDOG_USEC as the new timeout and re-arms from now", () => {
  const ready = send(running({ ADAPTER_UNIT_WATCHDOG_SEC: "2" }, 0), "READY=1", 1_000).state;
  let result = send(ready, "WATCHDOG_USEC=5000000", 1_500);
  assert.equal(result.state.watchdogTimeoutMs, 5_000);
  assert.equal(result.state.watchdogDeadlineMs, 6_500);
  assert.deepEqual(events(result.effects), []);
  result = send(result.state, "WATCHDOG=1", 2_000);
  assert.equal(result.state.watchdogDeadlineMs, 7_000);
  result = send(result.state, "WATCHDOG_USEC=0", 2_500);
  assert.equal(result.state.watchdogTimeoutMs, 0);
  assert.equal(result.state.watchdogDeadlineMs, null);
  assert.equal(send(result.state, "WATCHDOG=1", 3_000).state.watchdogDeadlineMs, null);
});

Deno.test("step() enables a watchdog by WATCHDOG_USEC when none is configured", () => {
  const state = send(running({}, 0), "WATCHDOG_USEC=1500000", 1_000).state;
  assert.equal(state.watchdogDeadlineMs, 2_500);
  assert.equal(
    send(running({}, 0), "WATCHDOG_USEC=18446744073709551615", 1_000).state.watchdogDeadlineMs,
    null,
  );
});

Deno.test("step() ignores WATCHDOG_USEC when ADAPTER_ALLOW_MESSAGE_WATCHDOG_USEC is false", () => {
  const env = { ADAPTER_UNIT_WATCHDOG_SEC: "2", ADAPTER_ALLOW_MESSAGE_WATCHDOG_USEC: "false" };
  const ready = send(running(env, 0), "READY=1", 1_000).state;
  const { state, effects } = send(ready, "WATCHDOG_USEC=5000000", 1_500);
  assert.equal(state.watchdogTimeoutMs, 2_000);
  assert.equal(state.watchdogDeadlineMs, 3_000);
  assert.deepEqual(ofKind(effects, "echo"), [{ kind: "echo", lines: ["WATCHDOG_USEC=5000000"] }]);
  assert.deepEqual(ofKind(effects, "log").map((log) => log.fields), [
    { key: "WATCHDOG_USEC", variable: "ADAPTER_ALLOW_MESSAGE_WATCHDOG_USEC" },
  ]);
});

Deno.test("step() extends armed deadlines to max(deadline, now + n), never earlier", () => {
  const env = { ADAPTER_UNIT_WATCHDOG_SEC: "2", ADAPTER_UNIT_TIMEOUT_START_SEC: "10" };
  const pinged = send(running(env, 0), "WATCHDOG=1", 1_000).state;
  assert.equal(pinged.startDeadlineMs, 10_000);
  assert.equal(pinged.watchdogDeadlineMs, 3_000);
  let state = send(pinged, "EXTEND_TIMEOUT_USEC=5000000", 2_000).state;
  assert.equal(state.startDeadlineMs, 10_000);
  assert.equal(state.watchdogDeadlineMs, 7_000);
  state = send(state, "EXTEND_TIMEOUT_USEC=20000000", 2_000).state;
  assert.equal(state.startDeadlineMs, 22_000);
  assert.equal(state.watchdogDeadlineMs, 22_000);
  // Not additive: the same extension again changes nothing.
  assert.equal(send(state, "EXTEND_TIMEOUT_USEC=20000000", 2_000).state.startDeadlineMs, 22_000);
  const shorter = send(state, "EXTEND_TIMEOUT_USEC=1000", 2_000).state;
  assert.equal(shorter.startDeadlineMs, 22_000);
  assert.equal(shorter.watchdogDeadlineMs, 22_000);
});

Deno.test("step() ignores EXTEND_TIMEOUT_USEC of 0 or infinity, and disarmed timers", () => {
  const state = running({ ADAPTER_UNIT_TIMEOUT_START_SEC: "10" }, 0);
  for (const value of ["0", "18446744073709551615"]) {
    const { state: next, effects } = send(state, `EXTEND_TIMEOUT_USEC=${value}`, 1_000);
    assert.equal(next.startDeadlineMs, 10_000, value);
    assert.equal(next.watchdogDeadlineMs, null, value);
    assert.deepEqual(ofKind(effects, "log"), [], value);
  }
  const ready = send(state, "READY=1", 1_000).state;
  const extended = send(ready, "EXTEND_TIMEOUT_USEC=99000000", 2_000).state;
  assert.equal(extended.startDeadlineMs, null);
  assert.equal(extended.watchdogDeadlineMs, null);
});

Deno.test("step() ignores EXTEND_TIMEOUT_USEC when ADAPTER_ALLOW_MESSAGE_EXTEND_TIMEOUT_USEC is false", () => {
  const env = {
    ADAPTER_UNIT_TIMEOUT_START_SEC: "10",
    ADAPTER_ALLOW_MESSAGE_EXTEND_TIMEOUT_USEC: "0",
  };
  const { state, effects } = send(running(env, 0), "EXTEND_TIMEOUT_USEC=60000000", 1_000);
  assert.equal(state.startDeadlineMs, 10_000);
  assert.deepEqual(ofKind(effects, "echo"), [{
    kind: "echo",
    lines: ["EXTEND_TIMEOUT_USEC=60000000"],
  }]);
});

Deno.test("step() extends before it re-arms, as service_notify_message() orders them", () => {
  const env = { ADAPTER_UNIT_WATCHDOG_SEC: "2" };
  const pinged = send(running(env, 0), "WATCHDOG=1", 1_000).state;
  const { state } = send(pinged, "WATCHDOG=1\nEXTEND_TIMEOUT_USEC=10000000", 2_000);
  assert.equal(state.watchdogDeadlineMs, 4_000);
});

Deno.test("step() asks for the earliest deadline only when it changes", () => {
  const env = { ADAPTER_UNIT_WATCHDOG_SEC: "2", ADAPTER_UNIT_TIMEOUT_START_SEC: "1" };
  const state = running(env, 0);
  const { effects } = send(state, "STATUS=x", 100);
  assert.deepEqual(ofKind(effects, "armTimer"), []);
  const pinged = send(state, "WATCHDOG=1", 100);
  assert.deepEqual(ofKind(pinged.effects, "armTimer"), []);
  assert.equal(nextDeadline(pinged.state), 1_000);
});

Deno.test("step() counts datagrams, accepted lines by key, events and rejections", () => {
  let state = running();
  state = send(state, "READY=1\nX_A=1\nX_B=2", 10).state;
  state = send(state, "FOO=1\nERRNO=5\nERRNO=6", 20).state;
  state = send(state, "x".repeat(5000), 30).state;
  // A lone ping (the shortcut) and a ping with another line (the general path).
  state = send(state, "WATCHDOG=1", 40).state;
  state = send(state, "WATCHDOG=1\nSTATUS=x", 50).state;
  const counters = countsOf(state.counters);
  assert.equal(counters.datagrams, 5);
  assert.equal(counters.lines.WATCHDOG, 2);
  assert.equal(counters.lines.STATUS, 1);
  assert.equal(counters.events.watchdog, 2);
  assert.equal(counters.lines.READY, 1);
  assert.equal(counters.lines.ERRNO, 1);
  assert.equal(counters.lines["X_*"], 2);
  assert.equal(counters.events.ready, 1);
  assert.equal(counters.events.errno, 1);
  assert.equal(counters.rejected.unknown_key, 1);
  assert.equal(counters.rejected.duplicate_key, 1);
  assert.equal(counters.rejected.oversize, 1);
});

Deno.test("step() never changes healthz because of a message", () => {
  let state = running({ ADAPTER_UNIT_WATCHDOG_SEC: "1" });
  for (const text of ["READY=1", "STOPPING=1", "ERRNO=5", "WATCHDOG=trigger", "\0", "x=y"]) {
    state = send(state, text, 2_000).state;
    assert.equal(state.healthz, true, text);
  }
});

Deno.test("step() fires start_timeout without READY=1 even when readyz starts true (behaviour §4)", () => {
  const env = { ADAPTER_UNIT_TIMEOUT_START_SEC: "10", ADAPTER_INITIAL_READYZ: "true" };
  const { state, effects } = tick(running(env, 0), 10_000);
  assert.deepEqual(events(effects), ["start_timeout"]);
  assert.equal(state.readyz, false);
});

Deno.test("step() lets an invalid READY= neither stop the start timer nor arm the watchdog", () => {
  const env = { ADAPTER_UNIT_TIMEOUT_START_SEC: "10", ADAPTER_UNIT_WATCHDOG_SEC: "2" };
  const { state, effects } = send(running(env, 0), "READY=0", 1_000);
  assert.equal(state.startDeadlineMs, 10_000);
  assert.equal(state.watchdogDeadlineMs, null);
  assert.equal(state.readySeen, false);
  assert.deepEqual(events(effects), []);
});

Deno.test("step() re-arms an expired watchdog on a ping or a later READY=1 (behaviour §4)", () => {
  const env = { ADAPTER_UNIT_WATCHDOG_SEC: "2", ADAPTER_UNIT_TIMEOUT_START_SEC: "0" };
  const expired = tick(send(running(env, 0), "READY=1", 1_000).state, 3_000).state;
  assert.equal(expired.watchdogDeadlineMs, null);
  // A restarted service container's new instance: its READY=1 makes it judged again.
  const restarted = send(expired, "READY=1", 4_000);
  assert.equal(restarted.state.watchdogDeadlineMs, 6_000);
  assert.deepEqual(ofKind(restarted.effects, "armTimer"), [{ kind: "armTimer", at: 6_000 }]);
  assert.deepEqual(probes(restarted.state), { healthz: true, livez: true, readyz: true });
  assert.deepEqual(events(tick(restarted.state, 6_000).effects), ["watchdog_timeout"]);
  assert.equal(send(expired, "WATCHDOG=1", 4_000).state.watchdogDeadlineMs, 6_000);
});

Deno.test("step() re-arms the watchdog on READY=1 after STOPPING=1 or a trigger", () => {
  const env = { ADAPTER_UNIT_WATCHDOG_SEC: "2", ADAPTER_UNIT_TIMEOUT_START_SEC: "0" };
  const ready = send(running(env, 0), "READY=1", 1_000).state;
  for (const disarm of ["STOPPING=1", "WATCHDOG=trigger"]) {
    const disarmed = send(ready, disarm, 1_500).state;
    assert.equal(disarmed.watchdogDeadlineMs, null, disarm);
    assert.equal(send(disarmed, "READY=1", 1_800).state.watchdogDeadlineMs, 3_800, disarm);
  }
});

Deno.test("step() arms the watchdog with a WATCHDOG_USEC= that came before READY=1", () => {
  const state = send(running({}, 0), "WATCHDOG_USEC=3000000", 500).state;
  assert.equal(state.watchdogDeadlineMs, 3_500);
  assert.equal(send(state, "READY=1", 1_000).state.watchdogDeadlineMs, 4_000);
});

Deno.test("step() shuts down on each event in ADAPTER_STATUS_SHUTDOWN with its exit status", () => {
  const triggers: [string, string, number][] = [
    ["ready", "READY=1", 0],
    ["reloading", "RELOADING=1", 0],
    ["stopping", "STOPPING=1", 0],
    ["errno", "ERRNO=5", 1],
    ["buserror", "BUSERROR=org.x.E", 1],
    ["watchdog", "WATCHDOG=1", 0],
    ["watchdog_trigger", "WATCHDOG=trigger", 1],
  ];
  for (const [event, line, exitStatus] of triggers) {
    const stepped = send(running({ ADAPTER_STATUS_SHUTDOWN: event }), line, 2_000);
    assert.deepEqual(shutdownsBegun(stepped), [{ exitStatus, reason: `event ${event}` }], event);
    assert.equal(stepped.state.healthz, false, event);
  }
  const timers: [string, Record<string, string>][] = [
    ["start_timeout", { ADAPTER_UNIT_TIMEOUT_START_SEC: "1" }],
    ["watchdog_timeout", { ADAPTER_UNIT_WATCHDOG_SEC: "1", ADAPTER_UNIT_TIMEOUT_START_SEC: "0" }],
  ];
  for (const [event, env] of timers) {
    let state = running({ ...env, ADAPTER_STATUS_SHUTDOWN: event }, 0);
    state = send(state, "WATCHDOG=1", 0).state;
    assert.deepEqual(shutdownsBegun(tick(state, 1_000)), [
      { exitStatus: 1, reason: `event ${event}` },
    ], event);
  }
});

Deno.test("step() leaves probes and timers alone for an unknown key or a line without =", () => {
  const env = { ADAPTER_UNIT_TIMEOUT_START_SEC: "10" };
  const before = running(env, 0);
  const { state, effects } = send(before, "FOO=1\nREADY\nready=1", 1_000);
  assert.deepEqual(probes(state), probes(before));
  assert.equal(state.startDeadlineMs, 10_000);
  assert.deepEqual(ofKind(effects, "echo"), []);
  assert.deepEqual(events(effects), []);
});

Deno.test("step() ignores a datagram of BARRIER=1 with other lines entirely", () => {
  const before = running();
  const { state, effects } = send(before, "READY=1\nBARRIER=1", 1_000);
  assert.deepEqual(probes(state), probes(before));
  assert.equal(state.readySeen, false);
  assert.deepEqual(ofKind(effects, "echo"), []);
  assert.deepEqual(ofKind(effects, "log").map((log) => log.fields.reason), [
    "barrier_with_other_lines",
  ]);
});

Deno.test("step() echoes a line with control characters or bidi overrides escaped (behaviour §6.1)", () => {
  const { effects } = send(running(), "STATUS=\x1b[2J\x85\u202eup\tok\nX_A=\u2028", 2_000);
  assert.deepEqual(ofKind(effects, "echo"), [{
    kind: "echo",
    lines: ["STATUS=\\x1b[2J\\x85\\u202eup\tok", "X_A=\\u2028"],
  }]);
});
