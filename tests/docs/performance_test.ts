import assert from "node:assert/strict";
import { RUNGS } from "../../bench/breakdown.ts";
import { PARTS } from "../../bench/options.ts";

const ROOT = new URL("../../", import.meta.url);
const PERFORMANCE = Deno.readTextFileSync(new URL("docs/performance.md", ROOT));
const README = Deno.readTextFileSync(new URL("README.md", ROOT));

/** The first cell of each row of the table between `<!-- name -->` and `<!-- end name -->`. */
function firstCells(markdown: string, name: string): string[] {
  const start = markdown.indexOf(`<!-- ${name} -->`);
  const end = markdown.indexOf(`<!-- end ${name} -->`);
  assert.ok(start !== -1 && end > start, `a ${name} section`);
  return markdown.slice(start, end).split("\n")
    .filter((line) => line.startsWith("|") && !/^\|[\s|:-]+\|$/.test(line))
    .slice(1)
    .map((line) => line.slice(1).split("|")[0].trim());
}

Deno.test("docs/performance.md's breakdown table has the rungs of bench/breakdown.ts, in order", () => {
  const expected = RUNGS.map((rung, i) =>
    rung.base === undefined ? `${i + 1}. ${rung.name}` : `beside: ${rung.name}`
  );
  assert.deepEqual(firstCells(PERFORMANCE, "breakdown-table"), expected);
});

Deno.test("docs/performance.md names the command that makes each of its tables", () => {
  assert.ok(PERFORMANCE.includes("`deno task bench -- --only=breakdown`"));
  assert.ok(PERFORMANCE.includes("`deno task bench -- --only=footprint,flood,timers`"));
  assert.ok(PERFORMANCE.includes("`deno task bench -- --only=soak`"));
  for (const part of PARTS) assert.ok(PERFORMANCE.includes(`\`${part}\``), part);
});

Deno.test("README's performance section points to docs/performance.md", () => {
  const section = README.slice(README.indexOf("## Performance"), README.indexOf("## Development"));
  assert.ok(section.includes("(docs/performance.md)"));
  assert.ok(section.includes("`deno task bench`"));
});
