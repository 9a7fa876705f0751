// behaviour §2 and §3 end to end: raw datagrams into the real adapter, and what each one does on
// HTTP, on stdout (echo) and in the JSON log on stderr.
import assert from "node:assert/strict";
import { type AdapterProcess, sendAndSettle, spawnAdapter } from "../helpers/adapter_process.ts";

const encode = (text: string) => new TextEncoder().encode(text);

/** Log records without their timestamp, for exact comparison. */
function fieldsOf(records: Record<string, unknown>[]) {
  return records.map(({ timestamp: _, ...rest }) => rest);
}

const rejected = (reason: string, excerpt: string) => ({
  level: "warning",
  message: "Input rejected",
  reason,
  excerpt,
});

async function probes(adapter: AdapterProcess) {
  const [healthz, livez, readyz] = await Promise.all(
    ["/healthz", "/livez", "/readyz"].map(async (path) => (await adapter.request(path)).status),
  );
  return { healthz, livez, readyz };
}

const NOT_READY = { healthz: 200, livez: 503, readyz: 503 };
const READY = { healthz: 200, livez: 200, readyz: 200 };
const LIVE_NOT_READY = { healthz: 200, livez: 200, readyz: 503 };

Deno.test("datagrams: each rule of behaviour §2 and §3 as seen on HTTP, stdout and the log", async (t) => {
  const adapter = await spawnAdapter();
  const echoes: string[] = [];
  // A MAINPID= also names a process to follow (behaviour §11), which exists on this machine or
  // not: what the adapter logs of it is main_process_test.ts's, not this test's.
  const mainProcessRecords = ["Main process followed", "Main process not followed"];
  const settle = async (datagram: string | Uint8Array) => {
    const settled = await sendAndSettle(adapter, datagram);
    echoes.push(settled.stdout);
    const records = settled.records.filter(({ message }) =>
      !mainProcessRecords.includes(message as string)
    );
    return { stdout: settled.stdout, records: fieldsOf(records) };
  };
  const status = async () => (await adapter.request("/status")).json;
  try {
    await t.step("a datagram of 4096 bytes is accepted, one of 4097 dropped whole", async () => {
      const fits = `STATUS=${"a".repeat(4096 - "STATUS=".length)}`;
      assert.deepEqual(await settle(fits), { stdout: `${fits}\n`, records: [] });
      assert.equal((await status()).statusText, fits.slice("STATUS=".length));
      const over = `STATUS=${"b".repeat(4097 - "STATUS=".length)}`;
      assert.deepEqual(await settle(over), {
        stdout: "",
        records: [rejected("oversize", `STATUS=${"b".repeat(57)}…`)],
      });
      assert.equal((await status()).statusText, fits.slice("STATUS=".length));
      assert.equal((await status()).counters.rejectedByReason.oversize, 1);
    });

    await t.step("one trailing NUL is tolerated, any other NUL drops the datagram", async () => {
      assert.deepEqual(await settle("STATUS=nul\0"), { stdout: "STATUS=nul\n", records: [] });
      assert.deepEqual(await settle("STATUS=a\0b"), {
        stdout: "",
        records: [rejected("nul_byte", "STATUS=a\0b")],
      });
      assert.deepEqual(await settle("STATUS=c\0\0"), {
        stdout: "",
        records: [rejected("nul_byte", "STATUS=c\0\0")],
      });
      assert.equal((await status()).statusText, "nul");
    });

    await t.step("lines split on \\n and \\r, empty lines skipped, in arrival order", async () => {
      assert.deepEqual(await settle("X_A=1\nX_B=2\rX_C=3\r\n\n\rX_D=4\n"), {
        stdout: "X_A=1\nX_B=2\nX_C=3\nX_D=4\n",
        records: [],
      });
    });

    await t.step("nothing is trimmed: `READY=1 ` is not READY=1", async () => {
      assert.deepEqual(await settle("READY=1 \n STATUS=x\nSTATUS= padded "), {
        stdout: "STATUS= padded \n",
        records: [rejected("invalid_value", "READY=1 "), rejected("unknown_key", " STATUS=x")],
      });
      assert.equal((await status()).statusText, " padded ");
      assert.deepEqual(await probes(adapter), NOT_READY);
    });

    await t.step("for a key given twice in one datagram, the first wins", async () => {
      assert.deepEqual(await settle("STATUS=first\nSTATUS=second\nMAINPID=7\nMAINPID=8"), {
        stdout: "STATUS=first\nMAINPID=7\n",
        records: [
          rejected("duplicate_key", "STATUS=second"),
          rejected("duplicate_key", "MAINPID=8"),
        ],
      });
      const body = await status();
      assert.equal(body.statusText, "first");
      assert.equal(body.mainPid, 7);
    });

    await t.step("a line that is not UTF-8 is dropped, the others still count", async () => {
      const datagram = new Uint8Array([
        ...encode("X_A=1\nSTATUS="),
        0xff,
        0xc0,
        ...encode("\nX_B=é\n"),
      ]);
      assert.deepEqual(await settle(datagram), {
        stdout: "X_A=1\nX_B=é\n",
        records: [rejected("invalid_utf8", "STATUS=\ufffd\ufffd")],
      });
      assert.equal((await status()).statusText, "first");
    });

    await t.step(
      "BARRIER=1 alone is accepted; with other lines the datagram is ignored",
      async () => {
        assert.deepEqual(await settle("BARRIER=1"), { stdout: "BARRIER=1\n", records: [] });
        assert.deepEqual(await settle("STATUS=barrier\nBARRIER=1"), {
          stdout: "",
          records: [rejected("barrier_with_other_lines", "STATUS=barrier\nBARRIER=1")],
        });
        assert.equal((await status()).statusText, "first");
      },
    );

    await t.step("an unknown key or a line without = is only a warning", async () => {
      assert.deepEqual(await settle("FOO=1\nnonsense\nready=1\nX_OK=1"), {
        stdout: "X_OK=1\n",
        records: [
          rejected("unknown_key", "FOO=1"),
          rejected("no_equals", "nonsense"),
          rejected("unknown_key", "ready=1"),
        ],
      });
      assert.deepEqual(await probes(adapter), NOT_READY);
    });

    await t.step(
      "a well-known key with an invalid value: warned, not echoed, no effect",
      async () => {
        for (const line of ["READY=0", "WATCHDOG=yes", "ERRNO=-1", "WATCHDOG_USEC=abc"]) {
          assert.deepEqual(await settle(line), {
            stdout: "",
            records: [rejected("invalid_value", line)],
          }, line);
        }
        const body = await status();
        assert.deepEqual(await probes(adapter), NOT_READY);
        assert.equal(body.errno, null);
        assert.equal(body.watchdog.enabled, false);
        assert.equal(body.lastEvent, null);
      },
    );

    await t.step(
      "the recorded-only assignments are echoed, recorded, and send no event",
      async () => {
        const lines = [
          "STATUS=serving requests",
          "MAINPID=4242",
          "EXIT_STATUS=3",
          "MONOTONIC_USEC=123456",
          "NOTIFYACCESS=all",
          "VARLINKERROR=io.systemd.Failed",
          "MAINPIDFDID=99",
          "MAINPIDFD=1",
          "FDSTORE=1",
          "FDSTOREREMOVE=1",
          "FDNAME=web",
          "FDPOLL=0",
          "RESTART_RESET=1",
          "X_CUSTOM=any = thing",
        ];
        for (const line of lines) {
          assert.deepEqual(await settle(line), { stdout: `${line}\n`, records: [] }, line);
        }
        const body = await status();
        assert.equal(body.statusText, "serving requests");
        assert.equal(body.mainPid, 4242);
        assert.equal(body.exitStatus, 3);
        assert.equal(body.lastEvent, null);
        assert.equal(body.counters.events, 0);
        assert.deepEqual(await probes(adapter), NOT_READY);
        assert.deepEqual(await settle("STATUS="), { stdout: "STATUS=\n", records: [] });
        assert.equal((await status()).statusText, null);
      },
    );

    await t.step(
      "WATCHDOG_USEC=n sets and arms the watchdog, 0 disables it; no event",
      async () => {
        assert.deepEqual(await settle("WATCHDOG_USEC=3600000000"), {
          stdout: "WATCHDOG_USEC=3600000000\n",
          records: [
            { level: "info", message: "Watchdog timeout changed", timeoutMs: 3_600_000 },
            {
              level: "info",
              message: "Timer armed",
              timer: "watchdog",
              cause: "WATCHDOG_USEC",
              timeoutMs: 3_600_000,
            },
          ],
        });
        let watchdog = (await status()).watchdog;
        assert.equal(watchdog.enabled, true);
        assert.equal(watchdog.timeoutSeconds, 3600);
        assert.equal(watchdog.armed, true);
        assert.ok(watchdog.secondsUntilDeadline > 3500, `${watchdog.secondsUntilDeadline}`);
        assert.deepEqual(await settle("WATCHDOG_USEC=0"), {
          stdout: "WATCHDOG_USEC=0\n",
          records: [
            { level: "info", message: "Watchdog timeout changed", timeoutMs: 0 },
            {
              level: "info",
              message: "Timer disarmed",
              timer: "watchdog",
              cause: "WATCHDOG_USEC=0",
            },
          ],
        });
        watchdog = (await status()).watchdog;
        assert.deepEqual(watchdog, {
          enabled: false,
          timeoutSeconds: 0,
          armed: false,
          secondsUntilDeadline: null,
          lastPing: null,
        });
        assert.equal((await status()).lastEvent, null);
      },
    );

    await t.step(
      "EXTEND_TIMEOUT_USEC=n moves the start deadline to max(deadline, now + n)",
      async () => {
        const before = (await status()).startTimer;
        assert.equal(before.pending, true);
        assert.ok(before.secondsUntilDeadline <= 90, `${before.secondsUntilDeadline}`);
        // Shorter than what is left: the deadline stays.
        assert.deepEqual(await settle("EXTEND_TIMEOUT_USEC=1000000"), {
          stdout: "EXTEND_TIMEOUT_USEC=1000000\n",
          records: [{ level: "info", message: "Timeout extended", extendMs: 1000 }],
        });
        const kept = (await status()).startTimer.secondsUntilDeadline;
        assert.ok(kept > 60 && kept <= 90, `${kept}`);
        await settle("EXTEND_TIMEOUT_USEC=600000000");
        const extended = (await status()).startTimer.secondsUntilDeadline;
        assert.ok(extended > 590 && extended <= 600, `${extended}`);
        // Not additive: the same extension again leaves it where it is.
        await settle("EXTEND_TIMEOUT_USEC=600000000");
        const again = (await status()).startTimer.secondsUntilDeadline;
        assert.ok(again > 590 && again <= 600, `${again}`);
        assert.deepEqual(await settle("EXTEND_TIMEOUT_USEC=0"), {
          stdout: "EXTEND_TIMEOUT_USEC=0\n",
          records: [],
        });
        assert.equal((await status()).lastEvent, null);
      },
    );

    await t.step("READY=1: event ready, start timer stopped, live and ready", async () => {
      assert.deepEqual(await settle("READY=1"), {
        stdout: "READY=1\n",
        records: [
          { level: "info", message: "Timer stopped", timer: "start", cause: "READY=1" },
          { level: "info", message: "Event", event: "ready" },
          { level: "info", message: "Probe state changed", probe: "livez", from: false, to: true },
          { level: "info", message: "Probe state changed", probe: "readyz", from: false, to: true },
        ],
      });
      assert.deepEqual(await probes(adapter), READY);
      const body = await status();
      assert.equal(body.startTimer.pending, false);
      assert.equal(body.lastEvent.name, "ready");
    });

    await t.step("each event reacts as the default lists say", async () => {
      const cases: [string, Record<string, unknown>[], typeof READY][] = [
        ["RELOADING=1", [{ level: "info", message: "Event", event: "reloading" }], LIVE_NOT_READY],
        ["READY=1", [{ level: "info", message: "Event", event: "ready" }], READY],
        ["STOPPING=1", [{ level: "info", message: "Event", event: "stopping" }], LIVE_NOT_READY],
        ["WATCHDOG=1", [{ level: "info", message: "Event", event: "watchdog" }], READY],
        ["ERRNO=EIO", [{ level: "warning", message: "Event", event: "errno" }], NOT_READY],
        ["WATCHDOG=1", [{ level: "info", message: "Event", event: "watchdog" }], READY],
        [
          "BUSERROR=org.example.Failed",
          [{ level: "warning", message: "Event", event: "buserror" }],
          NOT_READY,
        ],
        ["BUSERROR=", [], NOT_READY],
        ["WATCHDOG=1", [{ level: "info", message: "Event", event: "watchdog" }], READY],
        [
          "WATCHDOG=trigger",
          [{ level: "warning", message: "Event", event: "watchdog_trigger" }],
          NOT_READY,
        ],
      ];
      let previous = READY;
      for (const [line, eventRecords, expected] of cases) {
        const { stdout, records } = await settle(line);
        assert.equal(stdout, `${line}\n`, line);
        const changes = (["livez", "readyz"] as const)
          .filter((probe) => previous[probe] !== expected[probe])
          .map((probe) => ({
            level: "info",
            message: "Probe state changed",
            probe,
            from: previous[probe] === 200,
            to: expected[probe] === 200,
          }));
        assert.deepEqual(records, [...eventRecords, ...changes], line);
        assert.deepEqual(await probes(adapter), expected, line);
        previous = expected;
      }
      const body = await status();
      assert.equal(body.errno, 5);
      assert.equal(body.busError, null);
      assert.equal(body.lastEvent.name, "watchdog_trigger");
      assert.match(body.lastEvent.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
    });

    await t.step("false beats true within one datagram, whatever the order", async () => {
      await settle("WATCHDOG=1");
      assert.deepEqual(await probes(adapter), READY);
      const { records } = await settle("READY=1\nERRNO=5");
      assert.deepEqual(records.filter((r) => r.message === "Event").map((r) => r.event), [
        "ready",
        "errno",
      ]);
      assert.deepEqual(await probes(adapter), NOT_READY);
      await settle("WATCHDOG=1");
      await settle("ERRNO=7\nWATCHDOG=1");
      assert.deepEqual(await probes(adapter), NOT_READY);
      assert.equal((await status()).errno, 7);
    });

    await t.step(
      "healthz stays 200 whatever arrives; stdout holds only accepted lines",
      async () => {
        assert.equal((await adapter.request("/healthz")).status, 200);
        const stdout = adapter.stdout().split("\n").filter((line) => !line.startsWith("X_SETTLE="))
          .join("\n");
        assert.equal(stdout, echoes.join(""));
      },
    );
  } catch (error) {
    await adapter.stop();
    throw error;
  }
  const exit = await adapter.stop();
  assert.equal(exit.code, 0);
});
