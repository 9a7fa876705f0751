/**
 * A hand-written shape check for the Prometheus Operator's PodMonitor
 * (`monitoring.coreos.com/v1`): a custom resource, so neither the core OpenAPI schema nor the
 * API's models describe it. It covers the fields a scrape of the adapter uses and the common
 * ones beside them, with their types; any other field is reported as unknown, as a cluster
 * with the CRD installed would refuse it (CRDs prune or reject unknown fields).
 *
 * @module
 */

import {
  arrayOf,
  boolean,
  duration,
  type FieldCheck,
  isPlainObject,
  mapOf,
  object,
  oneOf,
  port,
  string,
  urlPath,
} from "./field_checks.ts";

/** Relabelling rules are passed to Prometheus as they are; their own fields are not checked. */
const relabelings = arrayOf((value, path) =>
  isPlainObject(value) ? [] : [`${path}: must be object`]
);

const labelSelector = object({
  matchLabels: mapOf(string),
  matchExpressions: arrayOf(object({
    key: string,
    operator: oneOf("In", "NotIn", "Exists", "DoesNotExist"),
    values: arrayOf(string),
  }, ["key", "operator"])),
});

const endpoint: FieldCheck = (value, path) => {
  const errors = object({
    port: string,
    portNumber: port,
    path: urlPath,
    scheme: oneOf("http", "https", "HTTP", "HTTPS"),
    interval: duration,
    scrapeTimeout: duration,
    honorLabels: boolean,
    honorTimestamps: boolean,
    filterRunning: boolean,
    relabelings,
    metricRelabelings: relabelings,
  })(value, path);
  // Without a port the operator scrapes every port of the Pod; the examples name one.
  if (isPlainObject(value) && !("port" in value) && !("portNumber" in value)) {
    errors.push(`${path}: must name the port to scrape (port or portNumber)`);
  }
  return errors;
};

const podMonitor = object({
  apiVersion: oneOf("monitoring.coreos.com/v1"),
  kind: oneOf("PodMonitor"),
  metadata: object({
    name: string,
    namespace: string,
    labels: mapOf(string),
    annotations: mapOf(string),
  }, ["name"]),
  spec: object({
    selector: labelSelector,
    namespaceSelector: object({ any: boolean, matchNames: arrayOf(string) }),
    podMetricsEndpoints: arrayOf(endpoint),
    jobLabel: string,
    podTargetLabels: arrayOf(string),
  }, ["selector", "podMetricsEndpoints"]),
}, ["apiVersion", "kind", "metadata", "spec"]);

/**
 * What is wrong with a PodMonitor, one line per error, in the form of the schema checks
 * (`spec.podMetricsEndpoints[0].interval: must be a Prometheus duration such as 30s`).
 */
export function podMonitorErrors(value: unknown): string[] {
  return podMonitor(value, "");
}
