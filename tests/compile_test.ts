import assert from "node:assert/strict";
import denoConfig from "../deno.json" with { type: "json" };
import { compileArgs, compileFailure, OUTPUT, sharedRunFlags } from "../scripts/compile.ts";

Deno.test("compile bakes in the start task's permission set and V8 flags, defined once", () => {
  const start = sharedRunFlags(denoConfig.tasks.start);
  assert.deepEqual(start, ["--no-prompt", "--v8-flags=--max-semi-space-size=1", "-P=adapter"]);
  assert.deepEqual(compileArgs(), [
    "compile",
    "--quiet",
    ...start,
    "--exclude-unused-npm",
    "--output",
    OUTPUT,
    "main.ts",
  ]);
  assert.equal(OUTPUT, "dist/sd-notify-adapter");
});

Deno.test("the adapter's permission set allows sockets under /run, /var/run and /tmp only", async () => {
  const { SOCKET_DIRECTORIES } = await import("../lib/permissions.ts");
  const set = denoConfig.permissions.adapter;
  assert.deepEqual(set.read, SOCKET_DIRECTORIES);
  assert.deepEqual(set.write, SOCKET_DIRECTORIES);
  assert.equal(set.run, true);
});

Deno.test("compileFailure() says in one line why there is no binary", () => {
  const stderr = `error: Writing deno compile executable to temporary file 'dist/x.tmp'

Caused by:
    0: Could not find denort at '/nonexistent'
    1: No such file or directory (os error 2)
`;
  assert.equal(
    compileFailure(stderr, "/nonexistent"),
    "Cannot compile dist/sd-notify-adapter: DENORT_BIN=/nonexistent is not a usable denort " +
      "of this Deno version. deno compile said: Could not find denort at '/nonexistent': " +
      "No such file or directory (os error 2)",
  );
});

Deno.test("deno task compile with a missing DENORT_BIN fails in one line, exit 1", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "compile"],
    env: { DENORT_BIN: "/nonexistent/denort", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 1);
  assert.equal(
    stderr,
    "Cannot compile dist/sd-notify-adapter: DENORT_BIN=/nonexistent/denort is not a usable " +
      "denort of this Deno version. deno compile said: Could not find denort at " +
      "'/nonexistent/denort': No such file or directory (os error 2)\n",
  );
});
