/**
 * A hand-written shape check for the Prometheus Operator's PrometheusRule
 * (`monitoring.coreos.com/v1`) and for a plain Prometheus rule file, whose content a
 * PrometheusRule's `spec` is: groups of alerting and recording rules. The CRD's own schema
 * (`@kubernetes-models/prometheus-operator`, through `schemaErrors`) checks types and patterns
 * but lets unknown fields through, which a cluster with the CRD prunes or refuses; this check
 * reports them. promtool checks the expressions themselves (tests/monitoring/).
 *
 * @module
 */

import {
  arrayOf,
  duration,
  type FieldCheck,
  isPlainObject,
  mapOf,
  object,
  oneOf,
  string,
} from "./field_checks.ts";

const integer: FieldCheck = (value, path) =>
  Number.isInteger(value) ? [] : [`${path}: must be integer`];

const rule: FieldCheck = (value, path) => {
  const errors = object({
    alert: string,
    record: string,
    expr: string,
    for: duration,
    keep_firing_for: duration,
    labels: mapOf(string),
    annotations: mapOf(string),
  }, ["expr"])(value, path);
  if (isPlainObject(value) && ("alert" in value) === ("record" in value)) {
    errors.push(`${path}: must have exactly one of "alert" and "record"`);
  }
  if (isPlainObject(value) && "record" in value && ("for" in value || "annotations" in value)) {
    errors.push(`${path}: a recording rule has no "for" or "annotations"`);
  }
  return errors;
};

const ruleGroups = object({
  groups: arrayOf(object({
    name: string,
    interval: duration,
    query_offset: duration,
    limit: integer,
    partial_response_strategy: string,
    labels: mapOf(string),
    rules: arrayOf(rule),
  }, ["name"])),
}, ["groups"]);

const prometheusRule = object({
  apiVersion: oneOf("monitoring.coreos.com/v1"),
  kind: oneOf("PrometheusRule"),
  metadata: object({
    name: string,
    namespace: string,
    labels: mapOf(string),
    annotations: mapOf(string),
  }, ["name"]),
  spec: ruleGroups,
}, ["apiVersion", "kind", "metadata", "spec"]);

/**
 * What is wrong with a PrometheusRule's fields, one line per error
 * (`unknown field "spec.groups[0].rules[0].labelz"`).
 */
export function prometheusRuleErrors(value: unknown): string[] {
  return prometheusRule(value, "");
}

/** The same for a plain rule file (`groups:` at the top). */
export function ruleFileErrors(value: unknown): string[] {
  return ruleGroups(value, "");
}
