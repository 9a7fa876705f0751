/**
 * Writes `examples/monitoring/prometheusrule.yaml`, the Prometheus Operator's PrometheusRule,
 * from `examples/monitoring/sd-notify-adapter.rules.yaml`, the plain rule file that promtool
 * checks and tests: `deno run --allow-read --allow-write scripts/prometheus_rule.ts`. A
 * PrometheusRule's `spec` is a rule file's content, so the groups are copied as text, their
 * comments with them. `tests/monitoring/rules_test.ts` fails when the two differ.
 *
 * @module
 */

/** The plain rule file, the one to edit. */
export const RULES_FILE = new URL(
  "../examples/monitoring/sd-notify-adapter.rules.yaml",
  import.meta.url,
);
/** The PrometheusRule made from it. */
export const PROMETHEUS_RULE_FILE = new URL(
  "../examples/monitoring/prometheusrule.yaml",
  import.meta.url,
);

const HEADER =
  `# For the Prometheus Operator: the alert rules of sd-notify-adapter.rules.yaml (next to this
# file) in a PrometheusRule. Made from that file by
# \`deno run --allow-read --allow-write scripts/prometheus_rule.ts\`: edit that file, not this one
# (a test fails when they differ). docs/observability.md explains each alert.
#
# Apply it in the namespace of the services, or where the operator's Prometheus looks for rules:
# it takes only the PrometheusRules its spec.ruleSelector selects (often a label such as
# release: <its name>): add that label here.
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: sd-notify-adapter
spec:
`;

/**
 * The PrometheusRule for the text of a rule file: its leading comment dropped, the rest
 * indented under `spec:`.
 *
 * @example
 * ```ts
 * prometheusRule("# rules\ngroups:\n  - name: a\n    rules: []\n").endsWith(
 *   "spec:\n  groups:\n    - name: a\n      rules: []\n",
 * ); // true
 * ```
 */
export function prometheusRule(rules: string): string {
  const lines = rules.split("\n");
  const body = lines.slice(lines.findIndex((line) => !line.startsWith("#")));
  return HEADER + body.map((line) => line === "" ? "" : `  ${line}`).join("\n");
}

if (import.meta.main) {
  Deno.writeTextFileSync(PROMETHEUS_RULE_FILE, prometheusRule(Deno.readTextFileSync(RULES_FILE)));
}
