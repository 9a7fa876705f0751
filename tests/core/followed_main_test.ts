// Following a main process the adapter did not start (behaviour §11), driven through the one
// reducer with explicit times: learning it from MAINPID= and the PID file, what its end does,
// what is refused and how it is logged, and wrapper mode's forking service.
import assert from "node:assert/strict";
import { countsOf } from "../../lib/core/counters.ts";
import type { Effect } from "../../lib/core/effects.ts";
import { followedMainProcess } from "../../lib/core/main_process.ts";
import { type AdapterState, type Input, step } from "../../lib/core/reducer.ts";
import {
  events,
  ofKind,
  probes,
  running,
  send,
  shutdownsBegun,
  tick,
  wrapping,
} from "../helpers/reducer_fixtures.ts";

const SHARE_FIX = "share the Pod's PID namespace with the service: " +
  "shareProcessNamespace: true in the Pod spec";
const PID_FILE = "/run/service/service.pid";

const exited = (pid: number): Input => ({ kind: "mainExited", pid });
const unseen = (
  pid: number,
  reason: "absent" | "thread" | "ended" | "error",
  detail = "",
): Input => ({
  kind: "mainUnseen",
  pid,
  reason,
  detail,
});
const pidFile = (cause: "READY=1" | "change", text: string): Input => ({
  kind: "pidFile",
  cause,
  read: { text },
});
const pidFileProblem = (cause: "READY=1" | "change", problem: string): Input => ({
  kind: "pidFile",
  cause,
  read: { problem },
});

const watches = (effects: readonly Effect[]) =>
  effects.filter((effect) => effect.kind === "watchMain" || effect.kind === "unwatchMain");
const records = (effects: readonly Effect[], message: string) =>
  ofKind(effects, "log").filter((log) => log.message === message);

/** A sidecar (watchdog 10 s, start timeout 90 s) whose service said MAINPID=4242 and READY=1 at 2 s. */
function followingReadyService(env: Record<string, string> = {}): AdapterState {
  const state = running({ ADAPTER_UNIT_WATCHDOG_SEC: "10s", ...env }, 1_000);
  return send(state, "MAINPID=4242\nREADY=1", 2_000).state;
}

Deno.test("step() follows the process a MAINPID= names and asks the shell to watch it (behaviour §11.1)", () => {
  const { state, effects } = send(running(), "MAINPID=4242", 2_000);
  assert.deepEqual(state.learnedMain, { pid: 4242, origin: "MAINPID" });
  assert.deepEqual(followedMainProcess(state), { pid: 4242, origin: "MAINPID" });
  assert.equal(state.mainPid, 4242);
  assert.deepEqual(watches(effects), [{ kind: "watchMain", pid: 4242 }]);
  assert.deepEqual(records(effects, "Main process followed"), [{
    kind: "log",
    level: "info",
    message: "Main process followed",
    fields: { pid: 4242, origin: "MAINPID" },
  }]);
  // The same PID again changes nothing and asks for nothing.
  const again = send(state, "MAINPID=4242\nWATCHDOG=1", 3_000);
  assert.deepEqual(watches(again.effects), []);
  assert.deepEqual(records(again.effects, "Main process followed"), []);
  // Another PID moves the watch.
  const moved = send(state, "MAINPID=4243", 4_000);
  assert.deepEqual(moved.state.learnedMain, { pid: 4243, origin: "MAINPID" });
  assert.deepEqual(watches(moved.effects), [{ kind: "watchMain", pid: 4243 }]);
});

Deno.test("step() on the end of the main process: main_exited, probes false, a new start (behaviour §11.3)", () => {
  const ready = followingReadyService();
  assert.deepEqual(probes(ready), { healthz: true, livez: true, readyz: true });
  assert.equal(ready.watchdogDeadlineMs, 12_000);
  assert.equal(ready.startDeadlineMs, null);

  const ended = step(ready, exited(4242), 5_000);
  const { state } = ended;
  assert.deepEqual(events(ended.effects), ["main_exited"]);
  assert.deepEqual(probes(state), { healthz: true, livez: false, readyz: false });
  assert.equal(state.readySeen, false);
  assert.equal(state.startDeadlineMs, 95_000);
  assert.equal(state.watchdogDeadlineMs, null);
  assert.equal(state.learnedMain, null);
  assert.equal(followedMainProcess(state), null);
  assert.equal(countsOf(state.counters).events.main_exited, 1);
  assert.equal(state.lastEvent?.name, "main_exited");
  assert.deepEqual(
    ofKind(ended.effects, "log").map(({ level, message, fields }) => [level, message, fields]),
    [
      ["warning", "Main process exited", { pid: 4242, origin: "MAINPID" }],
      ["info", "Timer armed", { timer: "start", timeoutMs: 90_000 }],
      ["info", "Timer disarmed", { timer: "watchdog", cause: "main process exited" }],
      ["warning", "Event", { event: "main_exited" }],
      ["info", "Probe state changed", { probe: "livez", from: true, to: false }],
      ["info", "Probe state changed", { probe: "readyz", from: true, to: false }],
    ],
  );
  assert.deepEqual(ofKind(ended.effects, "armTimer"), [{ kind: "armTimer", at: 95_000 }]);
  assert.deepEqual(shutdownsBegun(ended), []);

  // The new instance's READY=1 completes its start: probes true, start timer stopped, watchdog
  // armed from then.
  const again = send(state, "MAINPID=5151\nREADY=1", 7_000).state;
  assert.deepEqual(probes(again), { healthz: true, livez: true, readyz: true });
  assert.equal(again.startDeadlineMs, null);
  assert.equal(again.watchdogDeadlineMs, 17_000);
  assert.deepEqual(again.learnedMain, { pid: 5151, origin: "MAINPID" });

  // Without READY=1, the start timer runs out as for the first start.
  const late = tick(state, 95_000);
  assert.deepEqual(events(late.effects), ["start_timeout"]);
  assert.equal(late.state.lastFailure?.event, "start_timeout");
});

Deno.test("step() after main_exited: a ping before READY=1 arms the watchdog, as systemd's service_reset_watchdog()", () => {
  const state = step(followingReadyService(), exited(4242), 5_000).state;
  const pinged = send(state, "WATCHDOG=1", 6_000).state;
  assert.equal(pinged.watchdogDeadlineMs, 16_000);
  assert.equal(pinged.readySeen, false);
  // And the READY=1 that completes the new start re-arms it from then.
  assert.equal(send(pinged, "READY=1", 8_000).state.watchdogDeadlineMs, 18_000);
});

Deno.test("step() after main_exited with the start timer off arms none (behaviour §4.2)", () => {
  for (const value of ["0", "infinity"]) {
    const ready = followingReadyService({ ADAPTER_UNIT_TIMEOUT_START_SEC: value });
    const ended = step(ready, exited(4242), 5_000);
    assert.equal(ended.state.startDeadlineMs, null, value);
    assert.deepEqual(records(ended.effects, "Timer armed"), [], value);
  }
});

Deno.test("step() counts each instance that ended, for /status and /metrics", () => {
  let state = followingReadyService();
  state = step(state, exited(4242), 5_000).state;
  state = send(state, "MAINPID=5151\nREADY=1", 6_000).state;
  state = step(state, exited(5151), 9_000).state;
  assert.equal(countsOf(state.counters).events.main_exited, 2);
});

Deno.test("step() ignores the end of a process it does not follow, and every end once stopping", () => {
  const ready = followingReadyService();
  const other = step(ready, exited(999), 5_000);
  assert.deepEqual(other.effects, []);
  assert.deepEqual(other.state, ready);
  const stopping = step(ready, { kind: "signal", signal: "SIGTERM" }, 5_000).state;
  assert.equal(stopping.phase, "exiting");
  assert.deepEqual(step(stopping, exited(4242), 5_100).effects, []);
});

Deno.test("step() follows ADAPTER_STATUS_* for main_exited like any event (behaviour §3.3, §3.4)", () => {
  const lists = {
    ADAPTER_STATUS_LIVEZ_FALSE: "watchdog_timeout",
    ADAPTER_STATUS_READYZ_FALSE: "main_exited",
  };
  const state = step(followingReadyService(lists), exited(4242), 5_000).state;
  assert.deepEqual(probes(state), { healthz: true, livez: true, readyz: false });

  const stopped = step(
    followingReadyService({ ADAPTER_STATUS_SHUTDOWN: "main_exited" }),
    exited(4242),
    5_000,
  );
  assert.deepEqual(shutdownsBegun(stopped), [{ exitStatus: 1, reason: "event main_exited" }]);
});

Deno.test("step() refuses PID 1 and its own PID with one warning each that says what to set (behaviour §11.5)", () => {
  const state = running();
  const one = send(state, "MAINPID=1", 2_000);
  assert.equal(one.state.learnedMain, null);
  assert.deepEqual(watches(one.effects), []);
  assert.deepEqual(records(one.effects, "Main process not followed"), [{
    kind: "log",
    level: "warning",
    message: "Main process not followed",
    fields: {
      pid: 1,
      origin: "MAINPID",
      reason: "PID 1 is the init of the adapter's PID namespace, not the service",
      fix: SHARE_FIX,
    },
  }]);
  // The same again (a MAINPID= with every ping): no record at all.
  const repeated = send(one.state, "MAINPID=1\nWATCHDOG=1", 3_000);
  assert.deepEqual(records(repeated.effects, "Main process not followed"), []);
  // The adapter's own PID (7 in the fixtures): a warning of its own.
  const itself = send(repeated.state, "MAINPID=7", 4_000);
  assert.deepEqual(records(itself.effects, "Main process not followed").map((r) => r.fields), [{
    pid: 7,
    origin: "MAINPID",
    reason: "PID 7 is the adapter itself",
    fix: SHARE_FIX,
  }]);
  assert.equal(records(itself.effects, "Main process not followed")[0].level, "warning");
});

Deno.test("step() forgets a process the shell cannot watch: a warning once, then info (behaviour §11.5)", () => {
  let state = send(running(), "MAINPID=4242", 2_000).state;
  const absent = step(state, unseen(4242, "absent"), 2_000);
  assert.equal(absent.state.learnedMain, null);
  assert.deepEqual(records(absent.effects, "Main process not followed"), [{
    kind: "log",
    level: "warning",
    message: "Main process not followed",
    fields: {
      pid: 4242,
      origin: "MAINPID",
      reason: "no process 4242 is in the adapter's PID namespace",
      fix: SHARE_FIX,
    },
  }]);
  // Probes and timers are today's: nothing else changed.
  assert.deepEqual(probes(absent.state), probes(state));
  state = absent.state;
  // A restarted service in its own namespace names another PID: the same reason, now info.
  state = send(state, "MAINPID=4243", 3_000).state;
  const second = step(state, unseen(4243, "absent"), 3_000);
  assert.deepEqual(
    records(second.effects, "Main process not followed").map(({ level }) => level),
    ["info"],
  );
  // A report for a process no longer followed changes nothing.
  assert.deepEqual(step(second.state, unseen(4243, "absent"), 3_100).effects, []);
  // Another reason is warned about once too; an ended process has no fix to offer.
  state = send(second.state, "MAINPID=4244", 4_000).state;
  const ended = step(state, unseen(4244, "ended"), 4_000);
  assert.deepEqual(records(ended.effects, "Main process not followed").map((r) => r.fields), [{
    pid: 4244,
    origin: "MAINPID",
    reason: "process 4244 had already ended",
  }]);
  state = send(ended.state, "MAINPID=12", 4_500).state;
  const thread = step(state, unseen(12, "thread"), 4_500);
  assert.deepEqual(records(thread.effects, "Main process not followed").map((r) => r.fields), [{
    pid: 12,
    origin: "MAINPID",
    reason: "12 is the ID of a thread, not of a process, in the adapter's PID namespace",
    fix: SHARE_FIX,
  }]);
  state = send(thread.state, "MAINPID=4245", 5_000).state;
  const error = step(state, unseen(4245, "error", "libc not loaded (nope)"), 5_000);
  assert.deepEqual(records(error.effects, "Main process not followed").map((r) => r.fields), [{
    pid: 4245,
    origin: "MAINPID",
    reason: "the adapter cannot watch it: libc not loaded (nope)",
  }]);
});

Deno.test("step() asks for the PID file after each READY=1, and follows the PID its first line names (behaviour §11.2)", () => {
  const state = running({ ADAPTER_UNIT_PID_FILE: PID_FILE });
  const ready = send(state, "READY=1", 2_000);
  assert.deepEqual(ofKind(ready.effects, "readPidFile"), [{ kind: "readPidFile" }]);
  const read = step(ready.state, pidFile("READY=1", "4242\n/var/lib/postgresql/data\n"), 2_000);
  assert.deepEqual(read.state.learnedMain, { pid: 4242, origin: "PID file" });
  assert.deepEqual(watches(read.effects), [{ kind: "watchMain", pid: 4242 }]);
  // Without a PID file configured, READY=1 asks for nothing.
  assert.deepEqual(ofKind(send(running(), "READY=1", 2_000).effects, "readPidFile"), []);
  // A PID file rewritten by a new instance: the new PID is followed.
  const rewritten = step(read.state, pidFile("change", " 5151 \r\n"), 3_000);
  assert.deepEqual(rewritten.state.learnedMain, { pid: 5151, origin: "PID file" });
  // Its end is the same main_exited.
  const ended = step(rewritten.state, exited(5151), 4_000);
  assert.deepEqual(events(ended.effects), ["main_exited"]);
  assert.deepEqual(records(ended.effects, "Main process exited").map((r) => r.fields), [{
    pid: 5151,
    origin: "PID file",
  }]);
});

Deno.test("step() warns once per problem with the PID file, naming the variable (behaviour §11.2)", () => {
  let state = send(running({ ADAPTER_UNIT_PID_FILE: PID_FILE }), "READY=1", 2_000).state;
  const warnings = (input: Input, at: number) => {
    const result = step(state, input, at);
    state = result.state;
    return records(result.effects, "PID file not used").map(({ level, fields }) => [
      level,
      fields,
    ]);
  };
  const warning = (reason: string) => [
    ["warning", { variable: "ADAPTER_UNIT_PID_FILE", path: PID_FILE, reason }],
  ];
  assert.deepEqual(
    warnings(pidFileProblem("READY=1", "is a symbolic link"), 2_000),
    warning(
      "is a symbolic link",
    ),
  );
  assert.deepEqual(warnings(pidFileProblem("change", "is a symbolic link"), 2_250), []);
  assert.deepEqual(
    warnings(pidFile("change", "redis\n"), 2_500),
    warning('its first line "redis" is not a PID'),
  );
  assert.deepEqual(warnings(pidFile("change", ""), 2_750), warning("is empty"));
  // A PID file that goes away when the service stops is no news; after READY=1 it is.
  assert.deepEqual(warnings(pidFileProblem("change", "does not exist"), 3_000), []);
  assert.deepEqual(
    warnings(pidFileProblem("READY=1", "does not exist"), 3_250),
    warning("does not exist"),
  );
  // Read well, then the same problem again: warned again.
  assert.deepEqual(warnings(pidFile("change", "4242\n"), 3_500), []);
  assert.deepEqual(state.learnedMain, { pid: 4242, origin: "PID file" });
  assert.deepEqual(
    warnings(pidFileProblem("READY=1", "does not exist"), 3_750),
    warning("does not exist"),
  );
  // The process it named is still followed: a missing file says nothing of it.
  assert.deepEqual(state.learnedMain, { pid: 4242, origin: "PID file" });
});

Deno.test("step() refuses PID 1 from the PID file with the variable named (behaviour §11.5)", () => {
  const state = send(running({ ADAPTER_UNIT_PID_FILE: PID_FILE }), "READY=1", 2_000).state;
  const read = step(state, pidFile("READY=1", "1\n"), 2_000);
  assert.equal(read.state.learnedMain, null);
  assert.deepEqual(records(read.effects, "Main process not followed").map((r) => r.fields), [{
    pid: 1,
    origin: "PID file",
    variable: "ADAPTER_UNIT_PID_FILE",
    reason: "PID 1 is the init of the adapter's PID namespace, not the service",
    fix: SHARE_FIX,
  }]);
});

Deno.test("step() applies MAINPID= before READY=1's PID file, and the last one heard wins", () => {
  const state = running({ ADAPTER_UNIT_PID_FILE: PID_FILE });
  const both = send(state, "READY=1\nMAINPID=4242", 2_000);
  assert.deepEqual(
    both.effects.filter((e) => e.kind === "watchMain" || e.kind === "readPidFile"),
    [{ kind: "watchMain", pid: 4242 }, { kind: "readPidFile" }],
  );
  const fromFile = step(both.state, pidFile("READY=1", "5151\n"), 2_000).state;
  assert.deepEqual(fromFile.learnedMain, { pid: 5151, origin: "PID file" });
});

Deno.test("step() in wrapper mode: the child is the main process; MAINPID= naming it changes nothing (behaviour §11.6)", () => {
  const state = wrapping({ ADAPTER_TERMINATION_MESSAGE_PATH: "" }, 0, 42);
  assert.deepEqual(followedMainProcess(state), { pid: 42, origin: "child" });
  const same = send(state, "MAINPID=42\nREADY=1", 1_000);
  assert.deepEqual(watches(same.effects), []);
  assert.equal(same.state.learnedMain, null);
});

Deno.test("step() in wrapper mode: a MAINPID= naming another process moves the watch; its end is main_exited, the child's end still stops the adapter (behaviour §11.6)", () => {
  const env = { ADAPTER_TERMINATION_MESSAGE_PATH: "", ADAPTER_UNIT_WATCHDOG_SEC: "10s" };
  let state = wrapping(env, 0, 42);
  const moved = send(state, "MAINPID=43\nREADY=1", 1_000);
  assert.deepEqual(watches(moved.effects), [{ kind: "watchMain", pid: 43 }]);
  assert.deepEqual(followedMainProcess(moved.state), { pid: 43, origin: "MAINPID" });
  state = moved.state;

  const forkedEnded = step(state, exited(43), 3_000);
  assert.deepEqual(events(forkedEnded.effects), ["main_exited"]);
  assert.deepEqual(probes(forkedEnded.state), { healthz: true, livez: false, readyz: false });
  assert.equal(forkedEnded.state.startDeadlineMs, 93_000);
  assert.equal(forkedEnded.state.watchdogDeadlineMs, null);
  assert.deepEqual(shutdownsBegun(forkedEnded), []);
  assert.deepEqual(forkedEnded.state.mainProcess, { phase: "running", pid: 42, sigkillAtMs: null });
  assert.deepEqual(followedMainProcess(forkedEnded.state), { pid: 42, origin: "child" });

  const childEnded = step(forkedEnded.state, {
    kind: "exited",
    pid: 42,
    end: { kind: "exited", code: 3 },
  }, 4_000);
  assert.deepEqual(shutdownsBegun(childEnded), [{
    exitStatus: 3,
    reason: "child exited with status 3",
  }]);
});

Deno.test("step() in wrapper mode: a MAINPID= naming the child again stops watching the other", () => {
  const state = send(wrapping({ ADAPTER_TERMINATION_MESSAGE_PATH: "" }, 0, 42), "MAINPID=43", 1_000)
    .state;
  const back = send(state, "MAINPID=42", 2_000);
  assert.deepEqual(watches(back.effects), [{ kind: "unwatchMain" }]);
  assert.equal(back.state.learnedMain, null);
  assert.deepEqual(records(back.effects, "Main process followed").map((r) => r.fields), [{
    pid: 42,
    origin: "child",
  }]);
  // The child's end is not a main_exited: it stops the adapter, as always (behaviour §9.4).
  assert.deepEqual(step(back.state, exited(42), 3_000).effects, []);
});
