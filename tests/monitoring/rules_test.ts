// The alert rules of examples/monitoring/: promtool checks and unit-tests them, the
// PrometheusRule holds the same rules, and every alert has its runbook in docs/observability.md.
import assert from "node:assert/strict";
import { parse } from "yaml";
import { PROMETHEUS_RULE_FILE, prometheusRule, RULES_FILE } from "../../scripts/prometheus_rule.ts";
import { promtool } from "../helpers/promtool.ts";
import { needs } from "../helpers/tools.ts";
import { unknownReferences } from "./metric_references.ts";

const ROOT = new URL("../../", import.meta.url);
const RULES_TESTS = new URL("alerts.test.yaml", import.meta.url);
const OBSERVABILITY = new URL("docs/observability.md", ROOT);

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

function alerts(): Rule[] {
  const { groups } = parse(Deno.readTextFileSync(RULES_FILE)) as { groups: { rules: Rule[] }[] };
  return groups.flatMap((group) => group.rules);
}

/** The anchor GitHub gives a Markdown heading: lower case, punctuation dropped, blanks dashes. */
function anchor(heading: string): string {
  return heading.toLowerCase().replace(/[^\w\- ]/g, "").replace(/ /g, "-");
}

Deno.test(
  "rules: promtool checks the rule file, with every lint, and finds every alert",
  needs("promtool"),
  async () => {
    const result = await promtool([
      "check",
      "rules",
      "--lint=all",
      "--lint-fatal",
      RULES_FILE.pathname,
    ]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, new RegExp(`SUCCESS: ${alerts().length} rules found`));
  },
);

Deno.test(
  "rules: promtool's unit tests fire each alert when they should, and not when they should not",
  needs("promtool"),
  async () => {
    const result = await promtool(["test", "rules", RULES_TESTS.pathname]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /SUCCESS/);
  },
);

Deno.test("rules: every alert has a unit test that fires it and input that must not fire it", () => {
  const { tests } = parse(Deno.readTextFileSync(RULES_TESTS)) as {
    tests: {
      input_series: { series: string }[];
      alert_rule_test: { alertname: string; exp_alerts: { exp_labels: { pod: string } }[] }[];
    }[];
  };
  for (const { alert } of alerts()) {
    const cases = tests.filter((test) =>
      test.alert_rule_test.some(({ alertname }) => alertname === alert)
    );
    const fired = new Set(
      cases.flatMap((test) =>
        test.alert_rule_test.filter(({ alertname }) => alertname === alert)
          .flatMap(({ exp_alerts }) => exp_alerts.map(({ exp_labels }) => exp_labels.pod))
      ),
    );
    const pods = new Set(
      cases.flatMap((test) =>
        test.input_series.map(({ series }) => /pod="([^"]+)"/.exec(series)?.[1])
      ),
    );
    assert.ok(fired.size > 0, `${alert}: no case fires it`);
    assert.ok([...pods].some((pod) => !fired.has(pod!)), `${alert}: no case must not fire it`);
  }
});

Deno.test("rules: every alert has a severity, a summary, a description and a runbook in docs/observability.md", () => {
  const docs = Deno.readTextFileSync(OBSERVABILITY);
  const headings = new Set(
    [...docs.matchAll(/^#{2,4} (.+)$/gm)].map(([, heading]) => anchor(heading)),
  );
  for (const rule of alerts()) {
    const where = rule.alert ?? rule.record;
    assert.ok(rule.alert, `${where}: only alerts here`);
    assert.ok(["warning", "info", "critical"].includes(rule.labels?.severity ?? ""), where);
    assert.deepEqual(Object.keys(rule.annotations ?? {}), [
      "summary",
      "description",
      "runbook_url",
    ]);
    assert.equal(
      rule.annotations!.runbook_url,
      `docs/observability.md#${rule.alert!.toLowerCase()}`,
    );
    assert.ok(
      headings.has(rule.alert!.toLowerCase()),
      `${where}: no section ${rule.alert} in the docs`,
    );
  }
});

Deno.test("rules: every metric, label and label value an alert names is one the adapter exposes", () => {
  for (const rule of alerts()) assert.deepEqual(unknownReferences(rule.expr), [], rule.alert);
});

Deno.test("rules: the PrometheusRule holds the rule file's rules (scripts/prometheus_rule.ts made it)", () => {
  const rules = Deno.readTextFileSync(RULES_FILE);
  const made = Deno.readTextFileSync(PROMETHEUS_RULE_FILE);
  assert.equal(
    made,
    prometheusRule(rules),
    "stale: run deno run --allow-read --allow-write scripts/prometheus_rule.ts",
  );
  assert.deepEqual(parse(made).spec, parse(rules));
});
