/**
 * Every YAML document under `examples/`, read and sorted into what can be checked: complete
 * Kubernetes objects (with `apiVersion` and `kind`), fragments (a container, a list of
 * containers, or a Pod spec) that a guide shows for pasting into a Pod, and Prometheus rule
 * files. Anything else is reported, so that a new kind of document gets a deliberate rule
 * rather than no check.
 *
 * @module
 */
import { parseAllDocuments } from "yaml";
import type { Container, PodMetadata, PodSpec } from "./pod_security.ts";
import { definitionErrors, schemaErrors } from "./schema.ts";
import { modelName, unknownFields } from "./known_fields.ts";
import { podMonitorErrors } from "./pod_monitor.ts";
import { prometheusRuleErrors, ruleFileErrors } from "./prometheus_rule.ts";

/** A Kubernetes object, as far as the checks read it. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // deno-lint-ignore no-explicit-any
  spec?: any;
}

/** One YAML document of an example file; `index` counts from 0 within the file. */
export type Document =
  & { file: string; index: number }
  & (
    | { shape: "object"; value: KubernetesObject }
    | { shape: "container"; value: Container }
    | { shape: "containers"; value: Container[] }
    | { shape: "podSpec"; value: PodSpec }
    | { shape: "ruleFile"; value: { groups: unknown[] } }
    | { shape: "unknown"; value: unknown }
  );

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isContainer(value: unknown): value is Container {
  return isPlainObject(value) && typeof value.name === "string" && "image" in value;
}

/** The shape of a parsed YAML document, by the fields it has. */
export function classify(value: unknown): Document["shape"] {
  if (
    isPlainObject(value) && typeof value.apiVersion === "string" && typeof value.kind === "string"
  ) {
    return "object";
  }
  if (isContainer(value)) return "container";
  if (Array.isArray(value) && value.length > 0 && value.every(isContainer)) return "containers";
  if (isPlainObject(value) && Array.isArray(value.containers)) return "podSpec";
  if (isPlainObject(value) && Array.isArray(value.groups)) return "ruleFile";
  return "unknown";
}

/** The `.yaml`/`.yml` files under `directory`, recursively, relative to it, in order. */
export function yamlFiles(directory: URL, prefix = ""): string[] {
  return [...Deno.readDirSync(directory)].flatMap((entry) => {
    if (entry.isDirectory) {
      return yamlFiles(new URL(`${entry.name}/`, directory), `${prefix}${entry.name}/`);
    }
    return /\.ya?ml$/.test(entry.name) ? [`${prefix}${entry.name}`] : [];
  }).sort();
}

/**
 * Every document of every `.yaml`/`.yml` file under `directory`, recursively, in file order;
 * empty documents (a trailing `---`) are skipped, as kubectl skips them. A file that does
 * not parse throws, naming the file and the parser's message.
 */
export function readDocuments(directory: URL): Document[] {
  return yamlFiles(directory).flatMap((file) => {
    const documents = parseAllDocuments(Deno.readTextFileSync(new URL(file, directory)));
    return documents.flatMap((document, index) => {
      if (document.errors.length > 0) {
        throw new Error(`Cannot parse ${file}: ${document.errors[0].message}`);
      }
      const value = document.toJS();
      if (value === null || value === undefined) return [];
      return [{ file, index, shape: classify(value), value } as Document];
    });
  });
}

/**
 * The Pod-level security settings a fragment is checked with: those of every Pod in
 * `examples/kubernetes/`, which the fragment is meant to be pasted into.
 */
export const FRAGMENT_POD_SECURITY_CONTEXT = Object.freeze({
  runAsNonRoot: true,
  runAsUser: 65532,
  runAsGroup: 65532,
  seccompProfile: { type: "RuntimeDefault" },
});

/** A Pod template of a workload, or the Pod itself, with where it sits in the object. */
export interface PodTemplate {
  path: string;
  metadata: PodMetadata & { labels?: Record<string, string> };
  spec: PodSpec;
}

/** Where each kind that makes Pods keeps its Pod template. */
const TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: [],
  PodTemplate: ["template"],
  ReplicationController: ["spec", "template"],
  ReplicaSet: ["spec", "template"],
  Deployment: ["spec", "template"],
  StatefulSet: ["spec", "template"],
  DaemonSet: ["spec", "template"],
  Job: ["spec", "template"],
  CronJob: ["spec", "jobTemplate", "spec", "template"],
};

/** The Pod templates of a document: none for kinds that make no Pods. */
export function podTemplates(document: Document): PodTemplate[] {
  switch (document.shape) {
    case "object": {
      const path = TEMPLATE_PATHS[document.value.kind];
      if (path === undefined) return [];
      // deno-lint-ignore no-explicit-any
      const template = path.reduce((node: any, key) => node?.[key], document.value);
      return [{
        path: path.join("."),
        metadata: template?.metadata ?? {},
        spec: template?.spec ?? {},
      }];
    }
    case "container":
    case "containers": {
      const containers = document.shape === "container" ? [document.value] : document.value;
      return [{
        path: "(fragment)",
        metadata: {},
        spec: { securityContext: { ...FRAGMENT_POD_SECURITY_CONTEXT }, containers },
      }];
    }
    case "podSpec":
      return [{ path: "(fragment)", metadata: {}, spec: document.value }];
    case "ruleFile":
    case "unknown":
      return [];
  }
}

/** The OpenAPI definition and model of each fragment shape. */
const FRAGMENT_TYPES = {
  container: { definition: "IoK8sApiCoreV1Container", model: "V1Container" },
  podSpec: { definition: "IoK8sApiCoreV1PodSpec", model: "V1PodSpec" },
} as const;

/** The hand-written field checks of the custom resources, whose schemas allow any field. */
const CUSTOM_RESOURCE_FIELDS: Readonly<Record<string, (value: unknown) => string[]>> = {
  "monitoring.coreos.com/v1 PodMonitor": podMonitorErrors,
  "monitoring.coreos.com/v1 PrometheusRule": prometheusRuleErrors,
};

/**
 * Everything the API server would refuse in a document: schema errors (types, required
 * fields, enums, patterns), unknown fields (from the API's models, or for a custom resource
 * its hand-written check); for a rule file, what Prometheus would refuse in its shape. An
 * empty list means the document is valid for Kubernetes 1.36.
 */
export async function documentErrors(document: Document): Promise<string[]> {
  switch (document.shape) {
    case "object": {
      const { apiVersion, kind } = document.value;
      const customFields = CUSTOM_RESOURCE_FIELDS[`${apiVersion} ${kind}`];
      if (customFields !== undefined) {
        return [...await schemaErrors(document.value), ...customFields(document.value)];
      }
      const model = modelName(apiVersion, kind);
      if (model === undefined) return [`no Kubernetes model for ${apiVersion} ${kind}`];
      return [...await schemaErrors(document.value), ...unknownFields(document.value, model)];
    }
    case "container":
    case "containers": {
      const { definition, model } = FRAGMENT_TYPES.container;
      const containers = document.shape === "container" ? [document.value] : document.value;
      const errors = await Promise.all(containers.map(async (container, index) => {
        const prefix = document.shape === "container" ? "" : `[${index}]`;
        const found = [
          ...await definitionErrors(definition, container),
          ...unknownFields(container, model),
        ];
        return prefix === "" ? found : found.map((error) => `${prefix} ${error}`);
      }));
      return errors.flat();
    }
    case "podSpec": {
      const { definition, model } = FRAGMENT_TYPES.podSpec;
      return [
        ...await definitionErrors(definition, document.value),
        ...unknownFields(document.value, model),
      ];
    }
    case "ruleFile":
      return ruleFileErrors(document.value);
    case "unknown":
      return [
        "neither a Kubernetes object (apiVersion and kind), nor a fragment the checks know " +
        "(a container, a list of containers, a Pod spec), nor a Prometheus rule file (groups)",
      ];
  }
}
