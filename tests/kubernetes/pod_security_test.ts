import assert from "node:assert/strict";
import {
  checksFor,
  describeViolations,
  type Level,
  type PodMetadata,
  podSecurityViolations,
  type PodSpec,
  type Violation,
} from "./pod_security.ts";

/** The smallest Pod that the restricted level admits: every case below changes one thing. */
function restrictedPod(): PodSpec {
  return {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    containers: [{
      name: "app",
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
    }],
  };
}

function app(spec: PodSpec) {
  return spec.containers![0];
}

interface Case {
  check: string;
  level: Level;
  /** Allowed values of the restricted fields: the level admits the Pod. */
  pass: (spec: PodSpec, metadata: PodMetadata) => void;
  /** Forbidden values: exactly this check fails, with this reason and detail. */
  fail: (spec: PodSpec, metadata: PodMetadata) => void;
  reason: string;
  detail: string;
}

const CASES: Case[] = [
  {
    check: "appArmorProfile",
    level: "baseline",
    pass(spec, metadata) {
      app(spec).securityContext!.appArmorProfile = { type: "Localhost" };
      metadata.annotations = {
        "container.apparmor.security.beta.kubernetes.io/app": "runtime/default",
      };
    },
    fail(spec, metadata) {
      spec.securityContext!.appArmorProfile = { type: "Unconfined" };
      metadata.annotations = { "container.apparmor.security.beta.kubernetes.io/app": "unconfined" };
    },
    reason: "forbidden AppArmor profiles",
    detail: 'pod and annotation must not set AppArmor profile type to "Unconfined", ' +
      '"container.apparmor.security.beta.kubernetes.io/app="unconfined""',
  },
  {
    check: "capabilities_baseline",
    level: "baseline",
    pass: (spec) => void (app(spec).securityContext!.capabilities = { add: ["CHOWN", "KILL"] }),
    fail: (spec) =>
      void (app(spec).securityContext!.capabilities = { add: ["SYS_ADMIN", "NET_RAW", "CHOWN"] }),
    reason: "non-default capabilities",
    detail:
      'container "app" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add',
  },
  {
    check: "hostNamespaces",
    level: "baseline",
    pass: (spec) => Object.assign(spec, { hostNetwork: false, hostPID: false, hostIPC: false }),
    fail: (spec) => Object.assign(spec, { hostNetwork: true, hostIPC: true }),
    reason: "host namespaces",
    detail: "hostNetwork=true, hostIPC=true",
  },
  {
    check: "hostPathVolumes",
    level: "baseline",
    pass: (spec) => void (spec.volumes = [{ name: "scratch", emptyDir: {} }]),
    fail: (spec) => void (spec.volumes = [{ name: "host", hostPath: { path: "/" } }]),
    reason: "hostPath volumes",
    detail: 'volume "host"',
  },
  {
    check: "hostPorts",
    level: "baseline",
    pass: (spec) => void (app(spec).ports = [{ hostPort: 0 }]),
    fail: (spec) => void (app(spec).ports = [{ hostPort: 8089 }, { hostPort: 80 }]),
    reason: "hostPort",
    detail: 'container "app" uses hostPorts 80, 8089',
  },
  {
    check: "hostProbesAndHostLifecycle",
    level: "baseline",
    pass: (spec) => void (app(spec).livenessProbe = { httpGet: { host: "" } }),
    fail(spec) {
      app(spec).livenessProbe = { httpGet: { host: "169.254.169.254" } };
      app(spec).lifecycle = { preStop: { tcpSocket: { host: "10.0.0.1" } } };
    },
    reason: "probe or lifecycle host",
    detail: 'container "app" uses probe or lifecycle hosts "10.0.0.1", "169.254.169.254"',
  },
  {
    check: "privileged",
    level: "baseline",
    pass: (spec) => void (app(spec).securityContext!.privileged = false),
    fail: (spec) => void (app(spec).securityContext!.privileged = true),
    reason: "privileged",
    detail: 'container "app" must not set securityContext.privileged=true',
  },
  {
    check: "procMount",
    level: "baseline",
    // In a user namespace the baseline allows any /proc mount (1.35+).
    pass(spec) {
      app(spec).securityContext!.procMount = "Unmasked";
      spec.hostUsers = false;
    },
    fail: (spec) => void (app(spec).securityContext!.procMount = "Unmasked"),
    reason: "procMount",
    detail: 'container "app" must not set securityContext.procMount to "Unmasked"',
  },
  {
    check: "seLinuxOptions",
    level: "baseline",
    pass: (spec) => void (app(spec).securityContext!.seLinuxOptions = { type: "container_t" }),
    fail: (spec) =>
      void (app(spec).securityContext!.seLinuxOptions = { type: "spc_t", user: "root" }),
    reason: "seLinuxOptions",
    detail:
      'container "app" set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set',
  },
  {
    check: "seccompProfile_baseline",
    level: "baseline",
    pass: (spec) => void (app(spec).securityContext!.seccompProfile = { type: "Localhost" }),
    fail: (spec) => void (spec.securityContext!.seccompProfile = { type: "Unconfined" }),
    reason: "seccompProfile",
    detail: 'pod must not set securityContext.seccompProfile.type to "Unconfined"',
  },
  {
    check: "sysctls",
    level: "baseline",
    pass: (spec) => void (spec.securityContext!.sysctls = [{ name: "net.ipv4.tcp_rmem" }]),
    fail: (spec) =>
      void (spec.securityContext!.sysctls = [{ name: "kernel.msgmax" }, { name: "vm.swappiness" }]),
    reason: "forbidden sysctls",
    detail: "kernel.msgmax, vm.swappiness",
  },
  {
    check: "windowsHostProcess",
    level: "baseline",
    pass: (spec) => void (spec.securityContext!.windowsOptions = { hostProcess: false }),
    fail: (spec) => void (app(spec).securityContext!.windowsOptions = { hostProcess: true }),
    reason: "hostProcess",
    detail: 'container "app" must not set securityContext.windowsOptions.hostProcess=true',
  },
  {
    check: "allowPrivilegeEscalation",
    level: "restricted",
    // Windows has no privilege escalation to forbid (1.25+).
    pass(spec) {
      delete app(spec).securityContext!.allowPrivilegeEscalation;
      spec.os = { name: "windows" };
    },
    fail: (spec) => void delete app(spec).securityContext!.allowPrivilegeEscalation,
    reason: "allowPrivilegeEscalation != false",
    detail: 'container "app" must set securityContext.allowPrivilegeEscalation=false',
  },
  {
    check: "capabilities_restricted",
    level: "restricted",
    pass: (spec) => void (app(spec).securityContext!.capabilities!.add = ["NET_BIND_SERVICE"]),
    fail: (spec) =>
      void (app(spec).securityContext!.capabilities = { drop: ["NET_RAW"], add: ["CHOWN"] }),
    reason: "unrestricted capabilities",
    detail: 'container "app" must set securityContext.capabilities.drop=["ALL"]; ' +
      'container "app" must not include "CHOWN" in securityContext.capabilities.add',
  },
  {
    check: "procMount_restricted",
    level: "restricted",
    pass: (spec) => void (app(spec).securityContext!.procMount = "Default"),
    // Unlike the baseline, the restricted level refuses it in a user namespace too.
    fail(spec) {
      app(spec).securityContext!.procMount = "Unmasked";
      spec.hostUsers = false;
    },
    reason: "procMount",
    detail: 'container "app" must not set securityContext.procMount to "Unmasked"',
  },
  {
    check: "restrictedVolumes",
    level: "restricted",
    pass(spec) {
      spec.volumes = [
        { name: "a", emptyDir: { medium: "Memory" } },
        { name: "b", configMap: { name: "c" } },
        { name: "c", projected: { sources: [] } },
        { name: "d", persistentVolumeClaim: { claimName: "d" } },
      ];
    },
    fail(spec) {
      spec.volumes = [
        { name: "ok", secret: { secretName: "s" } },
        { name: "share", nfs: { server: "nfs", path: "/" } },
        { name: "host", hostPath: { path: "/" } },
      ];
    },
    reason: "restricted volume types",
    detail: 'volumes "share", "host" use restricted volume types "hostPath", "nfs"',
  },
  {
    check: "runAsNonRoot",
    level: "restricted",
    pass(spec) {
      delete spec.securityContext!.runAsNonRoot;
      app(spec).securityContext!.runAsNonRoot = true;
    },
    fail: (spec) => void delete spec.securityContext!.runAsNonRoot,
    reason: "runAsNonRoot != true",
    detail: 'pod or container "app" must set securityContext.runAsNonRoot=true',
  },
  {
    check: "runAsUser",
    level: "restricted",
    pass: (spec) => void (spec.securityContext!.runAsUser = 65532),
    fail: (spec) => void (spec.securityContext!.runAsUser = 0),
    reason: "runAsUser=0",
    detail: "pod must not set runAsUser=0",
  },
  {
    check: "seccompProfile_restricted",
    level: "restricted",
    pass(spec) {
      delete spec.securityContext!.seccompProfile;
      app(spec).securityContext!.seccompProfile = { type: "Localhost" };
    },
    fail: (spec) => void delete spec.securityContext!.seccompProfile,
    reason: "seccompProfile",
    detail:
      'pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
  },
];

for (const { check, level, pass, fail, reason, detail } of CASES) {
  Deno.test(`\`podSecurityViolations()\` ${check}: ${level} admits the allowed values and names the forbidden ones`, () => {
    const allowed = restrictedPod();
    const allowedMetadata: PodMetadata = {};
    pass(allowed, allowedMetadata);
    assert.deepEqual(podSecurityViolations(level, allowedMetadata, allowed), []);

    const forbidden = restrictedPod();
    const forbiddenMetadata: PodMetadata = {};
    fail(forbidden, forbiddenMetadata);
    const expected: Violation[] = [{ check, reason, detail }];
    assert.deepEqual(podSecurityViolations(level, forbiddenMetadata, forbidden), expected);
  });
}

Deno.test("`podSecurityViolations()` has one case above for every check", () => {
  assert.deepEqual(
    CASES.map(({ check }) => check).sort(),
    [...checksFor("baseline"), ...checksFor("restricted")].map(({ id }) => id)
      .filter((id, index, ids) => ids.indexOf(id) === index).sort(),
  );
});

Deno.test("`checksFor()` restricted includes the baseline, less the checks it replaces", () => {
  const baseline = checksFor("baseline").map(({ id }) => id);
  const restricted = checksFor("restricted").map(({ id }) => id);
  assert.deepEqual(baseline.filter((id) => !restricted.includes(id)), [
    "capabilities_baseline",
    "hostPathVolumes",
    "procMount",
    "seccompProfile_baseline",
  ]);
  assert.deepEqual(restricted.filter((id) => !baseline.includes(id)), [
    "allowPrivilegeEscalation",
    "capabilities_restricted",
    "procMount_restricted",
    "restrictedVolumes",
    "runAsNonRoot",
    "runAsUser",
    "seccompProfile_restricted",
  ]);
});

Deno.test("`podSecurityViolations()` lists baseline failures first, each level's in ID order", () => {
  const spec: PodSpec = {
    hostPID: true,
    containers: [{ name: "a", securityContext: { privileged: true } }],
  };
  assert.deepEqual(podSecurityViolations("restricted", {}, spec).map(({ check }) => check), [
    "hostNamespaces",
    "privileged",
    "allowPrivilegeEscalation",
    "capabilities_restricted",
    "runAsNonRoot",
    "seccompProfile_restricted",
  ]);
  assert.deepEqual(podSecurityViolations("baseline", {}, spec).map(({ check }) => check), [
    "hostNamespaces",
    "privileged",
  ]);
});

Deno.test("`describeViolations()` words the warning as the API server does", () => {
  const spec: PodSpec = {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    initContainers: [{ name: "a", securityContext: { capabilities: { drop: ["ALL"] } } }],
    containers: [{ name: "b", securityContext: { capabilities: { drop: ["ALL"] } } }],
  };
  assert.equal(
    describeViolations("restricted", podSecurityViolations("restricted", {}, spec)),
    'would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false ' +
      '(containers "a", "b" must set securityContext.allowPrivilegeEscalation=false)',
  );
});
