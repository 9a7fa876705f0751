import assert from "node:assert/strict";
import { versionDifferences } from "./yaml_versions.ts";

Deno.test("`versionDifferences()` finds what YAML 1.1 and YAML 1.2 read differently", () => {
  const text = [
    "spec:",
    "  volumes:",
    "    - secret:",
    "        defaultMode: 0440",
    "  enabled: on",
    "  window: 1:20",
    "  since: 2024-05-01",
    "---",
    "answer: y",
  ].join("\n");
  assert.deepEqual(versionDifferences(text), [
    "#0 spec.volumes[0].secret.defaultMode: YAML 1.1 reads 288, YAML 1.2 reads 440",
    '#0 spec.enabled: YAML 1.1 reads true, YAML 1.2 reads "on"',
    '#0 spec.window: YAML 1.1 reads 80, YAML 1.2 reads "1:20"',
    '#0 spec.since: YAML 1.1 reads the timestamp 2024-05-01T00:00:00.000Z, YAML 1.2 reads "2024-05-01"',
    '#1 answer: YAML 1.1 reads true, YAML 1.2 reads "y"',
  ]);
});

Deno.test("`versionDifferences()` accepts what both read alike: decimal modes, quoted strings, true", () => {
  const text = 'defaultMode: 288 # 0440\nenabled: "on"\nready: true\nwindow: "1:20"\n';
  assert.deepEqual(versionDifferences(text), []);
});
