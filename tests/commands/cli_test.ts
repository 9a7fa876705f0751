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
    },
  );
  assert.deepEqual(parseCommandLine(["notify", "--pid"]), {
    kind: "usage-error",
    message: 'Unknown option "--pid"',
  });
  assert.deepEqual(parseCommandLine(["notify", "READY"]), {
    kind: "usage-error",
    message: 'Expected KEY=VALUE, got "READY"',
  });
  assert.equal(parseCommandLine(["notify"]).kind, "usage-error");
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
