import assert from "node:assert/strict";
import { WELL_KNOWN_ASSIGNMENTS } from "../../lib/core/assignments.ts";
import { EVENT_EXIT_STATUS } from "../../lib/core/events.ts";
import { FAMILIES } from "../../lib/core/metrics.ts";
import { configurationTable } from "../../scripts/config_table.ts";

const ROOT = new URL("../../", import.meta.url);
const README = Deno.readTextFileSync(new URL("README.md", ROOT));
const DENO_VERSION = Deno.readTextFileSync(new URL(".deno-version", ROOT)).trim();
const CONTRACT = Deno.readTextFileSync(new URL("docs/behaviour.md", ROOT));

/** The rows of the Markdown table between `<!-- name…` and `<!-- end name -->`, as cells. */
function tableRows(name: string): string[][] {
  const start = README.indexOf(`<!-- ${name}`);
  const end = README.indexOf(`<!-- end ${name} -->`);
  assert.ok(start !== -1 && end > start, `README has a ${name} section`);
  return rowsOf(README.slice(start, end));
}

function rowsOf(markdown: string): string[][] {
  return markdown.split("\n")
    .filter((line) => line.startsWith("|") && !/^\|[\s|:-]+\|$/.test(line))
    .slice(1)
    .map((line) => line.slice(1, -1).split("|").map((cell) => cell.trim()));
}

Deno.test("README's first commands use the pinned Deno version", () => {
  const firstScreen = README.split("\n").slice(0, 20).join("\n");
  assert.ok(firstScreen.includes(`npx --yes deno@${DENO_VERSION} task start`));
  assert.ok(firstScreen.includes(`npx --yes deno@${DENO_VERSION} task test`));
  const ci = Deno.readTextFileSync(new URL(".ci/run", ROOT));
  assert.ok(ci.includes("cat .deno-version"), ".ci/run reads the pin");
});

Deno.test("README's configuration table matches lib/core/config.ts", () => {
  assert.deepEqual(tableRows("configuration-table"), rowsOf(configurationTable()));
});

/** The rows of the Markdown table of the contract's section `heading` (up to the next `###`). */
function contractRows(heading: string): string[][] {
  const start = CONTRACT.indexOf(`### ${heading}`);
  assert.ok(start !== -1, `the contract has a section ${heading}`);
  const end = CONTRACT.indexOf("\n### ", start + 1);
  return rowsOf(CONTRACT.slice(start, end === -1 ? undefined : end));
}

Deno.test("the behaviour contract's §2.3 names every well-known key and nothing else", () => {
  const keys = new Set<string>();
  for (const [line] of contractRows("2.3")) {
    for (const match of line.matchAll(/`([A-Z_*]+)=/g)) keys.add(match[1]);
  }
  keys.delete("X_anything");
  assert.deepEqual([...keys].sort(), [...Object.keys(WELL_KNOWN_ASSIGNMENTS)].sort());
  assert.ok(contractRows("2.3").some(([line]) => line.startsWith("`X_")), "X_* has a row");
});

Deno.test("the behaviour contract's §3.1 lists every event, failure events as such", () => {
  const rows = contractRows("3.1").map(([event, , kind]) => [
    event.replaceAll("`", ""),
    kind === "failure" ? 1 : 0,
  ]);
  assert.deepEqual(rows, Object.entries(EVENT_EXIT_STATUS));
});

// A path in backticks that names a file or folder of the repository, or a relative link.
const PATH_LIKE =
  /`((?:lib|tests|docs|examples|scripts|bench|\.ci)\/[^`\s]*|[a-z_]+\.(?:ts|md|json))`|\]\(((?!https?:)[^)#\s]+)\)/g;

Deno.test("every path the README names exists", () => {
  const named = [...README.matchAll(PATH_LIKE)].map((match) => match[1] ?? match[2]);
  assert.ok(named.length > 10, `${named.length} paths`);
  const missing = named.filter((path) => {
    try {
      Deno.statSync(new URL(path, ROOT));
      return false;
    } catch {
      return true;
    }
  });
  assert.deepEqual(missing, []);
});

Deno.test("the behaviour contract's §1.1 lists every variable with its default, in table order", () => {
  const contract = Deno.readTextFileSync(new URL("docs/behaviour.md", ROOT));
  const section = contract.slice(contract.indexOf("### 1.1"), contract.indexOf("### 1.2"));
  const rows = rowsOf(section).map(([variable, defaultText]) => [variable, defaultText]);
  assert.deepEqual(
    rows,
    rowsOf(configurationTable()).map(([variable, defaultText]) => [variable, defaultText]),
  );
});

Deno.test("the behaviour contract's §5.5 lists every /metrics family with its type, in order", () => {
  const contract = Deno.readTextFileSync(new URL("docs/behaviour.md", ROOT));
  const section = contract.slice(contract.indexOf("### 5.5"), contract.indexOf("## 6."));
  const rows = rowsOf(section).flatMap(([names, type]) =>
    [...names.matchAll(/`([a-z_]+)`/g)].map((match) => [match[1], type])
  );
  assert.deepEqual(rows, FAMILIES.map(({ name, type }) => [name, type]));
});

Deno.test("docs/observability.md says what each /metrics family is and what normal looks like", () => {
  const docs = Deno.readTextFileSync(new URL("docs/observability.md", ROOT));
  const section = docs.slice(docs.indexOf("## What the adapter exposes"), docs.indexOf("## The "));
  const names = rowsOf(section).flatMap(([series]) =>
    [...series.matchAll(/`([a-z_]+)(?:\{[^}]*\})?`/g)].map((match) => match[1])
  );
  assert.deepEqual(names.sort(), FAMILIES.map(({ name }) => name).sort());
});
