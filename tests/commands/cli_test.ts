import assert from "node:assert/strict";
import { parseCommandLine } from "../../lib/commands/cli.ts";

Deno.test("parseCommandLine() runs the sidecar without arguments", () => {
  assert.deepEqual(parseCommandLine([]), { kind: "sidecar" });
});

Deno.test("parseCommandLine() knows --help, -h and --version", () => {
  assert.deepEqual(parseCommandLine(["--help"]), { kind: "help" });
  assert.deepEqual(parseCommandLine(["-h"]), { kind: "help" });
  assert.deepEqual(parseCommandLine(["--version"]), { kind: "version" });
});

Deno.test("parseCommandLine() names an unknown option or command", () => {
  assert.deepEqual(parseCommandLine(["--frobnicate"]), {
    kind: "usage-error",
    message: 'Unknown option "--frobnicate"',
  });
  assert.deepEqual(parseCommandLine(["frobnicate"]), {
    kind: "usage-error",
    message: 'Unknown command "frobnicate"',
  });
  assert.equal(parseCommandLine(["--version", "extra"]).kind, "usage-error");
});

Deno.test("parseCommandLine() takes the wrapped command after run --", () => {
  assert.deepEqual(parseCommandLine(["run", "--", "sleep", "--help"]), {
    kind: "run",
    command: ["sleep", "--help"],
  });
  assert.deepEqual(parseCommandLine(["run", "sleep"]), {
    kind: "usage-error",
    message: '"run" expects "--" and then the command to start',
  });
  assert.equal(parseCommandLine(["run", "--"]).kind, "usage-error");
});

Deno.test("parseCommandLine() turns notify flags into lines in the order given", () => {
  assert.deepEqual(
    parseCommandLine(["notify", "--status=a b", "--ready", "X_A=1", "--reloading", "--stopping"]),
    {
      kind: "notify",
      lines: ["STATUS=a b", "READY=1", "X_A=1", "RELOADING=1", "STOPPING=1"],
      mainPid: null,
    },
  );
  assert.deepEqual(parseCommandLine(["notify", "--pids"]), {
    kind: "usage-error",
    message: 'Unknown option "--pids"',
  });
  assert.deepEqual(parseCommandLine(["notify", "READY"]), {
    kind: "usage-error",
    message: 'Expected KEY=VALUE, got "READY"',
  });
  assert.equal(parseCommandLine(["notify"]).kind, "usage-error");
});

Deno.test("parseCommandLine() reads notify --pid[=PID] as systemd-notify does (behaviour §8.1)", () => {
  const mainPid = (...args: string[]) => {
    const command = parseCommandLine(["notify", ...args]);
    return command.kind === "notify" ? command.mainPid : command;
  };
  assert.equal(mainPid("--pid"), "auto");
  assert.equal(mainPid("--pid="), "auto");
  assert.equal(mainPid("--pid=auto"), "auto");
  assert.equal(mainPid("--pid=self"), "self");
  assert.equal(mainPid("--pid=parent"), "parent");
  assert.equal(mainPid("--pid=4242", "--ready"), 4242);
  assert.equal(mainPid("--pid=1", "--pid=2"), 2);
  for (const value of ["0", "-1", "abc", "2147483648", " 42"]) {
    assert.deepEqual(mainPid(`--pid=${value}`), {
      kind: "usage-error",
      message: `Cannot parse "--pid=${value}": expected a PID from 1 to 2147483647, ` +
        "auto, self or parent",
    });
  }
  // "--pid 42": the value goes after "=", so 42 is a line to send, and not KEY=VALUE.
  assert.deepEqual(mainPid("--pid", "42"), {
    kind: "usage-error",
    message: 'Expected KEY=VALUE, got "42"',
  });
  assert.deepEqual(parseCommandLine(["notify", "--pid=7"]), {
    kind: "notify",
    lines: [],
    mainPid: 7,
  });
});

Deno.test("parseCommandLine() probes healthz by default and only the three endpoints", () => {
  assert.deepEqual(parseCommandLine(["probe"]), { kind: "probe", endpoint: "healthz" });
  assert.deepEqual(parseCommandLine(["probe", "readyz"]), { kind: "probe", endpoint: "readyz" });
  assert.deepEqual(parseCommandLine(["probe", "status"]), {
    kind: "usage-error",
    message: 'Unknown endpoint "status": one of healthz, livez, readyz',
  });
  assert.deepEqual(parseCommandLine(["probe", "--help"]), { kind: "help" });
});
