// Properties of the datagram parser and the reducer over generated input (fast-check):
// behaviour §2 "nothing that arrives on the socket can stop the adapter", §3 false beats true, and
// §4 EXTEND_TIMEOUT_USEC never brings a deadline closer.
import assert from "node:assert/strict";
import fc from "fast-check";
import type { Effect } from "../../lib/core/effects.ts";
import { EVENT_NAMES } from "../../lib/core/events.ts";
import { parseNotifyMessage } from "../../lib/core/notify_message.ts";
import {
  type AdapterState,
  generalStep,
  type Input,
  routinePing as pingShortcut,
  step,
} from "../../lib/core/reducer.ts";
import { running as runningAt } from "../helpers/reducer_fixtures.ts";
const RUNS = { numRuns: 400, seed: 20261125 };
const encoder = new TextEncoder();

const datagram = (bytes: Uint8Array): Input => ({
  kind: "datagram",
  message: parseNotifyMessage(bytes),
});

const eventsOf = (effects: readonly Effect[]) =>
  effects.filter((effect) => effect.kind === "log" && effect.message === "Event")
    .map((effect) => effect.kind === "log" ? effect.fields.event as string : "");

// Lines that make events, and lines that do not; mixed into datagrams.
const LINE = fc.constantFrom(
  "READY=1",
  "RELOADING=1",
  "STOPPING=1",
  "WATCHDOG=1",
  "WATCHDOG=trigger",
  "ERRNO=5",
  "BUSERROR=org.example.Failed",
  "STATUS=working",
  "MAINPID=42",
  "MAINPID=43",
  "MAINPID=1",
  "EXTEND_TIMEOUT_USEC=5000000",
  "WATCHDOG_USEC=2000000",
  "WATCHDOG_USEC=0",
  "X_CUSTOM=1",
  "NOPE=1",
  "READY=2",
  "no equals",
);
const TEXT_DATAGRAM = fc.array(LINE, { minLength: 1, maxLength: 8 })
  .map((lines) => encoder.encode(lines.join("\n")));
const ANY_DATAGRAM = fc.oneof(fc.uint8Array({ maxLength: 5000 }), TEXT_DATAGRAM);
// What the shell reports of the main process it watches (behaviour §11).
const MAIN_PROCESS_REPORT = fc.oneof(
  fc.constantFrom(42, 43, 1).map((pid): Input => ({ kind: "mainExited", pid })),
  fc.tuple(fc.constantFrom(42, 43), fc.constantFrom("absent", "thread", "ended", "error"))
    .map(([pid, reason]): Input => ({
      kind: "mainUnseen",
      pid,
      reason: reason as "absent" | "thread" | "ended" | "error",
      detail: "",
    })),
  fc.tuple(fc.constantFrom("READY=1", "change"), fc.constantFrom("42\n", "1\n", "x", ""))
    .map(([cause, text]): Input => ({
      kind: "pidFile",
      cause: cause as "READY=1" | "change",
      read: text === "" ? { problem: "does not exist" } : { text },
    })),
);
const INPUT = fc.oneof(
  { weight: 8, arbitrary: ANY_DATAGRAM.map(datagram) },
  { weight: 1, arbitrary: fc.constant<Input>({ kind: "tick" }) },
  { weight: 1, arbitrary: MAIN_PROCESS_REPORT },
);
const TIMED_INPUTS = fc.array(fc.tuple(INPUT, fc.integer({ min: 0, max: 5_000 })), {
  maxLength: 40,
});
const EVENT_SET = fc.subarray([...EVENT_NAMES]).map((names) => names.join(","));

const running = (env: Record<string, string> = {}): AdapterState => runningAt(env, 0);

Deno.test("parseNotifyMessage() never throws and accounts for every datagram", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 6000 }), (bytes) => {
      const message = parseNotifyMessage(bytes);
      assert.ok(Array.isArray(message.accepted) && Array.isArray(message.rejected));
      if (bytes.length > 4096) assert.deepEqual(message.accepted, []);
    }),
    RUNS,
  );
});

Deno.test("step() never throws on any sequence of datagrams and timer ticks", () => {
  fc.assert(
    fc.property(TIMED_INPUTS, (inputs) => {
      let state = running({
        ADAPTER_UNIT_TIMEOUT_START_SEC: "1",
        ADAPTER_UNIT_WATCHDOG_SEC: "1",
        ADAPTER_UNIT_PID_FILE: "/run/service.pid",
      });
      let now = 0;
      for (const [input, delay] of inputs) {
        now += delay;
        state = step(state, input, now).state;
        for (const probe of [state.healthz, state.livez, state.readyz]) {
          assert.equal(typeof probe, "boolean");
        }
      }
    }),
    RUNS,
  );
});

Deno.test("healthz never changes because of a message", () => {
  fc.assert(
    fc.property(fc.array(ANY_DATAGRAM, { maxLength: 30 }), (datagrams) => {
      let state = running();
      datagrams.forEach((bytes, i) => {
        state = step(state, datagram(bytes), i).state;
        assert.equal(state.healthz, true);
      });
    }),
    RUNS,
  );
});

Deno.test("false beats true within one datagram, for any configured event lists", () => {
  fc.assert(
    fc.property(
      EVENT_SET,
      EVENT_SET,
      fc.boolean(),
      TEXT_DATAGRAM,
      (trueList, falseList, initial, bytes) => {
        const state = running({
          ADAPTER_STATUS_LIVEZ_TRUE: trueList,
          ADAPTER_STATUS_LIVEZ_FALSE: falseList,
          ADAPTER_INITIAL_LIVEZ: String(initial),
        });
        const { state: after, effects } = step(state, datagram(bytes), 10);
        const events = eventsOf(effects);
        const trueSet = trueList.split(",");
        const falseSet = falseList.split(",");
        const expected = events.some((event) => falseSet.includes(event))
          ? false
          : events.some((event) => trueSet.includes(event))
          ? true
          : state.livez;
        assert.equal(after.livez, expected, `events ${events}`);
      },
    ),
    RUNS,
  );
});

Deno.test("EXTEND_TIMEOUT_USEC never moves the start deadline earlier", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 10_000 }),
      fc.array(fc.tuple(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.nat(2_000)), {
        maxLength: 10,
      }),
      (startMs, extensions) => {
        let state = running({ ADAPTER_UNIT_TIMEOUT_START_SEC: `${startMs}ms` });
        let now = 0;
        for (const [usec, delay] of extensions) {
          now += delay;
          const before = state.startDeadlineMs;
          state = step(state, datagram(encoder.encode(`EXTEND_TIMEOUT_USEC=${usec}`)), now).state;
          if (before !== null && state.startDeadlineMs !== null) {
            assert.ok(state.startDeadlineMs >= before, `${before} → ${state.startDeadlineMs}`);
          }
        }
      },
    ),
    RUNS,
  );
});

Deno.test("step()'s shortcut for a lone WATCHDOG=1 gives exactly what the general path gives", () => {
  const ping = datagram(encoder.encode("WATCHDOG=1")) as Extract<Input, { kind: "datagram" }>;
  const SETTINGS = fc.record({
    ADAPTER_UNIT_WATCHDOG_SEC: fc.constantFrom("0", "2", "1h"),
    ADAPTER_ECHO: fc.constantFrom("true", "false"),
    ADAPTER_STATUS_LIVEZ_TRUE: EVENT_SET,
    ADAPTER_STATUS_READYZ_FALSE: EVENT_SET,
    ADAPTER_STATUS_SHUTDOWN: fc.constantFrom("", "watchdog", "errno"),
  });
  let shortcuts = 0;
  fc.assert(
    fc.property(SETTINGS, TIMED_INPUTS, (env, inputs) => {
      let state = running(env);
      let now = 0;
      for (const [input, delay] of inputs) {
        now += delay;
        state = step(state, input, now).state;
        // At every point of the history, a ping must come out the same either way.
        const general = generalStep(state, ping, now + 1);
        const shortcut = pingShortcut(state, ping.message, now + 1);
        if (shortcut !== undefined) {
          assert.deepEqual(shortcut, general);
          shortcuts++;
        }
        assert.deepEqual(step(state, ping, now + 1), general);
      }
    }),
    RUNS,
  );
  assert.ok(shortcuts > 100, `the shortcut was taken ${shortcuts} times`);
});
