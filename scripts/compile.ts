/**
 * `deno task compile`: builds `dist/sd-notify-adapter` with `deno compile`, using the start
 * task's permission set and V8 flags (defined once, in deno.json) and embedding only the
 * adapter's bundle, the one module `deno task start` runs. `deno compile` needs a `denort` base binary: `DENORT_BIN` when set,
 * otherwise a download from Deno's release host; when neither works this says so in one line.
 * A build is kept only if it runs as the adapter: `deno compile` accepts any Deno binary as
 * `DENORT_BIN`, and one built on the `deno` CLI runs as the CLI, ignoring the embedded code.
 *
 * @module
 */

import denoConfig from "../deno.json" with { type: "json" };

// The adapter's version, as lib/core/version.ts reads it: the build context holds the bundle,
// not lib/.
const VERSION: string = denoConfig.version;

/** Where the binary goes. */
export const OUTPUT = "dist/sd-notify-adapter";

/** The adapter as one module (`deno task bundle`): what `deno task start` runs and the binary embeds. */
export const BUNDLE = "build/sd-notify-adapter.js";

/** The flags of the start task that the binary must bake in too (permissions, V8 flags). */
export function sharedRunFlags(startTask: string): string[] {
  return startTask.split(/\s+/).filter((word) =>
    word.startsWith("-P=") || word.startsWith("--v8-flags=") || word === "--no-prompt"
  );
}

/** The `deno compile` arguments for this project. */
export function compileArgs(startTask: string = denoConfig.tasks.start): string[] {
  return [
    "compile",
    "--quiet",
    ...sharedRunFlags(startTask),
    "--exclude-unused-npm",
    // A code cache would be written next to the binary at first start: on the read-only root
    // filesystem of a restricted Pod that write fails, so the binary carries none.
    "--no-code-cache",
    "--output",
    OUTPUT,
    // What deno task start runs: the bundle, one module (docs/performance.md).
    BUNDLE,
  ];
}

/** Explains why no binary was built, in one line, from deno compile's own error text. */
export function compileFailure(stderr: string, denortBin: string | undefined): string {
  // deno compile prints "Caused by:" and numbered causes; the first two say what went wrong.
  const causes = stderr.split("\n")
    .map((line) => line.match(/^\s*\d+: (.*)$/)?.[1])
    .filter((cause): cause is string => cause !== undefined && cause !== "Setting up base binary.");
  const detail = causes.length > 0
    ? causes.slice(0, 2).join(": ")
    : stderr.trim().split("\n").at(-1) ?? "";
  const source = denortBin === undefined
    ? "no DENORT_BIN is set and denort could not be downloaded from Deno's release host (set " +
      "DENORT_BIN to a local denort of the same Deno version)"
    : `DENORT_BIN=${denortBin} is not a usable denort of this Deno version`;
  return `Cannot compile ${OUTPUT}: ${source}. deno compile said: ${detail}`;
}

/**
 * Why the built binary is not the adapter, from what its `--version` printed, or undefined
 * when it is (it prints the adapter's version and nothing else).
 */
export function notTheAdapter(
  versionOutput: string,
  denortBin: string | undefined,
): string | undefined {
  if (versionOutput === `${VERSION}\n`) return undefined;
  const printed = JSON.stringify(versionOutput.split("\n")[0]);
  const base = denortBin === undefined ? "the downloaded denort" : `DENORT_BIN=${denortBin}`;
  const why = versionOutput.startsWith("deno ")
    ? `${base} is the Deno CLI, not denort: the binary built on it runs as the CLI`
    : `the binary built on ${base} does not run as the adapter`;
  return `Cannot compile ${OUTPUT}: ${why} (--version printed ${printed}, expected ` +
    `"${VERSION}"); removed it`;
}

/** What the built binary prints for `--version`, or the error that kept it from running. */
async function versionOf(binary: string): Promise<string> {
  try {
    const { stdout } = await new Deno.Command(binary, {
      args: ["--version"],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
      signal: AbortSignal.timeout(10_000),
    }).output();
    return new TextDecoder().decode(stdout);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

if (import.meta.main) {
  const denortBin = Deno.env.get("DENORT_BIN") || undefined;
  const result = await new Deno.Command(Deno.execPath(), {
    args: compileArgs(),
    stdout: "inherit",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  if (!result.success) {
    console.error(compileFailure(new TextDecoder().decode(result.stderr), denortBin));
    Deno.exit(1);
  }
  const wrong = notTheAdapter(await versionOf(`./${OUTPUT}`), denortBin);
  if (wrong !== undefined) {
    Deno.removeSync(OUTPUT);
    console.error(wrong);
    Deno.exit(1);
  }
  const { size } = Deno.statSync(OUTPUT);
  console.log(`${OUTPUT}: ${(size / 2 ** 20).toFixed(1)} MiB`);
}
