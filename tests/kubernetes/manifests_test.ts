import assert from "node:assert/strict";
import { classify, documentErrors, podTemplates, readDocuments } from "./manifests.ts";
import { podSecurityViolations } from "./pod_security.ts";

const CONTAINER = `name: my-service
image: ghcr.io/example/my-service:1.0.0
securityContext:
  allowPrivilegeEscalation: false
  capabilities:
    drop: ["ALL"]
`;

async function withExamples<T>(files: Record<string, string>, use: (url: URL) => T): Promise<T> {
  const directory = await Deno.makeTempDir();
  try {
    for (const [name, text] of Object.entries(files)) {
      await Deno.mkdir(`${directory}/${name}`.replace(/\/[^/]+$/, ""), { recursive: true });
      await Deno.writeTextFile(`${directory}/${name}`, text);
    }
    return await use(new URL(`file://${directory}/`));
  } finally {
    await Deno.remove(directory, { recursive: true });
  }
}

Deno.test("`classify()` tells objects from container, container-list and Pod-spec fragments, and rule files", () => {
  assert.equal(classify({ apiVersion: "v1", kind: "Pod" }), "object");
  assert.equal(classify({ name: "a", image: "b" }), "container");
  assert.equal(classify([{ name: "a", image: "b" }, { name: "c", image: "d" }]), "containers");
  assert.equal(classify({ containers: [] }), "podSpec");
  assert.equal(classify({ groups: [] }), "ruleFile");
  assert.equal(classify({ services: { web: { image: "b" } } }), "unknown");
  assert.equal(classify("text"), "unknown");
});

Deno.test("`readDocuments()` reads .yaml and .yml files recursively, in order, skipping empty documents", async () => {
  const documents = await withExamples({
    "b.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n---\n",
    "services/a/container.yml": CONTAINER,
    "services/a/notes.txt": "not YAML",
  }, readDocuments);
  assert.deepEqual(documents.map(({ file, index, shape }) => `${file} ${index} ${shape}`), [
    "b.yaml 0 object",
    "services/a/container.yml 0 container",
  ]);
});

Deno.test("`readDocuments()` throws on YAML that does not parse, naming the file", async () => {
  await assert.rejects(
    withExamples({ "bad.yaml": "a: [1, 2\n" }, readDocuments),
    /^Error: Cannot parse bad\.yaml: /,
  );
});

Deno.test("`documentErrors()` checks a container fragment against the Container schema and fields", async () => {
  const [document] = await withExamples({ "c.yaml": CONTAINER }, readDocuments);
  assert.deepEqual(await documentErrors(document), []);
  const broken = structuredClone(document);
  Object.assign(broken.value as object, { imagePullPolicy: "Sometimes", readinesProbe: {} });
  assert.deepEqual(await documentErrors(broken), [
    "imagePullPolicy: must be one of Always, IfNotPresent, Never",
    'unknown field "readinesProbe"',
  ]);
});

Deno.test("`documentErrors()` refuses a document that is neither an object nor a known fragment", async () => {
  const [document] = await withExamples(
    { "compose.yaml": "services:\n  web: {}\n" },
    readDocuments,
  );
  assert.deepEqual(await documentErrors(document), [
    "neither a Kubernetes object (apiVersion and kind), nor a fragment the checks know " +
    "(a container, a list of containers, a Pod spec), nor a Prometheus rule file (groups)",
  ]);
});

Deno.test("`podTemplates()` checks a container fragment inside the examples' Pod security context", async () => {
  const [document] = await withExamples({ "c.yaml": CONTAINER }, readDocuments);
  const [template] = podTemplates(document);
  assert.equal(template.path, "(fragment)");
  assert.deepEqual(podSecurityViolations("restricted", template.metadata, template.spec), []);
});

Deno.test("`podTemplates()` finds the Pod template of each kind that makes Pods, none elsewhere", () => {
  const pod = { metadata: { labels: { a: "b" } }, spec: { containers: [] } };
  const cases: [string, unknown][] = [
    ["Pod", pod],
    ["Deployment", { spec: { template: pod } }],
    ["StatefulSet", { spec: { template: pod } }],
    ["DaemonSet", { spec: { template: pod } }],
    ["Job", { spec: { template: pod } }],
    ["CronJob", { spec: { jobTemplate: { spec: { template: pod } } } }],
  ];
  for (const [kind, body] of cases) {
    const value = { apiVersion: "v1", kind, metadata: { name: "x" }, ...body as object };
    const templates = podTemplates({ file: "f", index: 0, shape: "object", value } as never);
    assert.deepEqual(templates.map(({ metadata, spec }) => ({ metadata, spec })), [pod], kind);
  }
  const service = { apiVersion: "v1", kind: "Service", metadata: { name: "x" }, spec: {} };
  assert.deepEqual(podTemplates({ file: "f", index: 0, shape: "object", value: service }), []);
});

Deno.test("`documentErrors()` checks a rule file's shape, and a PrometheusRule against the CRD and its fields", async () => {
  const rules = "groups:\n  - name: a\n    rules:\n      - alert: A\n        expr: up == 0\n";
  const documents = await withExamples({
    "a.rules.yaml": rules,
    "b.yaml": "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: b\n" +
      "spec:\n" +
      rules.replace(/^/gm, "  ").trimEnd().replace("up == 0", "up == 0\n          for: soon"),
  }, readDocuments);
  assert.deepEqual(documents.map(({ shape }) => shape), ["ruleFile", "object"]);
  assert.deepEqual(await documentErrors(documents[0]), []);
  assert.deepEqual(await documentErrors(documents[1]), [
    "spec.groups[0].rules[0].for: must match pattern " +
    '"^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$"',
    "spec.groups[0].rules[0].for: must be a Prometheus duration such as 30s",
  ]);
  const typo = structuredClone(documents[0]);
  Object.assign((typo.value as { groups: Record<string, unknown>[] }).groups[0], { rulez: [] });
  assert.deepEqual(await documentErrors(typo), ['unknown field "groups[0].rulez"']);
});
