import assert from "node:assert/strict";
import {
  EVENT_NAMES,
  isEventName,
  isFailureEvent,
  react,
  shutdownExitStatus,
} from "../../lib/core/events.ts";

Deno.test("EVENT_NAMES lists the ten events of behaviour §3 in order", () => {
  assert.deepEqual(EVENT_NAMES, [
    "ready",
    "reloading",
    "stopping",
    "errno",
    "buserror",
    "watchdog",
    "watchdog_trigger",
    "watchdog_timeout",
    "start_timeout",
    "main_exited",
  ]);
  assert.equal(isEventName("ready"), true);
  assert.equal(isEventName("toString"), false);
});

Deno.test("react() sets false if any event is in the false list, else true if any is in the true list", () => {
  const trueSet = new Set(["ready", "watchdog"] as const);
  const falseSet = new Set(["errno"] as const);
  assert.equal(react(false, ["ready"], trueSet, falseSet), true);
  assert.equal(react(true, ["errno"], trueSet, falseSet), false);
  assert.equal(react(true, ["ready", "errno"], trueSet, falseSet), false);
  assert.equal(react(true, ["errno", "ready"], trueSet, falseSet), false);
  assert.equal(react(true, ["reloading"], trueSet, falseSet), true);
  assert.equal(react(false, ["reloading"], trueSet, falseSet), false);
  assert.equal(react(false, [], trueSet, falseSet), false);
});

Deno.test("shutdownExitStatus() is 0 for orderly events and 1 if any is a failure", () => {
  for (const event of ["ready", "reloading", "stopping", "watchdog"] as const) {
    assert.equal(shutdownExitStatus([event]), 0, event);
    assert.equal(isFailureEvent(event), false);
  }
  for (
    const event of [
      "errno",
      "buserror",
      "watchdog_trigger",
      "watchdog_timeout",
      "start_timeout",
    ] as const
  ) {
    assert.equal(shutdownExitStatus([event]), 1, event);
    assert.equal(isFailureEvent(event), true);
  }
  assert.equal(shutdownExitStatus(["ready", "errno"]), 1);
});
