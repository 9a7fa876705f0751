import assert from "node:assert/strict";
import { spawnFailure } from "../../../lib/commands/wrapper/spawn_failure.ts";

Deno.test("spawnFailure() gives 127 for a command that is not found", () => {
  assert.deepEqual(spawnFailure("nosuch", new Deno.errors.NotFound("entity not found")), {
    exitStatus: 127,
    message: 'Cannot start COMMAND "nosuch": not found in PATH (entity not found)',
  });
  assert.deepEqual(spawnFailure("/opt/x", new Deno.errors.NotFound("No such file")), {
    exitStatus: 127,
    message: 'Cannot start COMMAND "/opt/x": not found (No such file)',
  });
});

Deno.test("spawnFailure() gives 126 for a command that cannot be executed", () => {
  assert.deepEqual(spawnFailure("/etc/passwd", new Deno.errors.PermissionDenied("denied")), {
    exitStatus: 126,
    message: 'Cannot start COMMAND "/etc/passwd": not executable (denied)',
  });
  assert.deepEqual(spawnFailure("app", new Deno.errors.NotCapable("Requires run access")), {
    exitStatus: 126,
    message: `Cannot start COMMAND "app": not allowed by Deno's permissions (Requires run access)`,
  });
  assert.deepEqual(spawnFailure("app", new Error("Exec format error")), {
    exitStatus: 126,
    message: 'Cannot start COMMAND "app": cannot be executed (Exec format error)',
  });
});
