/**
 * A hand-written shape check for the Prometheus Operator's PodMonitor
 * (`monitoring.coreos.com/v1`): a custom resource, so neither the core OpenAPI schema nor the
 * API's models describe it. It covers the fields a scrape of the adapter uses and the common
 * ones beside them, with their types; any other field is reported as unknown, as a cluster
 * with the CRD installed would refuse it (CRDs prune or reject unknown fields).
 *
 * @module
 */

type FieldCheck = (value: unknown, path: string) => string[];

/** A Prometheus duration (`30s`, `1m30s`), the pattern of the CRD's `Duration` type. */
const DURATION =
  /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/;

const string: FieldCheck = (value, path) =>
  typeof value === "string" ? [] : [`${path}: must be string`];

const boolean: FieldCheck = (value, path) =>
  typeof value === "boolean" ? [] : [`${path}: must be boolean`];

const duration: FieldCheck = (value, path) =>
  typeof value === "string" && value !== "" && DURATION.test(value)
    ? []
    : [`${path}: must be a Prometheus duration such as 30s`];

const port: FieldCheck = (value, path) =>
  Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535
    ? []
    : [`${path}: must be an integer from 1 to 65535`];

const urlPath: FieldCheck = (value, path) =>
  typeof value === "string" && value.startsWith("/")
    ? []
    : [`${path}: must be a path such as /metrics`];

function oneOf(...values: string[]): FieldCheck {
  return (value, path) =>
    values.includes(value as string) ? [] : [`${path}: must be one of ${values.join(", ")}`];
}

function arrayOf(item: FieldCheck): FieldCheck {
  return (value, path) =>
    Array.isArray(value)
      ? value.flatMap((element, index) => item(element, `${path}[${index}]`))
      : [`${path}: must be array`];
}

function mapOf(item: FieldCheck): FieldCheck {
  return (value, path) =>
    isPlainObject(value)
      ? Object.entries(value).flatMap(([key, element]) =>
        item(element, `${path}[${JSON.stringify(key)}]`)
      )
      : [`${path}: must be object`];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function object(
  fields: Readonly<Record<string, FieldCheck>>,
  required: readonly string[] = [],
): FieldCheck {
  return (value, path) => {
    if (!isPlainObject(value)) return [`${path}: must be object`];
    const at = (key: string) => path === "" ? key : `${path}.${key}`;
    const missing = required.filter((key) => !(key in value))
      .map((key) => `${path === "" ? "" : `${path}: `}must have required property "${key}"`);
    const checked = Object.entries(value).flatMap(([key, element]) =>
      fields[key] === undefined
        ? [`unknown field ${JSON.stringify(at(key))}`]
        : fields[key](element, at(key))
    );
    return [...missing, ...checked];
  };
}

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
