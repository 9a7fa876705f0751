import assert from "node:assert/strict";
import { modelName, unknownFields } from "./known_fields.ts";

Deno.test("`modelName()` maps apiVersion and kind to the API's model, none for a custom resource", () => {
  assert.equal(modelName("apps/v1", "Deployment"), "V1Deployment");
  assert.equal(modelName("v1", "Pod"), "V1Pod");
  assert.equal(modelName("networking.k8s.io/v1", "NetworkPolicy"), "V1NetworkPolicy");
  assert.equal(modelName("autoscaling/v2", "HorizontalPodAutoscaler"), "V2HorizontalPodAutoscaler");
  assert.equal(modelName("monitoring.coreos.com/v1", "PodMonitor"), undefined);
});

Deno.test("`unknownFields()` names every unknown field by its path, through arrays and maps", () => {
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "a", labels: { any: "label" }, annotaions: {} },
    spec: {
      containers: [
        { name: "a", image: "b", readinesProbe: {} },
        { name: "c", image: "d", livenessProbe: { httpGet: { port: 8089, pth: "/livez" } } },
      ],
      overhead: { cpu: "1" },
    },
  };
  assert.deepEqual(unknownFields(pod, "V1Pod"), [
    'unknown field "metadata.annotaions"',
    'unknown field "spec.containers[0].readinesProbe"',
    'unknown field "spec.containers[1].livenessProbe.httpGet.pth"',
  ]);
});

Deno.test("`unknownFields()` accepts every known field, and leaves wrong shapes to the schema", () => {
  const container = {
    name: "a",
    image: "b",
    ports: "8089",
    env: [{ name: "X", value: "1" }],
    resources: { limits: { memory: "128Mi" } },
  };
  assert.deepEqual(unknownFields(container, "V1Container"), []);
  assert.deepEqual(unknownFields("not an object", "V1Container"), []);
});
