/**
 * The programs the tests speak to the adapter with, and the Debian package of each: the one
 * list of them. `deno task test` runs this first: it installs what is missing where it can (as
 * root, or with sudo without a password, through apt-get), and says what is still missing and
 * the line that installs it. Tests that need a missing program are then ignored, with that line,
 * except under CI (`CI=true`), where a missing program is a failure, never a skip.
 *
 * Run: `deno run --allow-all scripts/test_tools.ts`.
 *
 * @module
 */

/** A program the tests need: how to tell it is there, and the Debian package that has it. */
interface Tool {
  /** The Debian package that installs it. */
  readonly debianPackage: string;
  /** Commands on PATH that must be found. */
  readonly commands: readonly string[];
  /** Files that must exist (libraries, programs outside PATH). */
  readonly files: readonly string[];
}

/** The tools, by the name the tests ask for them by. */
export const TOOLS = {
  /** systemd's own clients: `systemd-notify`, and `sd_notify()` in libsystemd. */
  systemd: {
    debianPackage: "systemd",
    commands: ["systemd-notify"],
    files: ["/usr/lib/x86_64-linux-gnu/libsystemd.so.0|/usr/lib/aarch64-linux-gnu/libsystemd.so.0"],
  },
  /** Test services and clients written in Python (libsystemd through ctypes). */
  python3: { debianPackage: "python3", commands: ["python3"], files: [] },
  /** `setpriv`, `runuser`, `prlimit`, `unshare`: other users, limits, PID 1. */
  "util-linux": {
    debianPackage: "util-linux",
    commands: ["setpriv", "runuser", "prlimit", "unshare"],
    files: [],
  },
  /** The PostgreSQL recipe (examples/services/postgresql). */
  postgresql: {
    debianPackage: "postgresql",
    commands: ["psql"],
    files: ["/usr/lib/postgresql/15/bin/postgres"],
  },
  /** The Redis recipe. */
  "redis-server": { debianPackage: "redis-server", commands: ["redis-server"], files: [] },
  /** The HAProxy recipe. */
  haproxy: { debianPackage: "haproxy", commands: ["haproxy"], files: [] },
  /** `promtool`: the alert rules, their unit tests, the dashboard's queries and `/metrics`. */
  promtool: { debianPackage: "prometheus", commands: ["promtool"], files: [] },
} as const satisfies Record<string, Tool>;

/** The name of a tool of `TOOLS`. */
export type ToolName = keyof typeof TOOLS;

const PATH_DIRECTORIES = (Deno.env.get("PATH") ?? "").split(":").filter((dir) => dir !== "")
  .concat(["/usr/sbin", "/sbin"]);

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

function isExecutableFile(path: string): boolean {
  try {
    const info = Deno.statSync(path);
    return info.isFile && ((info.mode ?? 0) & 0o111) !== 0;
  } catch {
    return false;
  }
}

/**
 * The absolute path of `program`: a path as it is, a name looked up in PATH (and the sbin
 * directories); undefined when it is not there as an executable file.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { findProgram } from "./test_tools.ts";
 *
 * assert.equal(findProgram("/nonexistent/program"), undefined);
 * ```
 */
export function findProgram(program: string): string | undefined {
  const candidates = program.includes("/")
    ? [program]
    : PATH_DIRECTORIES.map((dir) => `${dir}/${program}`);
  return candidates.find(isExecutableFile);
}

/** Whether `name` is installed: every command on PATH, every file (`a|b`: either). */
export function isInstalled(name: ToolName): boolean {
  const tool: Tool = TOOLS[name];
  return tool.commands.every((command) => findProgram(command) !== undefined) &&
    tool.files.every((alternatives) => alternatives.split("|").some(exists));
}

/** The tools among `names` that are missing. */
export function missingTools(names: readonly ToolName[]): ToolName[] {
  return names.filter((name) => !isInstalled(name));
}

/** The line that installs `names` on Debian. */
export function installLine(names: readonly ToolName[]): string {
  const packages = [...new Set(names.map((name) => TOOLS[name].debianPackage))].sort();
  return `sudo apt-get install -y --no-install-recommends ${packages.join(" ")}`;
}

async function run(command: string[]): Promise<boolean> {
  const [program, ...args] = command;
  try {
    const { success } = await new Deno.Command(program, {
      args,
      env: { DEBIAN_FRONTEND: "noninteractive" },
      stdout: "null",
      stderr: "inherit",
    }).output();
    return success;
  } catch {
    return false;
  }
}

async function install(names: readonly ToolName[]): Promise<void> {
  const asRoot = Deno.uid() === 0
    ? []
    : (await run(["sudo", "-n", "true"]))
    ? ["sudo", "-n"]
    : null;
  if (asRoot === null || findProgram("apt-get") === undefined) return;
  const packages = [...new Set(names.map((name) => TOOLS[name].debianPackage))].sort();
  console.error(`Installing the test tools' packages: ${packages.join(" ")}`);
  if (!(await run([...asRoot, "apt-get", "update", "-qq"]))) return;
  await run([...asRoot, "apt-get", "install", "-y", "-qq", "--no-install-recommends", ...packages]);
}

if (import.meta.main) {
  const all = Object.keys(TOOLS) as ToolName[];
  const missing = missingTools(all);
  if (missing.length > 0) await install(missing);
  const still = missingTools(all);
  if (still.length > 0) {
    const ci = Deno.env.get("CI") === "true";
    console.error(
      `Missing test tools: ${still.join(", ")}. The tests that need them ` +
        `${ci ? "FAIL (CI=true)" : "are ignored"}. Install them with:\n  ${installLine(still)}`,
    );
  }
}
