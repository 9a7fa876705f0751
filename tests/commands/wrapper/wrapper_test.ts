import assert from "node:assert/strict";
import { childEnd } from "../../../lib/commands/wrapper/wrapper.ts";

Deno.test("childEnd() reads Deno's status of a child: its code, or the signal by number", () => {
  assert.deepEqual(childEnd({ code: 3, signal: null }), { kind: "exited", code: 3 });
  assert.deepEqual(childEnd({ code: 143, signal: "SIGTERM" }), { kind: "killed", signal: 15 });
});

Deno.test("childEnd() finds a real-time signal in the error Deno 2.9.6 rejects the status with", () => {
  assert.deepEqual(childEnd({ error: new TypeError("Invalid signal: 36") }), {
    kind: "killed",
    signal: 36,
  });
});

Deno.test("childEnd() returns any other error as an Error, for the core to judge", () => {
  const unknown = childEnd({ error: new Error("Bad resource ID") });
  assert.ok(unknown instanceof Error);
  assert.equal(unknown.message, "Bad resource ID");
  const thrown = childEnd({ error: "not an error" });
  assert.ok(thrown instanceof Error);
  assert.equal(thrown.message, "not an error");
});
