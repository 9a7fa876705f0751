import assert from "node:assert/strict";
import { parseAllDocuments } from "yaml";

const DIRECTORY = new URL("../examples/kubernetes/", import.meta.url);
const PROBE_PATHS = ["/healthz", "/livez", "/readyz"];

interface Container {
  name: string;
  image: string;
  command?: string[];
  restartPolicy?: string;
  env?: { name: string; value: string }[];
  volumeMounts?: { name: string; mountPath: string }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
}
interface Probe {
  httpGet: { path: string; port: number };
}

function manifests(): { file: string; containers: Container[]; init: Container[] }[] {
  const files = [...Deno.readDirSync(DIRECTORY)].map((entry) => entry.name).sort();
  assert.deepEqual(files, ["abstract-socket.yaml", "sidecar.yaml", "wrapper.yaml"]);
  return files.map((file) => {
    const documents = parseAllDocuments(Deno.readTextFileSync(new URL(file, DIRECTORY)));
    assert.equal(documents.length, 1, file);
    assert.deepEqual(documents[0].errors, [], file);
    const manifest = documents[0].toJS();
    assert.equal(manifest.kind, "Deployment", file);
    const spec = manifest.spec.template.spec;
    return { file, containers: spec.containers ?? [], init: spec.initContainers ?? [] };
  });
}

function env(container: Container, name: string): string | undefined {
  return container.env?.find((variable) => variable.name === name)?.value;
}

function isAdapter(container: Container): boolean {
  return container.image.includes("sd-notify-adapter") ||
    (container.command ?? []).some((word) => word.endsWith("/sd-notify-adapter"));
}

function probes(container: Container): Probe[] {
  return [container.startupProbe, container.livenessProbe, container.readinessProbe]
    .filter((probe): probe is Probe => probe !== undefined);
}

Deno.test("examples: every probe asks the adapter's ADAPTER_PORT for /healthz, /livez or /readyz", () => {
  for (const { file, containers, init } of manifests()) {
    const all = [...init, ...containers];
    const adapter = all.find(isAdapter);
    assert.ok(adapter, `${file}: no adapter container`);
    const port = Number(env(adapter, "ADAPTER_PORT"));
    assert.equal(port, 8089, file);
    for (const container of all) {
      for (const probe of probes(container)) {
        assert.equal(probe.httpGet.port, port, `${file} ${container.name}`);
        assert.ok(PROBE_PATHS.includes(probe.httpGet.path), `${file} ${probe.httpGet.path}`);
      }
    }
  }
});

Deno.test("examples: NOTIFY_SOCKET is the same everywhere, and its directory mounted everywhere", () => {
  for (const { file, containers, init } of manifests()) {
    const all = [...init, ...containers];
    const sockets = new Set(all.map((container) => env(container, "NOTIFY_SOCKET")));
    assert.equal(sockets.size, 1, `${file}: ${[...sockets]}`);
    const [socket] = sockets;
    assert.ok(socket !== undefined, file);
    if (socket.startsWith("@")) {
      for (const container of all) assert.equal(container.volumeMounts, undefined, file);
      continue;
    }
    const directory = socket.slice(0, socket.lastIndexOf("/"));
    const volumes = new Set(
      all.map((container) =>
        container.volumeMounts?.find((mount) => mount.mountPath === directory)?.name
      ),
    );
    assert.equal(volumes.size, 1, file);
    assert.notEqual([...volumes][0], undefined, `${file}: ${directory} not mounted`);
  }
});

Deno.test("examples: sidecars are native, start-up gated on /healthz, service probed on its own container", () => {
  for (const { file, containers, init } of manifests()) {
    if (file === "wrapper.yaml") continue;
    const [adapter] = init;
    assert.equal(init.length, 1, file);
    assert.equal(adapter.restartPolicy, "Always", file);
    assert.equal(adapter.startupProbe?.httpGet.path, "/healthz", file);
    assert.equal(adapter.livenessProbe, undefined, `${file}: would restart the adapter`);
    assert.equal(adapter.readinessProbe, undefined, file);
    const [service] = containers;
    assert.equal(service.livenessProbe?.httpGet.path, "/livez", file);
    assert.equal(service.readinessProbe?.httpGet.path, "/readyz", file);
    // libsystemd pings only when WATCHDOG_USEC is in the service's environment.
    const watchdogSec = Number(env(adapter, "ADAPTER_UNIT_WATCHDOG_SEC"));
    assert.equal(env(service, "WATCHDOG_USEC"), String(watchdogSec * 1_000_000), file);
  }
});

Deno.test("examples: wrapper mode runs the service under `sd-notify-adapter run --`", () => {
  const wrapper = manifests().find(({ file }) => file === "wrapper.yaml");
  assert.ok(wrapper);
  assert.deepEqual(wrapper.init, []);
  const [service] = wrapper.containers;
  assert.deepEqual(service.command, ["/usr/local/bin/sd-notify-adapter", "run", "--"]);
  assert.equal(service.livenessProbe?.httpGet.path, "/livez");
  assert.equal(service.readinessProbe?.httpGet.path, "/readyz");
  // The adapter sets WATCHDOG_USEC for its child itself.
  assert.equal(env(service, "WATCHDOG_USEC"), undefined);
  assert.equal(env(service, "ADAPTER_UNIT_WATCHDOG_SEC"), "30");
});

Deno.test("examples: each is a complete Deployment whose parts refer to each other", () => {
  for (const file of [...Deno.readDirSync(DIRECTORY)].map((entry) => entry.name)) {
    const manifest = parseAllDocuments(Deno.readTextFileSync(new URL(file, DIRECTORY)))[0].toJS();
    assert.equal(manifest.apiVersion, "apps/v1", file);
    assert.equal(typeof manifest.metadata.name, "string", file);
    const { selector, template } = manifest.spec;
    for (const [key, value] of Object.entries(selector.matchLabels)) {
      assert.equal(template.metadata.labels[key], value, `${file}: selector ${key}`);
    }
    const pod = template.spec;
    const all: (Container & { ports?: { containerPort: number }[] })[] = [
      ...(pod.initContainers ?? []),
      ...pod.containers,
    ];
    const names = all.map((container) => container.name);
    assert.equal(new Set(names).size, names.length, `${file}: container names`);
    const volumes = new Set((pod.volumes ?? []).map((volume: { name: string }) => volume.name));
    for (const container of all) {
      assert.match(container.image, /^[a-z0-9.\-/]+:[\w.\-]+$/, `${file}: ${container.name}`);
      for (const mount of container.volumeMounts ?? []) {
        assert.ok(volumes.has(mount.name), `${file}: volume ${mount.name}`);
      }
      // Every value under env must be a string, or the API server rejects the manifest.
      for (const variable of container.env ?? []) {
        assert.equal(typeof variable.value, "string", `${file}: ${variable.name}`);
      }
    }
    // The adapter's container declares the port the probes use.
    const adapter = all.find(isAdapter)!;
    assert.deepEqual(adapter.ports?.map((port) => port.containerPort), [8089], file);
  }
});
