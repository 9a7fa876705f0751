/**
 * The Pod Security Standards as the Pod Security admission controller of Kubernetes 1.36
 * enforces them (k8s.io/pod-security-admission, policy/check_*.go), for Pod templates
 * checked offline. Each check is one row of {@linkcode CHECKS}, with the ID, reason and detail
 * wording of its Go original, so that a failure here reads like the API server's warning:
 *
 * ```
 * would violate PodSecurity "restricted:latest": privileged (container "service" must not set
 * securityContext.privileged=true)
 * ```
 *
 * Only the rules in force for 1.36 are kept; the older versions of each check are left out.
 *
 * @module
 */

/** A Pod Security Standards level that a namespace can enforce. */
export type Level = "baseline" | "restricted";

/** The fields of a Pod's metadata the checks read. */
export interface PodMetadata {
  annotations?: Record<string, string>;
}

/** The fields of a security context the checks read (Pod or container level). */
export interface SecurityContext {
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  runAsNonRoot?: boolean;
  runAsUser?: number;
  procMount?: string;
  capabilities?: { add?: string[]; drop?: string[] };
  seccompProfile?: { type?: string };
  appArmorProfile?: { type?: string };
  seLinuxOptions?: { type?: string; user?: string; role?: string };
  windowsOptions?: { hostProcess?: boolean };
  sysctls?: { name: string }[];
}

interface HostHandler {
  httpGet?: { host?: string };
  tcpSocket?: { host?: string };
}

/** The fields of a container the checks read. */
export interface Container {
  name: string;
  securityContext?: SecurityContext;
  ports?: { hostPort?: number }[];
  livenessProbe?: HostHandler;
  readinessProbe?: HostHandler;
  startupProbe?: HostHandler;
  lifecycle?: { postStart?: HostHandler; preStop?: HostHandler };
}

/** The fields of a Pod spec the checks read. */
export interface PodSpec {
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  hostUsers?: boolean;
  os?: { name?: string };
  securityContext?: SecurityContext;
  volumes?: ({ name: string } & Record<string, unknown>)[];
  initContainers?: Container[];
  containers?: Container[];
  ephemeralContainers?: Container[];
}

/** One failed check: its ID, and the reason and detail the API server prints. */
export interface Violation {
  readonly check: string;
  readonly reason: string;
  readonly detail: string;
}

type CheckPod = (metadata: PodMetadata, spec: PodSpec) => Omit<Violation, "check"> | undefined;

interface Check {
  readonly id: string;
  readonly level: Level;
  /** Baseline checks that this restricted check replaces at the restricted level. */
  readonly overrides?: readonly string[];
  readonly checkPod: CheckPod;
}

/** visitContainers(): init containers, containers, ephemeral containers, in that order. */
function allContainers(spec: PodSpec): Container[] {
  return [
    ...(spec.initContainers ?? []),
    ...(spec.containers ?? []),
    ...(spec.ephemeralContainers ?? []),
  ];
}

function joinQuote(items: readonly string[]): string {
  return items.length === 0 ? "" : `"${items.join('", "')}"`;
}

function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

function containersPhrase(names: readonly string[]): string {
  return `${pluralize("container", "containers", names.length)} ${joinQuote(names)}`;
}

/** sets.String.List(): unique and sorted byte-wise, as Go sorts strings. */
function sortedSet(values: Iterable<string>): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A Pod in a user namespace (hostUsers: false) is exempt from the root-related checks (1.35+). */
function inUserNamespace(spec: PodSpec): boolean {
  return spec.hostUsers === false;
}

function isWindows(spec: PodSpec): boolean {
  return spec.os?.name === "windows";
}

/** The capabilities a container runtime grants by default ("default set" of the baseline). */
export const BASELINE_CAPABILITIES: readonly string[] = [
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
];

/** The sysctls the baseline allows since 1.32 (namespaced, and isolated from other Pods). */
export const SAFE_SYSCTLS: readonly string[] = [
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
  "net.ipv4.tcp_rmem",
  "net.ipv4.tcp_wmem",
];

/** The inline volume sources the restricted level allows; every other source is refused. */
export const RESTRICTED_VOLUME_SOURCES: readonly string[] = [
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "image",
  "persistentVolumeClaim",
  "projected",
  "secret",
];

const SELINUX_TYPES = [
  "",
  "container_t",
  "container_init_t",
  "container_kvm_t",
  "container_engine_t",
];
const PROFILE_TYPES = ["RuntimeDefault", "Localhost"];
const APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/";

/**
 * The checks of Kubernetes 1.36, sorted by ID within each level as the admission controller
 * sorts them (so violations come out in its order: baseline first, then restricted).
 */
export const CHECKS: readonly Check[] = [
  {
    id: "appArmorProfile",
    level: "baseline",
    checkPod(metadata, spec) {
      const setters: string[] = [];
      const values = new Set<string>();
      const podType = spec.securityContext?.appArmorProfile?.type;
      if (spec.securityContext?.appArmorProfile && !PROFILE_TYPES.includes(podType ?? "")) {
        setters.push("pod");
        values.add(podType ?? "");
      }
      const bad = allContainers(spec).filter((container) => {
        const profile = container.securityContext?.appArmorProfile;
        if (!profile || PROFILE_TYPES.includes(profile.type ?? "")) return false;
        values.add(profile.type ?? "");
        return true;
      }).map((container) => container.name);
      if (bad.length > 0) setters.push(containersPhrase(bad));
      const annotations = Object.entries(metadata.annotations ?? {})
        .filter(([key, value]) =>
          key.startsWith(APPARMOR_ANNOTATION) && value !== "" && value !== "runtime/default" &&
          !value.startsWith("localhost/")
        )
        .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
        .sort();
      const list = [...sortedSet(values), ...annotations];
      if (annotations.length > 0) {
        setters.push(pluralize("annotation", "annotations", annotations.length));
      }
      if (setters.length === 0) return undefined;
      return {
        reason: pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", list.length),
        detail: `${setters.join(" and ")} must not set AppArmor profile type to ${joinQuote(list)}`,
      };
    },
  },
  {
    id: "capabilities_baseline",
    level: "baseline",
    checkPod(_metadata, spec) {
      const added = new Set<string>();
      const bad = allContainers(spec).filter((container) => {
        const extra = (container.securityContext?.capabilities?.add ?? [])
          .filter((capability) => !BASELINE_CAPABILITIES.includes(capability));
        extra.forEach((capability) => added.add(capability));
        return extra.length > 0;
      }).map((container) => container.name);
      if (bad.length === 0) return undefined;
      return {
        reason: "non-default capabilities",
        detail: `${containersPhrase(bad)} must not include ${
          joinQuote(sortedSet(added))
        } in securityContext.capabilities.add`,
      };
    },
  },
  {
    id: "hostNamespaces",
    level: "baseline",
    checkPod(_metadata, spec) {
      const shared = (["hostNetwork", "hostPID", "hostIPC"] as const)
        .filter((field) => spec[field] === true)
        .map((field) => `${field}=true`);
      if (shared.length === 0) return undefined;
      return { reason: "host namespaces", detail: shared.join(", ") };
    },
  },
  {
    id: "hostPathVolumes",
    level: "baseline",
    checkPod(_metadata, spec) {
      const names = (spec.volumes ?? []).filter((volume) => volume.hostPath !== undefined)
        .map((volume) => volume.name);
      if (names.length === 0) return undefined;
      return {
        reason: "hostPath volumes",
        detail: `${pluralize("volume", "volumes", names.length)} ${joinQuote(names)}`,
      };
    },
  },
  {
    id: "hostPorts",
    level: "baseline",
    checkPod(_metadata, spec) {
      const ports = new Set<string>();
      const bad = allContainers(spec).filter((container) => {
        const used = (container.ports ?? []).filter((port) => (port.hostPort ?? 0) !== 0);
        used.forEach((port) => ports.add(String(port.hostPort)));
        return used.length > 0;
      }).map((container) => container.name);
      if (bad.length === 0) return undefined;
      const list = sortedSet(ports);
      return {
        reason: "hostPort",
        detail: `${containersPhrase(bad)} ${pluralize("uses", "use", bad.length)} ${
          pluralize("hostPort", "hostPorts", list.length)
        } ${list.join(", ")}`,
      };
    },
  },
  {
    id: "hostProbesAndHostLifecycle",
    level: "baseline",
    checkPod(_metadata, spec) {
      const hosts = new Set<string>();
      const bad = allContainers(spec).filter((container) => {
        const handlers = [
          container.livenessProbe,
          container.readinessProbe,
          container.startupProbe,
          container.lifecycle?.postStart,
          container.lifecycle?.preStop,
        ];
        const found = handlers.flatMap((handler) =>
          [handler?.httpGet?.host, handler?.tcpSocket?.host].filter((host): host is string =>
            host !== undefined && host !== ""
          )
        );
        found.forEach((host) => hosts.add(host));
        return found.length > 0;
      }).map((container) => container.name);
      if (bad.length === 0) return undefined;
      const list = sortedSet(hosts);
      return {
        reason: "probe or lifecycle host",
        detail: `${containersPhrase(sortedSet(bad))} ${pluralize("uses", "use", bad.length)} ${
          pluralize("probe or lifecycle host", "probe or lifecycle hosts", list.length)
        } ${joinQuote(list)}`,
      };
    },
  },
  {
    id: "privileged",
    level: "baseline",
    checkPod(_metadata, spec) {
      const bad = allContainers(spec).filter((container) =>
        container.securityContext?.privileged === true
      ).map((container) => container.name);
      if (bad.length === 0) return undefined;
      return {
        reason: "privileged",
        detail: `${containersPhrase(bad)} must not set securityContext.privileged=true`,
      };
    },
  },
  {
    id: "procMount",
    level: "baseline",
    checkPod(metadata, spec) {
      if (inUserNamespace(spec)) return undefined;
      return procMountDefault(metadata, spec);
    },
  },
  {
    id: "seLinuxOptions",
    level: "baseline",
    checkPod(_metadata, spec) {
      const setters: string[] = [];
      const types = new Set<string>();
      let user = false;
      let role = false;
      const valid = (options: { type?: string; user?: string; role?: string }) => {
        let ok = true;
        if (!SELINUX_TYPES.includes(options.type ?? "")) {
          ok = false;
          types.add(options.type ?? "");
        }
        if ((options.user ?? "") !== "") [ok, user] = [false, true];
        if ((options.role ?? "") !== "") [ok, role] = [false, true];
        return ok;
      };
      const podOptions = spec.securityContext?.seLinuxOptions;
      if (podOptions && !valid(podOptions)) setters.push("pod");
      const bad = allContainers(spec).filter((container) => {
        const options = container.securityContext?.seLinuxOptions;
        return options !== undefined && !valid(options);
      }).map((container) => container.name);
      if (bad.length > 0) setters.push(containersPhrase(bad));
      if (setters.length === 0) return undefined;
      const data: string[] = [];
      if (types.size > 0) {
        data.push(`${pluralize("type", "types", types.size)} ${joinQuote(sortedSet(types))}`);
      }
      if (user) data.push("user may not be set");
      if (role) data.push("role may not be set");
      return {
        reason: "seLinuxOptions",
        detail: `${setters.join(" and ")} set forbidden securityContext.seLinuxOptions: ${
          data.join("; ")
        }`,
      };
    },
  },
  {
    id: "seccompProfile_baseline",
    level: "baseline",
    checkPod(_metadata, spec) {
      const { setters, values } = badSeccomp(spec);
      if (setters.length === 0) return undefined;
      return {
        reason: "seccompProfile",
        detail: `${setters.join(" and ")} must not set securityContext.seccompProfile.type to ${
          joinQuote(values)
        }`,
      };
    },
  },
  {
    id: "sysctls",
    level: "baseline",
    checkPod(_metadata, spec) {
      const bad = (spec.securityContext?.sysctls ?? []).map((sysctl) => sysctl.name)
        .filter((name) => !SAFE_SYSCTLS.includes(name));
      if (bad.length === 0) return undefined;
      return { reason: "forbidden sysctls", detail: bad.join(", ") };
    },
  },
  {
    id: "windowsHostProcess",
    level: "baseline",
    checkPod(_metadata, spec) {
      const setters: string[] = [];
      if (spec.securityContext?.windowsOptions?.hostProcess === true) setters.push("pod");
      const bad = allContainers(spec).filter((container) =>
        container.securityContext?.windowsOptions?.hostProcess === true
      ).map((container) => container.name);
      if (bad.length > 0) setters.push(containersPhrase(bad));
      if (setters.length === 0) return undefined;
      return {
        reason: "hostProcess",
        detail: `${
          setters.join(" and ")
        } must not set securityContext.windowsOptions.hostProcess=true`,
      };
    },
  },
  {
    id: "allowPrivilegeEscalation",
    level: "restricted",
    checkPod(_metadata, spec) {
      if (isWindows(spec)) return undefined;
      const bad = allContainers(spec).filter((container) =>
        container.securityContext?.allowPrivilegeEscalation !== false
      ).map((container) => container.name);
      if (bad.length === 0) return undefined;
      return {
        reason: "allowPrivilegeEscalation != false",
        detail: `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false`,
      };
    },
  },
  {
    id: "capabilities_restricted",
    level: "restricted",
    overrides: ["capabilities_baseline"],
    checkPod(_metadata, spec) {
      if (isWindows(spec)) return undefined;
      const missingDrop: string[] = [];
      const adding: string[] = [];
      const forbidden = new Set<string>();
      for (const container of allContainers(spec)) {
        const capabilities = container.securityContext?.capabilities;
        if (!capabilities) {
          missingDrop.push(container.name);
          continue;
        }
        if (!(capabilities.drop ?? []).includes("ALL")) missingDrop.push(container.name);
        const extra = (capabilities.add ?? []).filter((capability) =>
          capability !== "NET_BIND_SERVICE"
        );
        extra.forEach((capability) => forbidden.add(capability));
        if (extra.length > 0) adding.push(container.name);
      }
      const details: string[] = [];
      if (missingDrop.length > 0) {
        details.push(
          `${containersPhrase(missingDrop)} must set securityContext.capabilities.drop=["ALL"]`,
        );
      }
      if (adding.length > 0) {
        details.push(
          `${containersPhrase(adding)} must not include ${
            joinQuote(sortedSet(forbidden))
          } in securityContext.capabilities.add`,
        );
      }
      if (details.length === 0) return undefined;
      return { reason: "unrestricted capabilities", detail: details.join("; ") };
    },
  },
  {
    id: "procMount_restricted",
    level: "restricted",
    overrides: ["procMount"],
    checkPod: (metadata, spec) => procMountDefault(metadata, spec),
  },
  {
    id: "restrictedVolumes",
    level: "restricted",
    overrides: ["hostPathVolumes"],
    checkPod(_metadata, spec) {
      const names: string[] = [];
      const types = new Set<string>();
      for (const volume of spec.volumes ?? []) {
        const sources = Object.keys(volume).filter((key) => key !== "name");
        if (sources.some((source) => RESTRICTED_VOLUME_SOURCES.includes(source))) continue;
        names.push(volume.name);
        types.add(sources[0] ?? "unknown");
      }
      if (names.length === 0) return undefined;
      return {
        reason: "restricted volume types",
        detail: `${pluralize("volume", "volumes", names.length)} ${joinQuote(names)} ${
          pluralize("uses", "use", names.length)
        } ${pluralize("restricted volume type", "restricted volume types", types.size)} ${
          joinQuote(sortedSet(types))
        }`,
      };
    },
  },
  {
    id: "runAsNonRoot",
    level: "restricted",
    checkPod(_metadata, spec) {
      if (inUserNamespace(spec)) return undefined;
      const setters: string[] = [];
      const podValue = spec.securityContext?.runAsNonRoot;
      if (podValue === false) setters.push("pod");
      const explicit: string[] = [];
      const implicit: string[] = [];
      for (const container of allContainers(spec)) {
        const value = container.securityContext?.runAsNonRoot;
        if (value === false) explicit.push(container.name);
        else if (value === undefined && podValue !== true) implicit.push(container.name);
      }
      if (explicit.length > 0) setters.push(containersPhrase(explicit));
      if (setters.length > 0) {
        return {
          reason: "runAsNonRoot != true",
          detail: `${setters.join(" and ")} must not set securityContext.runAsNonRoot=false`,
        };
      }
      if (implicit.length === 0) return undefined;
      return {
        reason: "runAsNonRoot != true",
        detail: `pod or ${containersPhrase(implicit)} must set securityContext.runAsNonRoot=true`,
      };
    },
  },
  {
    id: "runAsUser",
    level: "restricted",
    checkPod(_metadata, spec) {
      if (inUserNamespace(spec)) return undefined;
      const setters: string[] = [];
      if (spec.securityContext?.runAsUser === 0) setters.push("pod");
      const bad = allContainers(spec).filter((container) =>
        container.securityContext?.runAsUser === 0
      ).map((container) => container.name);
      if (bad.length > 0) setters.push(containersPhrase(bad));
      if (setters.length === 0) return undefined;
      return { reason: "runAsUser=0", detail: `${setters.join(" and ")} must not set runAsUser=0` };
    },
  },
  {
    id: "seccompProfile_restricted",
    level: "restricted",
    overrides: ["seccompProfile_baseline"],
    checkPod(_metadata, spec) {
      if (isWindows(spec)) return undefined;
      const { setters, values } = badSeccomp(spec);
      if (setters.length > 0) {
        return {
          reason: "seccompProfile",
          detail: `${setters.join(" and ")} must not set securityContext.seccompProfile.type to ${
            joinQuote(values)
          }`,
        };
      }
      const podSet = spec.securityContext?.seccompProfile !== undefined;
      const implicit = allContainers(spec).filter((container) =>
        container.securityContext?.seccompProfile === undefined && !podSet
      ).map((container) => container.name);
      if (implicit.length === 0) return undefined;
      return {
        reason: "seccompProfile",
        detail: `pod or ${
          containersPhrase(implicit)
        } must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
      };
    },
  },
];

function procMountDefault(_metadata: PodMetadata, spec: PodSpec) {
  const types = new Set<string>();
  const bad = allContainers(spec).filter((container) => {
    const procMount = container.securityContext?.procMount;
    if (procMount === undefined || procMount === "Default") return false;
    types.add(procMount);
    return true;
  }).map((container) => container.name);
  if (bad.length === 0) return undefined;
  return {
    reason: "procMount",
    detail: `${containersPhrase(bad)} must not set securityContext.procMount to ${
      joinQuote(sortedSet(types))
    }`,
  };
}

/** Seccomp profile types other than RuntimeDefault and Localhost (Unconfined), where set. */
function badSeccomp(spec: PodSpec): { setters: string[]; values: string[] } {
  const setters: string[] = [];
  const values = new Set<string>();
  const podProfile = spec.securityContext?.seccompProfile;
  if (podProfile && !PROFILE_TYPES.includes(podProfile.type ?? "")) {
    setters.push("pod");
    values.add(podProfile.type ?? "");
  }
  const bad = allContainers(spec).filter((container) => {
    const profile = container.securityContext?.seccompProfile;
    if (!profile || PROFILE_TYPES.includes(profile.type ?? "")) return false;
    values.add(profile.type ?? "");
    return true;
  }).map((container) => container.name);
  if (bad.length > 0) setters.push(containersPhrase(bad));
  return { setters, values: sortedSet(values) };
}

/** The checks in force at a level: a restricted check replaces the baseline checks it overrides. */
export function checksFor(level: Level): Check[] {
  if (level === "baseline") return CHECKS.filter((check) => check.level === "baseline");
  const overridden = new Set(CHECKS.flatMap((check) => check.overrides ?? []));
  return CHECKS.filter((check) => !overridden.has(check.id));
}

/**
 * Every check of the level that a Pod (its metadata and spec) fails, in the admission
 * controller's order; an empty list means a namespace enforcing that level admits it.
 *
 * @example
 * ```ts
 * podSecurityViolations("restricted", {}, { containers: [{ name: "a" }] }).map((v) => v.check);
 * // ["allowPrivilegeEscalation", "capabilities_restricted", "runAsNonRoot", "seccompProfile_restricted"]
 * ```
 */
export function podSecurityViolations(
  level: Level,
  metadata: PodMetadata,
  spec: PodSpec,
): Violation[] {
  return checksFor(level).flatMap((check) => {
    const result = check.checkPod(metadata, spec);
    return result === undefined ? [] : [{ check: check.id, ...result }];
  });
}

/** The warning kubectl prints for a workload whose Pod template fails the level. */
export function describeViolations(level: Level, violations: readonly Violation[]): string {
  const reasons = violations.map(({ reason, detail }) => detail ? `${reason} (${detail})` : reason);
  return `would violate PodSecurity "${level}:latest": ${reasons.join(", ")}`;
}
