// The architecture, enforced: lib/core is pure (no I/O, no clock, no global listener, nothing
// from the shell), lib/shell does not depend on the commands, and nothing the adapter or its
// scripts run imports a test.
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);

/** Every TypeScript file under `directory` (relative to the repository), with its text. */
function sources(directory: string): { path: string; text: string }[] {
  const found: { path: string; text: string }[] = [];
  const walk = (relative: string) => {
    for (const entry of Deno.readDirSync(new URL(relative, ROOT))) {
      const path = `${relative}${entry.name}`;
      if (entry.isDirectory) walk(`${path}/`);
      else if (entry.name.endsWith(".ts")) {
        found.push({ path, text: Deno.readTextFileSync(new URL(path, ROOT)) });
      }
    }
  };
  walk(directory);
  return found.sort((a, b) => a.path.localeCompare(b.path));
}

/** The code without comments and string contents, so that prose and examples do not count. */
function code(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\/\/.*$/gm, "")
    .replace(/`(?:\\[\s\S]|[^`\\])*`/g, "``")
    .replace(/"(?:\\.|[^"\\\n])*"/g, '""');
}

// Comments go first: the examples in JSDoc import what they use, and are not the module's code.
const imports = (text: string) =>
  [...text.replace(/\/\*[\s\S]*?\*\//g, "").matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)]
    .map((match) => match[1]);

// Deno's types may be named (Deno.Signal), and its error classes tested against; nothing else.
const IMPURE: readonly [RegExp, string][] = [
  [/\bDeno\.(?!Signal\b|errors\b)\w+/, "Deno I/O"],
  [/\bDate\.now\b|\bperformance\.now\b|\bnew Date\(\)/, "a clock"],
  [/\bset(?:Timeout|Interval)\b|\bqueueMicrotask\b|\bAbortSignal\.timeout\b/, "a timer"],
  [/\baddEventListener\b|\bglobalThis\b|\bonunhandledrejection\b/, "a global listener"],
  [/\bMath\.random\b|\bcrypto\.getRandomValues\b|\bcrypto\.randomUUID\b/, "randomness"],
  [/\bconsole\.\w+|\bfetch\(/, "output or the network"],
];

Deno.test("lib/core is pure: no Deno I/O, clock, timer, global listener or randomness", () => {
  const found = sources("lib/core/").flatMap(({ path, text }) =>
    IMPURE.flatMap(([pattern, what]) => {
      const match = code(text).match(pattern);
      return match === null ? [] : [`${path}: ${what} (${match[0]})`];
    })
  );
  assert.deepEqual(found, []);
});

Deno.test("lib/core imports only lib/core (and deno.json for the version)", () => {
  const found = sources("lib/core/").flatMap(({ path, text }) =>
    imports(text)
      .filter((specifier) => !specifier.startsWith("./") && specifier !== "../../deno.json")
      .map((specifier) => `${path} imports ${specifier}`)
  );
  assert.deepEqual(found, []);
});

Deno.test("lib/shell does not depend on lib/commands", () => {
  const found = sources("lib/shell/").flatMap(({ path, text }) =>
    imports(text).filter((specifier) => specifier.includes("/commands/")).map((s) =>
      `${path}: ${s}`
    )
  );
  assert.deepEqual(found, []);
});

Deno.test("nothing the adapter, the scripts or the benchmarks run imports from tests/", () => {
  const found = [...sources("lib/"), ...sources("scripts/"), ...sources("bench/")]
    .flatMap(({ path, text }) =>
      imports(text).filter((specifier) => specifier.includes("tests/")).map((s) => `${path}: ${s}`)
    );
  assert.deepEqual(found, []);
});

Deno.test("the purity check catches what it is meant to catch", () => {
  const impure = (text: string) => IMPURE.some(([pattern]) => pattern.test(code(text)));
  assert.equal(impure("const now = Date.now();"), true);
  assert.equal(impure("Deno.env.get('X')"), true);
  assert.equal(impure("globalThis.addEventListener('x', f)"), true);
  assert.equal(impure("type S = Deno.Signal;"), false);
  assert.equal(impure("error instanceof Deno.errors.NotFound"), false);
  assert.equal(impure("// Date.now() is not called here"), false);
  assert.equal(impure('const text = "performance.now()";'), false);
});

/** `path#name` for every name a module imports, or re-exports, from a module of the project. */
function importedNames(): Set<string> {
  const main = { path: "main.ts", text: Deno.readTextFileSync(new URL("main.ts", ROOT)) };
  const files = [main, ...["lib/", "bench/", "scripts/", "tests/"].flatMap(sources)];
  const names = new Set<string>();
  for (const { path, text } of files) {
    const body = text.replace(/\/\*[\s\S]*?\*\//g, "");
    for (
      const [, list, specifier] of body.matchAll(
        /\b(?:import|export)\s+(?:type\s+)?\{([^}]*)\}\s*from\s*"(\.[^"]+)"/g,
      )
    ) {
      const target = new URL(specifier, new URL(path, ROOT)).pathname.slice(ROOT.pathname.length);
      for (const entry of list.split(",")) {
        const name = entry.trim().replace(/^type\s+/, "").split(/\s+as\s+/)[0];
        if (name !== "") names.add(`${target}#${name}`);
      }
    }
  }
  return names;
}

Deno.test("every export of the benchmark and the scripts is imported by another module", () => {
  const imported = importedNames();
  const unused = [...sources("bench/"), ...sources("scripts/")].flatMap(({ path, text }) =>
    [
      ...code(text).matchAll(
        /^export\s+(?:declare\s+)?(?:async\s+)?(?:function\*?|const|let|class|interface|type)\s+(\w+)/gm,
      ),
    ].map((match) => `${path}#${match[1]}`).filter((name) => !imported.has(name))
  );
  assert.deepEqual(unused, []);
});
