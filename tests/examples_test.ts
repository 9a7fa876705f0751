import assert from "node:assert/strict";
import { parseConfig } from "../lib/core/config.ts";
import { SIGNAL_NUMBERS } from "../lib/core/signals.ts";
import { type AdapterState, type Failure, initialState } from "../lib/core/state.ts";
import { terminationMessage } from "../lib/core/termination_message.ts";
import { parseTimeSpan } from "../lib/core/timespan.ts";
import {
  type Document,
  documentErrors,
  type KubernetesObject,
  podTemplates,
  readDocuments,
  yamlFiles,
} from "./kubernetes/manifests.ts";
import { describeViolations, podSecurityViolations } from "./kubernetes/pod_security.ts";
import { versionDifferences } from "./kubernetes/yaml_versions.ts";

const EXAMPLES = new URL("../examples/", import.meta.url);
const KUBERNETES = new URL("kubernetes/", EXAMPLES);
const PROBE_PATHS = ["/healthz", "/livez", "/readyz"];
const ADAPTER_PORT = 8089;

interface Probe {
  httpGet: { path: string; port: number };
  periodSeconds?: number;
  failureThreshold?: number;
}

interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  restartPolicy?: string;
  env?: { name: string; value: string }[];
  ports?: { name?: string; containerPort: number }[];
  volumeMounts?: { name: string; mountPath: string }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    runAsUser?: number;
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[] };
  };
  terminationMessagePolicy?: string;
  terminationMessagePath?: string;
}

/** A workload of examples/kubernetes/ (a Deployment or the Job) and its Pod template. */
interface Workload {
  file: string;
  object: KubernetesObject;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  // deno-lint-ignore no-explicit-any
  pod: any;
  init: Container[];
  containers: Container[];
}

function kubernetesDocuments(): Document[] {
  return readDocuments(KUBERNETES);
}

function objects(kind: string): { file: string; object: KubernetesObject }[] {
  return kubernetesDocuments().flatMap((document) =>
    document.shape === "object" && document.value.kind === kind
      ? [{ file: document.file, object: document.value }]
      : []
  );
}

function workloads(): Workload[] {
  return kubernetesDocuments().flatMap((document) => {
    if (document.shape !== "object") return [];
    return podTemplates(document).map(({ metadata, spec }) => ({
      file: document.file,
      object: document.value,
      labels: metadata.labels ?? {},
      annotations: metadata.annotations ?? {},
      pod: spec,
      init: (spec.initContainers ?? []) as Container[],
      containers: (spec.containers ?? []) as Container[],
    }));
  });
}

function env(container: Container, name: string): string | undefined {
  return container.env?.find((variable) => variable.name === name)?.value;
}

function isAdapter(container: Container): boolean {
  return container.image.includes("sd-notify-adapter") ||
    (container.command ?? []).some((word) => word.endsWith("/sd-notify-adapter"));
}

function adapterOf({ file, init, containers }: Workload): Container {
  const adapter = [...init, ...containers].find(isAdapter);
  assert.ok(adapter, `${file}: no adapter container`);
  return adapter;
}

/** The service's container: the one whose probes judge the service. */
function serviceOf({ containers }: Workload): Container {
  return containers[0];
}

function probes(container: Container): Probe[] {
  return [container.startupProbe, container.livenessProbe, container.readinessProbe]
    .filter((probe): probe is Probe => probe !== undefined);
}

/** How long kubelet keeps failing a probe before it acts (the defaults as in the API). */
function budget(probe: Probe): number {
  return (probe.periodSeconds ?? 10) * (probe.failureThreshold ?? 3);
}

function seconds(timeSpan: string | undefined): number {
  const milliseconds = parseTimeSpan(timeSpan ?? "");
  assert.ok(milliseconds !== undefined, `not a time span: ${timeSpan}`);
  return milliseconds / 1000;
}

function sidecarDeployment(): KubernetesObject {
  const document = kubernetesDocuments().find(({ file, index }) =>
    file === "sidecar.yaml" && index === 0
  );
  assert.ok(document?.shape === "object");
  return structuredClone(document.value);
}

Deno.test("examples: examples/kubernetes/ holds the documented manifests", () => {
  const documents = kubernetesDocuments().map(({ file, value }) =>
    `${file} ${(value as KubernetesObject).kind}`
  );
  assert.deepEqual(documents, [
    "abstract-socket.yaml Deployment",
    "job.yaml Job",
    "podmonitor.yaml PodMonitor",
    "sidecar.yaml Deployment",
    "sidecar.yaml NetworkPolicy",
    "wrapper.yaml Deployment",
  ]);
});

// Every document under examples/, whoever adds it: objects are checked against the schema of
// their kind and the API's known fields; fragments (a container, a list of containers, a Pod
// spec, without apiVersion and kind) against the schema of what they are.
Deno.test("examples: every YAML document under examples/ is valid for Kubernetes 1.36, with no unknown field", async () => {
  const documents = readDocuments(EXAMPLES);
  assert.ok(documents.length >= 6);
  for (const document of documents) {
    assert.deepEqual(await documentErrors(document), [], `${document.file} #${document.index}`);
  }
});

// kubectl, Go's yaml.v2 and PyYAML read YAML 1.1; the `yaml` package of these tests, YAML 1.2.
Deno.test("examples: every YAML file under examples/ reads the same under YAML 1.1 and YAML 1.2", () => {
  const files = yamlFiles(EXAMPLES);
  assert.ok(files.length >= 8);
  const found = files.flatMap((file) =>
    versionDifferences(Deno.readTextFileSync(new URL(file, EXAMPLES)))
      .map((difference) => `${file} ${difference}`)
  );
  assert.deepEqual(found, []);
});

// A mode in octal (0440) is 288 to YAML 1.1 and 440 to YAML 1.2; in decimal it is the same to
// both, and the comment says which mode it is.
Deno.test("examples: every file mode under examples/ is decimal, with its octal in a comment", () => {
  const modes = yamlFiles(EXAMPLES).flatMap((file) =>
    Deno.readTextFileSync(new URL(file, EXAMPLES)).split("\n")
      .filter((line) => /^\s*-?\s*(defaultMode|mode):/.test(line))
      .map((line) => ({ where: `${file}: ${line.trim()}`, line }))
  );
  assert.ok(modes.length >= 1);
  for (const { where, line } of modes) {
    const match = /:\s+(\d+)\s+#\s+(0[0-7]{3})\b/.exec(line);
    assert.ok(match && !match[1].startsWith("0"), `${where}: write "288 # 0440"`);
    assert.equal(Number(match[1]), parseInt(match[2], 8), where);
  }
});

Deno.test('examples: every Pod template under examples/ is admitted by Pod Security "restricted", so "baseline" too', () => {
  const templates = readDocuments(EXAMPLES).flatMap((document) =>
    podTemplates(document).map((template) => ({ ...template, where: document.file }))
  );
  assert.ok(templates.length >= 4);
  for (const { where, path, metadata, spec } of templates) {
    assert.deepEqual(podSecurityViolations("restricted", metadata, spec), [], `${where} ${path}`);
    assert.deepEqual(podSecurityViolations("baseline", metadata, spec), [], `${where} ${path}`);
  }
});

Deno.test("examples: a typo'd field name fails the check, as `kubectl apply` refuses it", async () => {
  const deployment = sidecarDeployment();
  const [adapter] = deployment.spec.template.spec.initContainers;
  const [service] = deployment.spec.template.spec.containers;
  adapter.restartPolicyy = adapter.restartPolicy;
  delete adapter.restartPolicy;
  service.readinesProbe = service.readinessProbe;
  delete service.readinessProbe;
  const errors = await documentErrors({
    file: "sidecar.yaml",
    index: 0,
    shape: "object",
    value: deployment,
  });
  assert.deepEqual(errors, [
    'unknown field "spec.template.spec.initContainers[0].restartPolicyy"',
    'unknown field "spec.template.spec.containers[0].readinesProbe"',
  ]);
});

Deno.test("examples: a value of the wrong type fails the schema check", async () => {
  const deployment = sidecarDeployment();
  const [adapter] = deployment.spec.template.spec.initContainers;
  adapter.ports[0].containerPort = "8089";
  adapter.env[1].value = 8089;
  const errors = await documentErrors({
    file: "sidecar.yaml",
    index: 0,
    shape: "object",
    value: deployment,
  });
  assert.deepEqual(errors, [
    "spec.template.spec.initContainers[0].env[1].value: must be string",
    "spec.template.spec.initContainers[0].ports[0].containerPort: must be integer",
  ]);
});

Deno.test('examples: a privileged container fails Pod Security "restricted" and "baseline"', () => {
  const deployment = sidecarDeployment();
  deployment.spec.template.spec.containers[0].securityContext.privileged = true;
  const { metadata, spec } = deployment.spec.template;
  const expected = {
    check: "privileged",
    reason: "privileged",
    detail: 'container "service" must not set securityContext.privileged=true',
  };
  assert.deepEqual(podSecurityViolations("restricted", metadata, spec), [expected]);
  assert.deepEqual(podSecurityViolations("baseline", metadata, spec), [expected]);
  assert.equal(
    describeViolations("restricted", [expected]),
    'would violate PodSecurity "restricted:latest": privileged ' +
      '(container "service" must not set securityContext.privileged=true)',
  );
});

// The adapter's own parser, as it reads its environment at start: an invalid value would stop
// it with exit status 2, an unknown ADAPTER_* name (a typo) is only a warning in its log.
Deno.test("examples: every adapter's settings under examples/ are accepted by the adapter's configuration parser", () => {
  const adapters = readDocuments(EXAMPLES).flatMap((document) =>
    podTemplates(document).flatMap(({ spec }) =>
      [...(spec.initContainers ?? []), ...(spec.containers ?? [])]
        .map((container) => ({ where: `${document.file} ${container.name}`, container }))
    )
  ).filter(({ container }) => isAdapter(container as Container));
  assert.ok(adapters.length >= 4);
  for (const { where, container } of adapters) {
    const values = Object.fromEntries(
      ((container as Container).env ?? [])
        .filter(({ name }) => name === "NOTIFY_SOCKET" || name.startsWith("ADAPTER_"))
        .map(({ name, value }) => [name, value]),
    );
    assert.deepEqual(parseConfig(values).warnings, [], where);
  }
});

Deno.test("examples: every probe asks the adapter's ADAPTER_PORT for /healthz, /livez or /readyz", () => {
  for (const workload of workloads()) {
    const adapter = adapterOf(workload);
    const port = Number(env(adapter, "ADAPTER_PORT"));
    assert.equal(port, ADAPTER_PORT, workload.file);
    for (const container of [...workload.init, ...workload.containers]) {
      for (const probe of probes(container)) {
        assert.equal(probe.httpGet.port, port, `${workload.file} ${container.name}`);
        assert.ok(
          PROBE_PATHS.includes(probe.httpGet.path),
          `${workload.file} ${probe.httpGet.path}`,
        );
      }
    }
  }
});

Deno.test("examples: NOTIFY_SOCKET is the same everywhere, and its directory mounted everywhere", () => {
  for (const { file, init, containers } of workloads()) {
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

// Behaviour §2.6: the adapter cannot check a sender's credentials, so the examples narrow who
// can reach a path socket: the Pod's fsGroup (0660 in the fsGroup-owned emptyDir), or the
// adapter's user alone (0600) where every container that mounts the socket runs as it.
Deno.test("examples: a path socket is narrowed to the Pod's fsGroup or the adapter's user", () => {
  const narrowed: string[] = [];
  for (const workload of workloads()) {
    const { file, pod, init, containers } = workload;
    const adapter = adapterOf(workload);
    const socket = env(adapter, "NOTIFY_SOCKET")!;
    const mode = env(adapter, "ADAPTER_SOCKET_MODE");
    if (socket.startsWith("@")) {
      assert.equal(mode, undefined, `${file}: a mode has no effect on an abstract socket`);
      continue;
    }
    const directory = socket.slice(0, socket.lastIndexOf("/"));
    const volumeName = adapter.volumeMounts?.find((mount) => mount.mountPath === directory)?.name;
    const volume = pod.volumes?.find((candidate: { name: string }) =>
      candidate.name === volumeName
    );
    assert.ok(volume?.emptyDir !== undefined, `${file}: the socket's directory is an emptyDir`);
    const senders = [...init, ...containers].filter((container) =>
      container.volumeMounts?.some((mount) => mount.name === volumeName)
    );
    const userOf = (container: Container) =>
      container.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
    if (mode === "0660") {
      assert.equal(typeof pod.securityContext?.fsGroup, "number", `${file}: 0660 needs fsGroup`);
    } else {
      assert.equal(mode, "0600", `${file}: ADAPTER_SOCKET_MODE`);
      for (const sender of senders) {
        assert.equal(userOf(sender), userOf(adapter), `${file} ${sender.name}: the adapter's user`);
      }
    }
    narrowed.push(`${file} ${mode}`);
  }
  assert.deepEqual(narrowed.sort(), ["job.yaml 0660", "sidecar.yaml 0660", "wrapper.yaml 0600"]);
});

Deno.test("examples: sidecars are native, gated and restarted on /healthz; the service is probed on its own container", () => {
  const sidecars = workloads().filter(({ init }) => init.length > 0);
  assert.deepEqual(sidecars.map(({ file }) => file), [
    "abstract-socket.yaml",
    "job.yaml",
    "sidecar.yaml",
  ]);
  for (const workload of sidecars) {
    const { file, init } = workload;
    const [adapter] = init;
    assert.equal(init.length, 1, file);
    assert.equal(adapter.restartPolicy, "Always", file);
    assert.equal(adapter.startupProbe?.httpGet.path, "/healthz", file);
    // The adapter's own liveness: a wedged adapter is restarted, never the service.
    assert.equal(adapter.livenessProbe?.httpGet.path, "/healthz", file);
    assert.equal(adapter.readinessProbe, undefined, file);
    const service = serviceOf(workload);
    assert.equal(service.startupProbe?.httpGet.path, "/livez", file);
    assert.equal(service.livenessProbe?.httpGet.path, "/livez", file);
    assert.equal(service.readinessProbe?.httpGet.path, "/readyz", file);
    // libsystemd pings only when WATCHDOG_USEC is in the service's environment.
    const watchdog = seconds(env(adapter, "ADAPTER_UNIT_WATCHDOG_SEC"));
    assert.equal(env(service, "WATCHDOG_USEC"), String(watchdog * 1_000_000), file);
    // The startup probe gives the service at least ADAPTER_UNIT_TIMEOUT_START_SEC for READY=1.
    const timeoutStart = seconds(env(adapter, "ADAPTER_UNIT_TIMEOUT_START_SEC"));
    assert.ok(budget(service.startupProbe!) >= timeoutStart, file);
    // After STOPPING=1 the watchdog is disarmed: /livez must not stay true on its own.
    const livezFalse = env(adapter, "ADAPTER_STATUS_LIVEZ_FALSE")?.split(",") ?? [];
    assert.ok(livezFalse.includes("stopping"), file);
    // The default list's events stay: the service's end among them (behaviour §11.3).
    const defaults = parseConfig({}).config.livezFalse;
    assert.deepEqual([...defaults].filter((event) => !livezFalse.includes(event)), [], file);
  }
});

// Wherever the adapter is a sidecar of a long-running service (a Deployment, under examples/
// kubernetes/ or examples/services/), it shares the Pod's PID namespace, so that it sees the
// service's main process end (behaviour §11); a PID file it follows is on a volume both
// containers mount at the same path, and is the file the service is told to write.
Deno.test("examples: sidecar Deployments share the Pod's PID namespace; a PID file is where both containers see it", () => {
  const sidecars = readDocuments(EXAMPLES).flatMap((document) =>
    document.shape === "object" && document.value.kind === "Deployment"
      ? podTemplates(document).map(({ spec }) => ({
        file: document.file,
        spec: spec as typeof spec & { shareProcessNamespace?: boolean },
        init: (spec.initContainers ?? []) as Container[],
        containers: (spec.containers ?? []) as Container[],
      }))
      : []
  ).filter(({ init }) => init.some(isAdapter));
  assert.deepEqual(sidecars.map(({ file }) => file), [
    "kubernetes/abstract-socket.yaml",
    "kubernetes/sidecar.yaml",
    "services/postgresql/postgresql-sidecar.yaml",
    "services/redis/redis-sidecar.yaml",
  ]);
  const withPidFile: string[] = [];
  for (const { file, spec, init, containers } of sidecars) {
    assert.equal(spec.shareProcessNamespace, true, file);
    const adapter = init.find(isAdapter)!;
    const service = containers[0];
    const pidFile = env(adapter, "ADAPTER_UNIT_PID_FILE");
    if (pidFile === undefined) continue;
    withPidFile.push(file);
    const directory = pidFile.slice(0, pidFile.lastIndexOf("/"));
    const volume = (container: Container) =>
      container.volumeMounts?.find((mount) => mount.mountPath === directory)?.name;
    assert.ok(volume(adapter) !== undefined, `${file}: ${directory} not mounted in the adapter`);
    assert.equal(volume(service), volume(adapter), `${file}: ${directory} not shared`);
    const words = [...(service.command ?? []), ...(service.args ?? [])];
    assert.ok(
      words.some((word) => word === pidFile || word.endsWith(`=${pidFile}`)),
      `${file}: the service is not told to write ${pidFile}`,
    );
  }
  assert.deepEqual(withPidFile, [
    "services/postgresql/postgresql-sidecar.yaml",
    "services/redis/redis-sidecar.yaml",
  ]);
});

// The comment "Worst case: W s (watchdog) + P s x F (liveness) = T s" on each service's liveness
// probe states how long a service that stopped pinging (hung, or a restarted instance that has
// not sent READY=1) can be taken for live; the manifest's own numbers must give the same.
Deno.test("examples: the watchdog and liveness settings bound the stale window as the comments state", () => {
  const sidecar = /Worst case: (\d+) s \(watchdog\) \+ (\d+) s x (\d+) \(liveness\) = (\d+) s /;
  const wrapper = /Worst case: (\d+) s \(watchdog\) \+ (\d+) s \(abort\) = (\d+) s /;
  for (const workload of workloads()) {
    const { file } = workload;
    const text = Deno.readTextFileSync(new URL(file, KUBERNETES));
    const adapter = adapterOf(workload);
    const service = serviceOf(workload);
    const watchdog = seconds(env(adapter, "ADAPTER_UNIT_WATCHDOG_SEC"));
    assert.ok(watchdog > 0, `${file}: a watchdog is what bounds the window`);
    const liveness = service.livenessProbe!;
    if (workload.init.length > 0) {
      const claim = sidecar.exec(text);
      assert.ok(claim, `${file}: no worst-case comment`);
      const total = watchdog + budget(liveness);
      assert.deepEqual(claim.slice(1).map(Number), [
        watchdog,
        liveness.periodSeconds,
        liveness.failureThreshold,
        total,
      ], file);
    } else {
      const claim = wrapper.exec(text);
      assert.ok(claim, `${file}: no worst-case comment`);
      const abort = seconds(env(adapter, "ADAPTER_TIMEOUT_ABORT_SEC"));
      assert.deepEqual(claim.slice(1).map(Number), [watchdog, abort, watchdog + abort], file);
      // kubelet acts no sooner than (failureThreshold - 1) periods after /livez turns false:
      // the adapter's SIGKILL must come first.
      const earliestKill = liveness.periodSeconds! * (liveness.failureThreshold! - 1);
      assert.ok(abort < earliestKill, `${file}: ${abort} s abort, kill after ${earliestKill} s`);
    }
  }
});

Deno.test("examples: wrapper mode runs the service under `sd-notify-adapter run --` and reports how it ended", () => {
  const wrapper = workloads().find(({ file }) => file === "wrapper.yaml");
  assert.ok(wrapper);
  assert.deepEqual(wrapper.init, []);
  const service = serviceOf(wrapper);
  assert.deepEqual(service.command, ["/usr/local/bin/sd-notify-adapter", "run", "--"]);
  assert.equal(service.startupProbe?.httpGet.path, "/livez");
  assert.equal(service.livenessProbe?.httpGet.path, "/livez");
  assert.equal(service.readinessProbe?.httpGet.path, "/readyz");
  // The adapter sets WATCHDOG_USEC for its child itself.
  assert.equal(env(service, "WATCHDOG_USEC"), undefined);
  assert.equal(env(service, "ADAPTER_UNIT_WATCHDOG_SEC"), "30s");
  assert.equal(env(service, "ADAPTER_WATCHDOG_SIGNAL"), "SIGABRT");
  // kubelet reads the message from the file the adapter writes.
  assert.equal(service.terminationMessagePolicy, "File");
  assert.equal(
    env(service, "ADAPTER_TERMINATION_MESSAGE_PATH"),
    service.terminationMessagePath ?? "/dev/termination-log",
  );
  // The User of the README's Dockerfile, by number.
  assert.equal(wrapper.pod.securityContext.runAsUser, 65532);
  assert.equal(wrapper.pod.securityContext.runAsGroup, 65532);
});

// The block between the "termination message example" markers shows what `kubectl describe pod`
// prints; its numbers must follow from the manifest: the watchdog timeout, the signal, and the
// exit status 128 + signal number that a shell (and Kubernetes) reports.
Deno.test("examples: the wrapper's termination message example agrees with its settings", () => {
  const text = Deno.readTextFileSync(new URL("wrapper.yaml", KUBERNETES));
  const block =
    /# ---- termination message example: begin ----\n([\s\S]*?)# ---- termination message example: end ----/
      .exec(text);
  assert.ok(block, "no termination message block");
  const lines = block[1].split("\n").map((line) => line.replace(/^\s*# ?/, ""));
  const message = lines.find((line) => line.includes("Message:"))?.replace(/^\s*Message:\s+/, "");
  assert.equal(
    message,
    "watchdog timeout: no WATCHDOG=1 within 30s; the service was sent SIGABRT and ended by " +
      "SIGABRT (exit status 134)",
  );
  const wrapper = workloads().find(({ file }) => file === "wrapper.yaml")!;
  const service = serviceOf(wrapper);
  const [, within, sent, endedBy, exitStatus] =
    /within (\S+); the service was sent (\w+) and ended by (\w+) \(exit status (\d+)\)/.exec(
      message!,
    )!;
  assert.equal(within, env(service, "ADAPTER_UNIT_WATCHDOG_SEC"));
  assert.equal(sent, env(service, "ADAPTER_WATCHDOG_SIGNAL"));
  assert.equal(endedBy, sent);
  // Linux's number for SIGABRT is 6: a shell and Kubernetes report 128 + 6.
  assert.equal(Number(exitStatus), 128 + { SIGABRT: 6 }[sent as "SIGABRT"]);
  assert.ok(lines.some((line) => /^\s+Reason:\s+Error$/.test(line)));
  assert.ok(lines.some((line) => line.trim() === `Exit Code:    ${exitStatus}`));
  assert.deepEqual(lines.filter((line) => /^(status|errno): /.test(line)), [
    "status: Processing batch 42",
    "errno: 5 (EIO)",
  ]);
});

// The same example, rendered by the adapter's own code from the wrapper's settings: the block
// in wrapper.yaml is what the adapter writes.
Deno.test("examples: the wrapper's termination message example is what the adapter writes", () => {
  const text = Deno.readTextFileSync(new URL("wrapper.yaml", KUBERNETES));
  const block = /termination message example: begin ----\n([\s\S]*?)# ---- termination/.exec(text)!;
  const lines = block[1].split("\n").map((line) => line.replace(/^\s*# ?/, ""));
  const first = lines.findIndex((line) => line.includes("Message:"));
  const last = lines.findIndex((line) => line.includes("Exit Code:"));
  const shown = [lines[first].replace(/^\s*Message:\s+/, ""), ...lines.slice(first + 1, last)];

  const service = serviceOf(workloads().find(({ file }) => file === "wrapper.yaml")!);
  const { config } = parseConfig(Object.fromEntries(
    service.env!.filter(({ name }) => name.startsWith("ADAPTER_")).map((
      { name, value },
    ) => [name, value]),
  ));
  assert.ok(config.watchdogSignal !== null);
  const cause: Failure = { event: "watchdog_timeout", atMs: 0, timeoutMs: config.watchdogMs };
  const signal = SIGNAL_NUMBERS[config.watchdogSignal]!;
  const state: AdapterState = {
    ...initialState(config, ["service"]),
    mainProcess: { phase: "ended", pid: 42, end: { kind: "killed", signal } },
    statusText: "Processing batch 42",
    errno: 5,
    lastFailure: cause,
    abort: { signal: config.watchdogSignal, cause },
  };
  const written = terminationMessage(state);
  assert.equal(shown.join("\n") + "\n", written);
});

Deno.test("examples: docs/kubernetes.md shows the termination message as wrapper.yaml does", () => {
  const excerpt = (lines: string[]) =>
    lines.slice(
      lines.findIndex((line) => line.includes("Last State:")),
      lines.findIndex((line) => line.includes("Exit Code:")) + 1,
    );
  const yaml = Deno.readTextFileSync(new URL("wrapper.yaml", KUBERNETES));
  const block = /termination message example: begin ----\n([\s\S]*?)# ---- termination/.exec(yaml)!;
  const docs = Deno.readTextFileSync(new URL("../docs/kubernetes.md", import.meta.url));
  const section = /<!-- termination-message:[^>]*-->\s*```\n([\s\S]*?)```/.exec(docs);
  assert.ok(section, "no termination-message section in docs/kubernetes.md");
  const example = excerpt(block[1].split("\n").map((line) => line.replace(/^\s*# ?/, "")));
  assert.equal(example.length, 6);
  assert.deepEqual(excerpt(section[1].split("\n")), example);
});

Deno.test("examples: every workload's parts refer to each other", () => {
  for (const workload of workloads()) {
    const { file, object, labels, pod, init, containers } = workload;
    assert.equal(typeof object.metadata.name, "string", file);
    // A Job makes its own selector; a Deployment's must match its template.
    if (object.kind === "Deployment") {
      for (const [key, value] of Object.entries(object.spec.selector.matchLabels)) {
        assert.equal(labels[key], value, `${file}: selector ${key}`);
      }
    }
    const all = [...init, ...containers];
    const names = all.map((container) => container.name);
    assert.equal(new Set(names).size, names.length, `${file}: container names`);
    const volumes = new Set((pod.volumes ?? []).map((volume: { name: string }) => volume.name));
    for (const container of all) {
      assert.match(container.image, /^[a-z0-9.\-/]+:[\w.\-]+$/, `${file}: ${container.name}`);
      for (const mount of container.volumeMounts ?? []) {
        assert.ok(volumes.has(mount.name), `${file}: volume ${mount.name}`);
      }
    }
    // The adapter's container declares the port the probes use; no other container takes it.
    assert.deepEqual(adapterOf(workload).ports?.map((port) => port.containerPort), [ADAPTER_PORT]);
    const others = all.filter((container) => container !== adapterOf(workload));
    for (const container of others) {
      assert.ok(
        !(container.ports ?? []).some((port) => port.containerPort === ADAPTER_PORT),
        `${file}: ${container.name} takes port ${ADAPTER_PORT}`,
      );
    }
  }
});

Deno.test("examples: every container has resources and the restricted security settings; no service links", () => {
  for (const { file, pod, init, containers } of workloads()) {
    assert.equal(
      pod.enableServiceLinks,
      false,
      `${file}: ADAPTER_PORT=tcp://... would be injected`,
    );
    assert.deepEqual(pod.securityContext.seccompProfile, { type: "RuntimeDefault" }, file);
    assert.equal(pod.securityContext.runAsNonRoot, true, file);
    assert.ok(pod.securityContext.runAsUser > 0, file);
    assert.ok(pod.securityContext.runAsGroup > 0, file);
    // An emptyDir needs fsGroup to be the Pod user's.
    assert.equal(pod.securityContext.fsGroup !== undefined, pod.volumes !== undefined, file);
    for (const container of [...init, ...containers]) {
      const where = `${file} ${container.name}`;
      assert.deepEqual(container.securityContext, {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
      }, where);
      assert.ok(container.resources?.requests?.cpu, where);
      assert.ok(container.resources?.requests?.memory, where);
      assert.ok(container.resources?.limits?.memory, where);
    }
  }
});

// Measured RSS of the adapter: 45.8 MiB idle, 58.7 MiB after 1.2 M datagrams (README).
Deno.test("examples: the adapter's sidecar resources follow from its measured memory", () => {
  for (const workload of workloads().filter(({ init }) => init.length > 0)) {
    assert.deepEqual(adapterOf(workload).resources, {
      requests: { cpu: "20m", memory: "64Mi" },
      limits: { memory: "128Mi" },
    }, workload.file);
  }
});

Deno.test("examples: Prometheus finds /metrics by the Pod annotations or the PodMonitor", () => {
  for (const workload of workloads()) {
    assert.deepEqual(workload.annotations, {
      "prometheus.io/scrape": "true",
      "prometheus.io/port": String(ADAPTER_PORT),
      "prometheus.io/path": "/metrics",
    }, workload.file);
  }
  const [{ object: monitor }] = objects("PodMonitor");
  const selected = workloads().filter(({ labels }) =>
    Object.entries(monitor.spec.selector.matchLabels).every(([key, value]) => labels[key] === value)
  );
  assert.deepEqual(selected.map(({ file }) => file), [
    "abstract-socket.yaml",
    "sidecar.yaml",
    "wrapper.yaml",
  ]);
  const [endpoint] = monitor.spec.podMetricsEndpoints;
  assert.equal(endpoint.path, "/metrics");
  for (const workload of selected) {
    const port = adapterOf(workload).ports?.find(({ name }) => name === endpoint.port);
    assert.equal(port?.containerPort, ADAPTER_PORT, workload.file);
  }
});

Deno.test("examples: the NetworkPolicy admits port 8089 from the Prometheus namespace only, and the service's port", () => {
  const [{ object: policy }] = objects("NetworkPolicy");
  const sidecar = workloads().find(({ file }) => file === "sidecar.yaml")!;
  for (const [key, value] of Object.entries(policy.spec.podSelector.matchLabels)) {
    assert.equal(sidecar.labels[key], value, `podSelector ${key}`);
  }
  assert.deepEqual(policy.spec.policyTypes, ["Ingress"]);
  // deno-lint-ignore no-explicit-any
  const rules: any[] = policy.spec.ingress;
  const adapterRules = rules.filter((rule) =>
    // deno-lint-ignore no-explicit-any
    rule.ports.some((port: any) => port.port === ADAPTER_PORT)
  );
  assert.deepEqual(adapterRules, [{
    from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }],
    ports: [{ protocol: "TCP", port: ADAPTER_PORT }],
  }]);
  const servicePorts = serviceOf(sidecar).ports!.map(({ containerPort }) => containerPort);
  assert.deepEqual(
    rules.filter((rule) => rule !== adapterRules[0]).flatMap((rule) =>
      // deno-lint-ignore no-explicit-any
      rule.ports.map((port: any) => port.port)
    ),
    servicePorts,
  );
});

Deno.test("examples: the Job completes: its adapter is a native sidecar, its Pod never restarts in place", () => {
  const [{ object: job }] = objects("Job");
  const { spec } = job.spec.template;
  assert.equal(spec.restartPolicy, "Never");
  assert.equal(spec.initContainers.length, 1);
  assert.equal(spec.initContainers[0].restartPolicy, "Always");
  assert.ok(isAdapter(spec.initContainers[0]));
  assert.ok(!spec.containers.some(isAdapter), "an adapter in containers would never end");
  assert.ok(job.spec.backoffLimit > 0);
});
