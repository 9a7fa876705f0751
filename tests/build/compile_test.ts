import assert from "node:assert/strict";
import denoConfig from "../../deno.json" with { type: "json" };
import {
  BUNDLE,
  compileArgs,
  compileFailure,
  notTheAdapter,
  OUTPUT,
  sharedRunFlags,
} from "../../scripts/compile.ts";
import { VERSION } from "../../lib/core/version.ts";

Deno.test("compile bakes in the start task's permission set and V8 flags, defined once", () => {
  const start = sharedRunFlags(denoConfig.tasks.start);
  assert.deepEqual(start, ["--no-prompt", "--v8-flags=--max-semi-space-size=1", "-P=adapter"]);
  assert.deepEqual(compileArgs(), [
    "compile",
    "--quiet",
    ...start,
    "--exclude-unused-npm",
    "--no-code-cache",
    "--output",
    OUTPUT,
    BUNDLE,
  ]);
  assert.equal(OUTPUT, "dist/sd-notify-adapter");
  // The binary embeds what deno task start runs.
  assert.equal(BUNDLE, "build/sd-notify-adapter.js");
  assert.equal(denoConfig.tasks.start.split(" ").at(-1), BUNDLE);
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

Deno.test("notTheAdapter() keeps a binary that prints the adapter's version only", () => {
  assert.equal(notTheAdapter(`${VERSION}\n`, "/opt/denort"), undefined);
  assert.equal(
    notTheAdapter("deno 2.9.6 (stable, release, x86_64-unknown-linux-gnu)\nv8 15\n", "/bin/deno"),
    "Cannot compile dist/sd-notify-adapter: DENORT_BIN=/bin/deno is the Deno CLI, not denort: " +
      'the binary built on it runs as the CLI (--version printed "deno 2.9.6 (stable, release, ' +
      `x86_64-unknown-linux-gnu)", expected "${VERSION}"); removed it`,
  );
  assert.equal(
    notTheAdapter("", undefined),
    "Cannot compile dist/sd-notify-adapter: the binary built on the downloaded denort does not " +
      `run as the adapter (--version printed "", expected "${VERSION}"); removed it`,
  );
});

/** The files a container build sees: the `!` lines of .containerignore, copied to `dir`. */
function copyBuildContext(dir: string): string[] {
  const root = new URL("../../", import.meta.url).pathname;
  const ignore = Deno.readTextFileSync(`${root}.containerignore`).split("\n");
  assert.equal(ignore[0], "*");
  const kept = ignore.filter((line) => line.startsWith("!")).map((line) => line.slice(1));
  for (const path of kept) {
    const isDir = path.endsWith("/");
    const from = `${root}${path}`;
    const to = `${dir}/${path}`;
    Deno.mkdirSync(isDir ? to : to.slice(0, to.lastIndexOf("/")), { recursive: true });
    if (isDir) copyTree(from, to);
    else Deno.copyFileSync(from, to);
  }
  return kept;
}

function copyTree(from: string, to: string) {
  Deno.mkdirSync(to, { recursive: true });
  for (const entry of Deno.readDirSync(from)) {
    if (entry.isDirectory) copyTree(`${from}${entry.name}/`, `${to}${entry.name}/`);
    else Deno.copyFileSync(from + entry.name, to + entry.name);
  }
}

Deno.test("deno task compile refuses a DENORT_BIN that is the Deno CLI and leaves no binary", async () => {
  // A copy of the container build context: it is enough to compile, and the repo's dist/ is
  // left to the smoke test.
  const dir = Deno.makeTempDirSync({ prefix: "sd-notify-adapter-compile-" });
  try {
    assert.deepEqual(copyBuildContext(dir), [
      "deno.json",
      "deno.lock",
      "build/sd-notify-adapter.js",
      "scripts/compile.ts",
    ]);
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["task", "--quiet", "compile"],
      cwd: dir,
      env: { DENORT_BIN: Deno.execPath(), NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(output.code, 1);
    assert.equal(
      new TextDecoder().decode(output.stderr),
      `Cannot compile dist/sd-notify-adapter: DENORT_BIN=${Deno.execPath()} is the Deno CLI, ` +
        `not denort: the binary built on it runs as the CLI (--version printed "deno ` +
        `${Deno.version.deno} (stable, release, ${Deno.build.target})", expected ` +
        `"${VERSION}"); removed it\n`,
    );
    assert.deepEqual([...Deno.readDirSync(`${dir}/dist`)], []);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
