import assert from "node:assert/strict";
import type { ChildStatus } from "../../../lib/core/child_exit.ts";
import type { SignalName } from "../../../lib/core/signals.ts";
import {
  CHILD_STOP_GRACE_MS,
  type ChildHandle,
  stopChild,
} from "../../../lib/commands/wrapper/child_stop.ts";
import { createLogger } from "../../../lib/shell/logging.ts";
import { FakeClock } from "../../helpers/fake_clock.ts";

/** A child that records the signals it gets and ends when the test (or `endsOn`) says so. */
function fakeChild(endsOn: SignalName[] = []) {
  const signals: SignalName[] = [];
  let end: (status: ChildStatus) => void = () => {};
  let ended = false;
  const status = new Promise<ChildStatus>((resolve) => end = resolve).then((s) => {
    ended = true;
    return s;
  });
  const child: ChildHandle = {
    pid: 42,
    status,
    get ended() {
      return ended;
    },
    kill(signal) {
      if (ended) return false;
      signals.push(signal);
      if (endsOn.includes(signal)) end({ code: 128 + (signal === "SIGKILL" ? 9 : 15), signal });
      return true;
    },
  };
  return { child, signals, end: (s: ChildStatus) => end(s) };
}

function records() {
  const lines: string[] = [];
  const logger = createLogger({ write: (text) => lines.push(text) }, () => 0);
  const messages = () =>
    lines.map((line) => JSON.parse(line)).map(({ message, signal }) => `${message} ${signal}`);
  return { logger, messages };
}

const turn = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("stopChild() sends SIGTERM and is done when the child ends in time", async () => {
  const clock = new FakeClock(0);
  const { child, signals } = fakeChild(["SIGTERM"]);
  const { logger, messages } = records();
  await stopChild(child, logger, clock.schedule);
  assert.deepEqual(signals, ["SIGTERM"]);
  assert.deepEqual(messages(), ["Stopping child SIGTERM"]);
  assert.equal(clock.pending, 0, "the grace timer is cancelled");
});

Deno.test("stopChild() sends SIGKILL after the grace period to a child that ignores SIGTERM", async () => {
  const clock = new FakeClock(0);
  const { child, signals } = fakeChild(["SIGKILL"]);
  const { logger, messages } = records();
  const stopping = stopChild(child, logger, clock.schedule);
  await turn();
  clock.advanceTo(CHILD_STOP_GRACE_MS - 1);
  await turn();
  assert.deepEqual(signals, ["SIGTERM"]);
  clock.advanceTo(CHILD_STOP_GRACE_MS);
  await stopping;
  assert.deepEqual(signals, ["SIGTERM", "SIGKILL"]);
  assert.deepEqual(messages(), ["Stopping child SIGTERM", "Stopping child SIGKILL"]);
});

Deno.test("stopChild() leaves a child that has already ended alone", async () => {
  const clock = new FakeClock(0);
  const { child, signals, end } = fakeChild();
  end({ code: 0, signal: null });
  await child.status;
  const { logger, messages } = records();
  await stopChild(child, logger, clock.schedule);
  assert.deepEqual(signals, []);
  assert.deepEqual(messages(), []);
});
