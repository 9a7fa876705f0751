/**
 * Strict field checking, as `kubectl apply` does by default (server-side field validation
 * "Strict"): every field of an object must be one the API knows. The OpenAPI schemas that
 * `kubernetes-models` validates against accept unknown fields, so a typo such as
 * `readinesProbe` would pass them and be dropped, silently, by a lenient client.
 *
 * The known fields come from the API's own generated models, as `@kubernetes/client-node`
 * ships them for Kubernetes 1.36: each model class lists its JSON fields and their types in
 * `attributeTypeMap`. Only the models are imported, not the client.
 *
 * @module
 */
import * as models from "@kubernetes/client-node/dist/gen/models/all.js";

interface Attribute {
  readonly baseName: string;
  readonly type: string;
}

type Model = { getAttributeTypeMap?: () => Attribute[] };

const MODELS = models as unknown as Readonly<Record<string, Model>>;

const ARRAY = /^Array<(.+)>$/;
const MAP = /^\{ \[key: string\]: (.+); \}$/;

/**
 * The model that describes an object of this apiVersion and kind (`apps/v1` `Deployment` →
 * `V1Deployment`), or undefined when the API has none (a custom resource).
 *
 * @example
 * ```ts
 * modelName("batch/v1", "Job"); // "V1Job"
 * ```
 */
export function modelName(apiVersion: string, kind: string): string | undefined {
  const version = apiVersion.slice(apiVersion.lastIndexOf("/") + 1);
  const name = `V${version.slice(1)}${kind}`;
  return MODELS[name]?.getAttributeTypeMap ? name : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Every field of `value` that the model `type` (and, below it, each field's own type) does
 * not know, as the API server names them in a strict decoding error:
 * `unknown field "spec.template.spec.containers[0].readinesProbe"`. A value whose shape does
 * not match its type (a string where an object belongs) is left to the schema check.
 *
 * @example
 * ```ts
 * unknownFields({ name: "a", image: "b", restartPolicyy: "Always" }, "V1Container");
 * // ['unknown field "restartPolicyy"']
 * ```
 */
export function unknownFields(value: unknown, type: string, path = ""): string[] {
  const array = ARRAY.exec(type);
  if (array) {
    if (!Array.isArray(value)) return [];
    return value.flatMap((item, index) => unknownFields(item, array[1], `${path}[${index}]`));
  }
  const map = MAP.exec(type);
  if (map) {
    if (!isPlainObject(value)) return [];
    return Object.entries(value).flatMap(([key, item]) =>
      unknownFields(item, map[1], `${path}[${JSON.stringify(key)}]`)
    );
  }
  const attributes = MODELS[type]?.getAttributeTypeMap?.();
  // Scalars ("string", "number", "boolean", "Date", "IntOrString") and "any" have no fields.
  if (attributes === undefined || !isPlainObject(value)) return [];
  const fields = new Map(attributes.map(({ baseName, type }) => [baseName, type]));
  return Object.entries(value).flatMap(([key, item]) => {
    const field = path === "" ? key : `${path}.${key}`;
    const fieldType = fields.get(key);
    if (fieldType === undefined) return [`unknown field ${JSON.stringify(field)}`];
    return unknownFields(item, fieldType, field);
  });
}
