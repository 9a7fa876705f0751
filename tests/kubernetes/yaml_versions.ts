/**
 * Where a YAML text reads differently under YAML 1.1 and YAML 1.2. Kubernetes' own parsers
 * (kubectl's sigs.k8s.io/yaml, Go's yaml.v2) and PyYAML follow YAML 1.1; the `yaml` npm
 * package, and so these tests, follow YAML 1.2 by default. A manifest that means one thing to
 * its tests and another to the cluster is a bug that no schema check can see: `0440` is 288
 * (octal) under 1.1 and 440 under 1.2; `on`, `yes`, `y` are booleans under 1.1 only; `1:20`
 * is 80 under 1.1; `2024-05-01` is a timestamp under 1.1.
 *
 * @module
 */
import { isDeepStrictEqual } from "node:util";
import { parseAllDocuments } from "yaml";

type Version = "1.1" | "1.2";

function read(text: string, version: Version): unknown[] {
  return parseAllDocuments(text, { version }).map((document) => document.toJS());
}

function describe(value: unknown): string {
  return value instanceof Date ? `the timestamp ${value.toISOString()}` : JSON.stringify(value);
}

function differences(a: unknown, b: unknown, path: string): string[] {
  if (isDeepStrictEqual(a, b)) return [];
  const bothObjects = typeof a === "object" && a !== null && !(a instanceof Date) &&
    typeof b === "object" && b !== null && !(b instanceof Date) &&
    Array.isArray(a) === Array.isArray(b);
  if (!bothObjects) {
    return [
      `${path === "" ? "(document)" : path}: YAML 1.1 reads ${describe(a)}, YAML 1.2 reads ${
        describe(b)
      }`,
    ];
  }
  const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
  return [...keys].flatMap((key) => {
    const at = Array.isArray(a) ? `${path}[${key}]` : path === "" ? key : `${path}.${key}`;
    return differences(
      (a as Record<string, unknown>)[key],
      (b as Record<string, unknown>)[key],
      at,
    );
  });
}

/**
 * Every value of `text` that YAML 1.1 and YAML 1.2 read differently, as
 * `#0 spec.volumes[1].secret.defaultMode: YAML 1.1 reads 288, YAML 1.2 reads 440`
 * (`#n` the document's index in the file); empty when both read the same.
 */
export function versionDifferences(text: string): string[] {
  const old = read(text, "1.1");
  const current = read(text, "1.2");
  const count = Math.max(old.length, current.length);
  return Array.from({ length: count }, (_, index) => index).flatMap((index) =>
    differences(old[index], current[index], "").map((difference) => `#${index} ${difference}`)
  );
}
