/**
 * Hand-written shape checks for custom resources (the Prometheus Operator's PodMonitor and
 * PrometheusRule), which neither the core OpenAPI schema nor the API's models describe: each
 * field's type, and every field the CRD does not know reported as unknown, in the form of the
 * schema checks (`spec.podMetricsEndpoints[0].interval: must be a Prometheus duration such as
 * 30s`, `unknown field "spec.selectr"`).
 *
 * @module
 */

/** Checks one field's value; returns one error line per problem, each naming `path`. */
export type FieldCheck = (value: unknown, path: string) => string[];

/** A Prometheus duration (`30s`, `1m30s`), the pattern of the CRD's `Duration` type. */
export const DURATION =
  /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/;

/** A string. */
export const string: FieldCheck = (value, path) =>
  typeof value === "string" ? [] : [`${path}: must be string`];

/** A boolean. */
export const boolean: FieldCheck = (value, path) =>
  typeof value === "boolean" ? [] : [`${path}: must be boolean`];

/** A Prometheus duration. */
export const duration: FieldCheck = (value, path) =>
  typeof value === "string" && value !== "" && DURATION.test(value)
    ? []
    : [`${path}: must be a Prometheus duration such as 30s`];

/** A port number. */
export const port: FieldCheck = (value, path) =>
  Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535
    ? []
    : [`${path}: must be an integer from 1 to 65535`];

/** An absolute URL path. */
export const urlPath: FieldCheck = (value, path) =>
  typeof value === "string" && value.startsWith("/")
    ? []
    : [`${path}: must be a path such as /metrics`];

/** One of these strings. */
export function oneOf(...values: string[]): FieldCheck {
  return (value, path) =>
    values.includes(value as string) ? [] : [`${path}: must be one of ${values.join(", ")}`];
}

/** An array of items that each pass `item`. */
export function arrayOf(item: FieldCheck): FieldCheck {
  return (value, path) =>
    Array.isArray(value)
      ? value.flatMap((element, index) => item(element, `${path}[${index}]`))
      : [`${path}: must be array`];
}

/** An object whose values each pass `item`. */
export function mapOf(item: FieldCheck): FieldCheck {
  return (value, path) =>
    isPlainObject(value)
      ? Object.entries(value).flatMap(([key, element]) =>
        item(element, `${path}[${JSON.stringify(key)}]`)
      )
      : [`${path}: must be object`];
}

/** Whether `value` is an object, not an array or null. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * An object with these fields and no other (an unknown field is reported, as a cluster with
 * the CRD refuses it), the `required` ones present.
 */
export function object(
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
