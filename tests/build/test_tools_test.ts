import assert from "node:assert/strict";
import { installLine, isInstalled, missingTools, TOOLS } from "../../scripts/test_tools.ts";
import denoConfig from "../../deno.json" with { type: "json" };
import { needs } from "../helpers/tools.ts";

const ROOT = new URL("../../", import.meta.url);

Deno.test("installLine() names the Debian packages of the missing tools, once each, sorted", () => {
  assert.equal(
    installLine(["redis-server", "haproxy", "haproxy"]),
    "sudo apt-get install -y --no-install-recommends haproxy redis-server",
  );
  assert.equal(TOOLS.systemd.debianPackage, "systemd");
});

Deno.test("missingTools() finds the programs on this machine", () => {
  assert.equal(isInstalled("python3"), true);
  assert.deepEqual(missingTools(["python3"]), []);
});

Deno.test("needs() never ignores a test under CI, where a missing tool must fail it", () => {
  const saved = Deno.env.get("CI");
  Deno.env.set("CI", "true");
  try {
    assert.deepEqual(needs("python3"), { ignore: false });
  } finally {
    if (saved === undefined) Deno.env.delete("CI");
    else Deno.env.set("CI", saved);
  }
});

Deno.test("the README's test command installs the tools first, and CI runs with CI=true", () => {
  assert.ok(
    denoConfig.tasks.test.startsWith(
      "deno run --quiet --allow-all --no-prompt scripts/test_tools.ts && ",
    ),
  );
  const ci = Deno.readTextFileSync(new URL(".ci/run", ROOT));
  assert.match(ci, /^export CI=true$/m);
});
