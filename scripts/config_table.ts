/**
 * Prints the README's configuration table from `lib/core/config.ts`, the one source of truth:
 * `deno run scripts/config_table.ts`. `tests/docs/readme_test.ts` checks the README against it.
 *
 * @module
 */

import { SETTINGS } from "../lib/core/config.ts";

/** The Markdown table of every variable, its default and its meaning. */
export function configurationTable(): string {
  const rows = Object.values(SETTINGS).map((setting) =>
    `| \`${setting.variable}\` | ${
      setting.default === "" ? "empty" : `\`${setting.default}\``
    } | ${setting.meaning} |`
  );
  return ["| variable | default | meaning |", "| --- | --- | --- |", ...rows].join("\n");
}

if (import.meta.main) console.log(configurationTable());
