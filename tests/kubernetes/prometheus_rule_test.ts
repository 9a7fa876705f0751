import assert from "node:assert/strict";
import { prometheusRuleErrors, ruleFileErrors } from "./prometheus_rule.ts";
import { schemaErrors } from "./schema.ts";

function prometheusRule() {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: { name: "a" },
    spec: {
      groups: [{
        name: "a",
        rules: [
          { alert: "Down", expr: "up == 0", for: "5m", labels: { severity: "warning" } },
          { record: "job:up:sum", expr: "sum by (job) (up)" },
        ],
      }],
    },
  };
}

Deno.test("`prometheusRuleErrors()` and the CRD's schema accept a PrometheusRule with alerts and records", async () => {
  assert.deepEqual(prometheusRuleErrors(prometheusRule()), []);
  assert.deepEqual(await schemaErrors(prometheusRule()), []);
  assert.deepEqual(ruleFileErrors(prometheusRule().spec), []);
});

Deno.test("`prometheusRuleErrors()` names unknown fields, wrong values and missing ones", () => {
  const broken = prometheusRule();
  Object.assign(broken.spec.groups[0].rules[0], { for: "5 minutes", labelz: {} });
  Object.assign(broken.spec.groups[0].rules[1], { alert: "Both", annotations: {} });
  Object.assign(broken.spec, { group: [] });
  assert.deepEqual(prometheusRuleErrors(broken), [
    "spec.groups[0].rules[0].for: must be a Prometheus duration such as 30s",
    'unknown field "spec.groups[0].rules[0].labelz"',
    'spec.groups[0].rules[1]: must have exactly one of "alert" and "record"',
    'spec.groups[0].rules[1]: a recording rule has no "for" or "annotations"',
    'unknown field "spec.group"',
  ]);
  assert.deepEqual(ruleFileErrors({ groups: [{ rules: [{}] }] }), [
    'groups[0]: must have required property "name"',
    'groups[0].rules[0]: must have required property "expr"',
    'groups[0].rules[0]: must have exactly one of "alert" and "record"',
  ]);
});

Deno.test("`schemaErrors()` checks a PrometheusRule against the CRD's schema", async () => {
  const broken = prometheusRule();
  Object.assign(broken.spec.groups[0].rules[0], { for: "5 minutes" });
  assert.deepEqual(await schemaErrors(broken), [
    "spec.groups[0].rules[0].for: must match pattern " +
    '"^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$"',
  ]);
});
