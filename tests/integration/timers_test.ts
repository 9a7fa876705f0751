// Timers (behaviour §4) with the real adapter and short timeouts: the start timer, the watchdog,
// WATCHDOG_USEC=, EXTEND_TIMEOUT_USEC= and what disarms them. Times are read from the log's
// own timestamps (milliseconds), so a busy machine delays the test, not its verdict.
import assert from "node:assert/strict";
import { type AdapterProcess, spawnAdapter } from "../helpers/adapter_process.ts";

const TIMEOUT_MS = 300;
// A late expiry on a loaded 2-core machine shared with other test runs, but far below any
// polling period worth the name: behaviour §4 wants the expiry near its deadline.
const LATENESS_MS = 250;

type LogRecord = Record<string, unknown>;

const at = (record: LogRecord) => Date.parse(String(record.timestamp));

function find(adapter: AdapterProcess, message: string, fields: LogRecord = {}): LogRecord[] {
  return adapter.logRecords().filter((record) =>
    record.message === message &&
    Object.entries(fields).every(([key, value]) => record[key] === value)
  );
}

function the(adapter: AdapterProcess, message: string, fields: LogRecord = {}): LogRecord {
  const found = find(adapter, message, fields);
  assert.equal(found.length, 1, `one ${message} ${JSON.stringify(fields)}: ${adapter.stderr()}`);
  return found[0];
}

const events = (adapter: AdapterProcess, event: string) => find(adapter, "Event", { event });

async function waitForEvent(adapter: AdapterProcess, event: string) {
  await adapter.waitFor(() => events(adapter, event).length > 0, `event ${event}`);
}

/** Sends a datagram and waits until the adapter has echoed its marker line. */
async function sendSettled(adapter: AdapterProcess, datagram: string) {
  const marker = `X_T=${crypto.randomUUID()}`;
  await adapter.send(`${datagram}\n${marker}`);
  await adapter.waitFor(() => adapter.stdout().includes(`${marker}\n`), datagram);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Asserts that `expired` came `expectedMs` after `from`, not earlier, and not much later. */
function assertOnTime(from: LogRecord, expired: LogRecord, expectedMs: number) {
  const elapsed = at(expired) - at(from);
  // Log timestamps are wall-clock milliseconds while timers run on the monotonic clock, and a
  // VM's wall clock is slewed: a few ms either way. "Never early" is exact in reducer_test.ts.
  assert.ok(elapsed >= expectedMs - 5, `expired after ${elapsed} ms, before ${expectedMs} ms`);
  assert.ok(
    elapsed <= expectedMs + LATENESS_MS,
    `expired after ${elapsed} ms, expected ${expectedMs} ms`,
  );
}

async function stopAll(adapters: AdapterProcess[]) {
  const exits = await Promise.all(adapters.map((adapter) => adapter.stop()));
  assert.deepEqual(exits.map((exit) => exit.code), adapters.map(() => 0));
}

Deno.test("timers: the start timer fires start_timeout once, unless READY=1 comes first", async () => {
  const env = {
    ADAPTER_UNIT_TIMEOUT_START_SEC: `${TIMEOUT_MS}ms`,
    // readyz true from the start: the trigger is "no READY=1 yet", not the readyz value.
    ADAPTER_INITIAL_LIVEZ: "true",
    ADAPTER_INITIAL_READYZ: "true",
  };
  const [late, prompt] = await Promise.all([spawnAdapter({ env }), spawnAdapter({ env })]);
  try {
    await prompt.send("READY=1");
    await waitForEvent(prompt, "ready");
    await waitForEvent(late, "start_timeout");
    assert.equal((await late.request("/livez")).status, 503);
    assert.equal((await late.request("/readyz")).status, 503);
    assert.equal((await late.request("/healthz")).status, 200);
    assertOnTime(
      the(late, "Timer armed", { timer: "start" }),
      the(late, "Timer expired", { timer: "start" }),
      TIMEOUT_MS,
    );
    assert.deepEqual((await late.request("/status")).json.startTimer, {
      pending: false,
      secondsUntilDeadline: null,
    });
    await sleep(2 * TIMEOUT_MS);
    assert.equal(events(late, "start_timeout").length, 1, "start_timeout fires once");
    assert.equal(events(prompt, "start_timeout").length, 0);
    the(prompt, "Timer stopped", { timer: "start", cause: "READY=1" });
    assert.equal((await prompt.request("/livez")).status, 200);
  } finally {
    await stopAll([late, prompt]);
  }
});

Deno.test("timers: the watchdog is armed at READY=1 or the first ping, fires once, re-arms on a ping", async () => {
  const env = {
    ADAPTER_UNIT_WATCHDOG_SEC: `${TIMEOUT_MS}ms`,
    ADAPTER_UNIT_TIMEOUT_START_SEC: "infinity",
  };
  const [byReady, byPing] = await Promise.all([spawnAdapter({ env }), spawnAdapter({ env })]);
  try {
    // Not armed before start-up completes.
    assert.equal((await byReady.request("/status")).json.watchdog.armed, false);
    await Promise.all([byReady.send("READY=1"), byPing.send("WATCHDOG=1")]);
    for (const [adapter, cause] of [[byReady, "READY=1"], [byPing, "WATCHDOG=1"]] as const) {
      await waitForEvent(adapter, "watchdog_timeout");
      assertOnTime(
        the(adapter, "Timer armed", { timer: "watchdog", cause }),
        the(adapter, "Timer expired", { timer: "watchdog" }),
        TIMEOUT_MS,
      );
      assert.equal((await adapter.request("/livez")).status, 503, cause);
    }
    await sleep(2 * TIMEOUT_MS);
    assert.equal(events(byReady, "watchdog_timeout").length, 1, "watchdog_timeout fires once");
    // A ping revives it and arms it again from now.
    await sendSettled(byReady, "WATCHDOG=1");
    assert.equal((await byReady.request("/livez")).status, 200);
    const watchdog = (await byReady.request("/status")).json.watchdog;
    assert.equal(watchdog.armed, true);
    assert.equal(watchdog.timeoutSeconds, TIMEOUT_MS / 1000);
    await byReady.waitFor(() => events(byReady, "watchdog_timeout").length === 2, "2nd expiry");
  } finally {
    await stopAll([byReady, byPing]);
  }
});

Deno.test("timers: each WATCHDOG=1 moves the deadline to now + timeout", async () => {
  // Longer than the others: the pings below must never fall a whole timeout behind.
  const timeoutMs = 500;
  const adapter = await spawnAdapter({
    env: { ADAPTER_UNIT_WATCHDOG_SEC: `${timeoutMs}ms`, ADAPTER_UNIT_TIMEOUT_START_SEC: "0" },
  });
  try {
    await sendSettled(adapter, "READY=1");
    // Pings every 50 ms for twice the timeout keep it from expiring.
    const until = performance.now() + 2 * timeoutMs;
    while (performance.now() < until) {
      await adapter.send("WATCHDOG=1");
      await sleep(50);
    }
    await sendSettled(adapter, "WATCHDOG=1");
    const lastPing = find(adapter, "Event", { event: "watchdog" }).at(-1)!;
    assert.equal(events(adapter, "watchdog_timeout").length, 0, adapter.stderr());
    await waitForEvent(adapter, "watchdog_timeout");
    assertOnTime(lastPing, the(adapter, "Timer expired", { timer: "watchdog" }), timeoutMs);
  } finally {
    await stopAll([adapter]);
  }
});

Deno.test("timers: WATCHDOG_USEC= sets the timeout unless ADAPTER_ALLOW_MESSAGE_WATCHDOG_USEC=false", async () => {
  const base = { ADAPTER_UNIT_TIMEOUT_START_SEC: "0" };
  const [unset, overridden, forbidden] = await Promise.all([
    spawnAdapter({ env: base }),
    spawnAdapter({ env: { ...base, ADAPTER_UNIT_WATCHDOG_SEC: "1h" } }),
    spawnAdapter({ env: { ...base, ADAPTER_ALLOW_MESSAGE_WATCHDOG_USEC: "false" } }),
  ]);
  const usec = `WATCHDOG_USEC=${TIMEOUT_MS * 1000}`;
  try {
    await Promise.all([unset, overridden, forbidden].map((adapter) => adapter.send(usec)));
    for (const adapter of [unset, overridden]) {
      await waitForEvent(adapter, "watchdog_timeout");
      assertOnTime(
        the(adapter, "Watchdog timeout changed"),
        the(adapter, "Timer expired", { timer: "watchdog" }),
        TIMEOUT_MS,
      );
    }
    await forbidden.waitFor(
      () => find(forbidden, "Assignment ignored by configuration").length === 1,
      "the ignored assignment",
    );
    assert.deepEqual(
      (({ level, key, variable }) => ({ level, key, variable }))(
        the(forbidden, "Assignment ignored by configuration"),
      ),
      { level: "info", key: "WATCHDOG_USEC", variable: "ADAPTER_ALLOW_MESSAGE_WATCHDOG_USEC" },
    );
    await sleep(2 * TIMEOUT_MS);
    assert.equal(events(forbidden, "watchdog_timeout").length, 0);
    assert.equal((await forbidden.request("/status")).json.watchdog.enabled, false);
    assert.ok(forbidden.stdout().includes(`${usec}\n`), "accepted and echoed all the same");
  } finally {
    await stopAll([unset, overridden, forbidden]);
  }
});

Deno.test("timers: EXTEND_TIMEOUT_USEC= moves deadlines to max(deadline, now + n), if allowed", async () => {
  const extendMs = 1_000;
  const [start, watchdog, forbidden] = await Promise.all([
    spawnAdapter({ env: { ADAPTER_UNIT_TIMEOUT_START_SEC: `${TIMEOUT_MS}ms` } }),
    spawnAdapter({
      env: { ADAPTER_UNIT_WATCHDOG_SEC: `${TIMEOUT_MS}ms`, ADAPTER_UNIT_TIMEOUT_START_SEC: "0" },
    }),
    spawnAdapter({
      env: {
        ADAPTER_UNIT_TIMEOUT_START_SEC: `${TIMEOUT_MS}ms`,
        ADAPTER_ALLOW_MESSAGE_EXTEND_TIMEOUT_USEC: "no",
      },
    }),
  ]);
  const extend = `EXTEND_TIMEOUT_USEC=${extendMs * 1000}`;
  try {
    await Promise.all([start.send(extend), forbidden.send(extend), watchdog.send("READY=1")]);
    await sendSettled(watchdog, extend);
    await waitForEvent(start, "start_timeout");
    assertOnTime(
      the(start, "Timeout extended"),
      the(start, "Timer expired", { timer: "start" }),
      extendMs,
    );
    await waitForEvent(watchdog, "watchdog_timeout");
    assertOnTime(
      the(watchdog, "Timeout extended"),
      the(watchdog, "Timer expired", { timer: "watchdog" }),
      extendMs,
    );
    await waitForEvent(forbidden, "start_timeout");
    assertOnTime(
      the(forbidden, "Timer armed", { timer: "start" }),
      the(forbidden, "Timer expired", { timer: "start" }),
      TIMEOUT_MS,
    );
    the(forbidden, "Assignment ignored by configuration", { key: "EXTEND_TIMEOUT_USEC" });
    assert.equal(find(forbidden, "Timeout extended").length, 0);
  } finally {
    await stopAll([start, watchdog, forbidden]);
  }
});

Deno.test("timers: STOPPING=1, WATCHDOG=trigger and WATCHDOG_USEC=0 disarm the watchdog", async () => {
  const env = { ADAPTER_UNIT_WATCHDOG_SEC: `${TIMEOUT_MS}ms`, ADAPTER_UNIT_TIMEOUT_START_SEC: "0" };
  const disarming = ["STOPPING=1", "WATCHDOG=trigger", "WATCHDOG_USEC=0"];
  const adapters = await Promise.all(disarming.map(() => spawnAdapter({ env })));
  try {
    await Promise.all(adapters.map((adapter, i) =>
      adapter.send(`READY=1`).then(() =>
        // A separate datagram: after READY=1 has armed the watchdog.
        sendSettled(adapter, disarming[i])
      )
    ));
    for (const [i, adapter] of adapters.entries()) {
      the(adapter, "Timer disarmed", { timer: "watchdog", cause: disarming[i] });
      assert.equal((await adapter.request("/status")).json.watchdog.armed, false, disarming[i]);
    }
    await sleep(2 * TIMEOUT_MS);
    for (const [i, adapter] of adapters.entries()) {
      assert.equal(events(adapter, "watchdog_timeout").length, 0, disarming[i]);
    }
  } finally {
    await stopAll(adapters);
  }
});
