/**
 * promtool, Prometheus's own checker (Debian's `prometheus` package, 2.42 in Debian 12, which
 * .ci/run installs): the alert rules, their unit tests, the dashboard's queries and the live
 * `/metrics` are checked by the tool Prometheus users run. A test that needs it fails, naming
 * the package, when it is missing: it never skips.
 *
 * @module
 */

import { requireProgram } from "../services/service_process.ts";

/** How promtool ended, and what it printed. */
export interface PromtoolResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `promtool` with `args` (from `cwd`, if given), writing `stdin` to it: `check metrics`
 * reads the exposition there.
 */
export async function promtool(
  args: readonly string[],
  options: { stdin?: string; cwd?: string } = {},
): Promise<PromtoolResult> {
  const child = new Deno.Command(requireProgram("promtool", "prometheus"), {
    args: [...args],
    cwd: options.cwd,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(options.stdin ?? ""));
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  const decoder = new TextDecoder();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}
