/**
 * The Kubernetes 1.36 OpenAPI schema, as `kubernetes-models` compiles it (one ajv validator
 * per type): types, required fields, enums and formats (quantities, int-or-string); and the
 * Prometheus Operator's CRDs, as `@kubernetes-models/prometheus-operator` compiles them. Each
 * kind is imported on first use, so only the schemas the examples need are loaded.
 *
 * @module
 */
import process from "node:process";

/** One ajv error, as the compiled validators report them (all errors, not just the first). */
interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
}

type Validate = ((data: unknown) => boolean) & { errors?: SchemaError[] | null };

const validators = new Map<string, Promise<Validate | undefined>>();

/** The packages of the custom resources' models, by API group; the rest are Kubernetes'. */
const CUSTOM_RESOURCE_PACKAGES: Readonly<Record<string, string>> = {
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
};

/**
 * The module of `kubernetes-models` for a kind: `apps/v1` `Deployment` →
 * `kubernetes-models/apps/v1/Deployment`, core `v1` `Pod` → `kubernetes-models/v1/Pod`; or of
 * a custom resource's package: `monitoring.coreos.com/v1` `PrometheusRule` →
 * `@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule`.
 */
function modulePath(apiVersion: string, kind: string): string {
  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
  return `${CUSTOM_RESOURCE_PACKAGES[group] ?? "kubernetes-models"}/${apiVersion}/${kind}`;
}

/**
 * Imports a module of `kubernetes-models`. Its format validators load the `punycode` module
 * of Node, which prints a deprecation warning; that one warning is kept out of the test
 * output, and the setting restored at once.
 */
async function importQuietly(specifier: string): Promise<Record<string, unknown>> {
  const noDeprecation = process.noDeprecation;
  process.noDeprecation = true;
  try {
    return await import(specifier);
  } finally {
    process.noDeprecation = noDeprecation;
  }
}

function kindValidator(apiVersion: string, kind: string): Promise<Validate | undefined> {
  const key = `${apiVersion} ${kind}`;
  if (!validators.has(key)) {
    validators.set(
      key,
      importQuietly(modulePath(apiVersion, kind)).then(
        (module) => {
          const model = module[kind] as { new (data: unknown): { validate(): void } } | undefined;
          if (model === undefined) return undefined;
          const validate: Validate = (data) => {
            try {
              new model(data).validate();
              validate.errors = null;
              return true;
            } catch (error) {
              validate.errors = (error as { errors?: SchemaError[] }).errors ?? null;
              if (validate.errors === null) throw error;
              return false;
            }
          };
          return validate;
        },
        () => undefined,
      ),
    );
  }
  return validators.get(key)!;
}

function definitionValidator(definition: string): Promise<Validate | undefined> {
  if (!validators.has(definition)) {
    validators.set(
      definition,
      importQuietly(`kubernetes-models/_schemas/${definition}`).then(
        (module) => module.validate as Validate,
        () => undefined,
      ),
    );
  }
  return validators.get(definition)!;
}

/** `/spec/containers/0/ports/0/containerPort` → `spec.containers[0].ports[0].containerPort`. */
function fieldPath(instancePath: string): string {
  return instancePath.split("/").slice(1).map((part) =>
    part.replaceAll("~1", "/").replaceAll("~0", "~")
  )
    .reduce(
      (path, part) =>
        /^\d+$/.test(part) ? `${path}[${part}]` : path === "" ? part : `${path}.${part}`,
      "",
    );
}

function describe({ instancePath, keyword, params }: SchemaError): string {
  const where = fieldPath(instancePath);
  const prefix = where === "" ? "" : `${where}: `;
  switch (keyword) {
    case "type":
      return `${prefix}must be ${params.type}`;
    case "required":
      return `${prefix}must have required property ${JSON.stringify(params.missingProperty)}`;
    case "enum":
      return `${prefix}must be one of ${(params.allowedValues as string[]).join(", ")}`;
    case "format":
      return `${prefix}must match format ${JSON.stringify(params.format)}`;
    case "pattern":
      return `${prefix}must match pattern ${JSON.stringify(params.pattern)}`;
    default:
      return `${prefix}${keyword} ${JSON.stringify(params)}`;
  }
}

function run(validate: Validate, data: unknown): string[] {
  if (validate(data)) return [];
  return (validate.errors ?? []).map(describe);
}

/**
 * What the schema of its apiVersion and kind finds wrong with an object, one line per error
 * (`spec.template.spec.containers[0].ports[0].containerPort: must be integer`); throws when
 * `kubernetes-models` has no schema for that kind.
 */
export async function schemaErrors(
  object: { apiVersion: string; kind: string },
): Promise<string[]> {
  const validate = await kindValidator(object.apiVersion, object.kind);
  if (validate === undefined) {
    throw new Error(`No Kubernetes schema for ${object.apiVersion} ${object.kind}`);
  }
  return run(validate, object);
}

/**
 * The same for a part of an object, by its OpenAPI definition name
 * (`io.k8s.api.core.v1.Container` is `IoK8sApiCoreV1Container`).
 */
export async function definitionErrors(definition: string, value: unknown): Promise<string[]> {
  const validate = await definitionValidator(definition);
  if (validate === undefined) throw new Error(`No Kubernetes schema named ${definition}`);
  return run(validate, value);
}
