import assert from "node:assert/strict";
import { parseCommandLine } from "../lib/cli.ts";

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
