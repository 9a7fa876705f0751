/**
 * `deno task compile`: builds `dist/sd-notify-adapter` with `deno compile`, using the start
 * task's permission set and V8 flags (defined once, in deno.json) and embedding only the
 * adapter's own modules. `deno compile` needs a `denort` base binary: `DENORT_BIN` when set,
 * otherwise a download from Deno's release host; when neither works this says so in one line.
 *
 * @module
 */

import denoConfig from "../deno.json" with { type: "json" };

/** Where the binary goes. */
export const OUTPUT = "dist/sd-notify-adapter";

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
    "--output",
    OUTPUT,
    "main.ts",
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
  const { size } = Deno.statSync(OUTPUT);
  console.log(`${OUTPUT}: ${(size / 2 ** 20).toFixed(1)} MiB`);
}
