/**
 * Tests that need programs from Debian packages (systemd-notify, python3, the service recipes'
 * servers): `needs(...)` gives the test options that ignore such a test where a program is
 * missing, naming the line that installs it, and never under CI, where the test runs and fails
 * on the missing program. `deno task test` installs what it can first (scripts/test_tools.ts).
 *
 * @module
 */

import { installLine, missingTools, type ToolName } from "../../scripts/test_tools.ts";

const reported = new Set<string>();

/** Options for `Deno.test(name, options, fn)`: ignored where one of `tools` is missing (not in CI). */
export function needs(...tools: ToolName[]): { ignore: boolean } {
  const missing = missingTools(tools);
  if (missing.length === 0 || Deno.env.get("CI") === "true") return { ignore: false };
  const line = installLine(missing);
  if (!reported.has(line)) {
    reported.add(line);
    console.error(`Ignoring tests that need ${missing.join(", ")}: install with ${line}`);
  }
  return { ignore: true };
}
