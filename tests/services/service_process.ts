/**
 * What the service recipes' tests (examples/services/) share: finding the Debian package's
 * programs (a missing one fails the test with the package to install; `deno task test` installs them),
 * the wrapped service's PID, raw TCP requests, and stopping a service even when a test failed.
 *
 * @module
 */

import type { AdapterProcess } from "../helpers/adapter_process.ts";
import { waitForRecord } from "../helpers/adapter_process.ts";
import { findProgram } from "../../scripts/test_tools.ts";

/**
 * The absolute path of `program` (a path, or a name looked up in PATH), or an error that names
 * the Debian package to install: these tests run the real services and never skip.
 */
export function requireProgram(program: string, debianPackage: string): string {
  const found = findProgram(program);
  if (found !== undefined) return found;
  throw new Error(
    `Cannot find ${program}: install the Debian package "${debianPackage}" ` +
      `(apt-get install --no-install-recommends ${debianPackage}; deno task test installs it where it can)`,
  );
}

/** The user and group IDs of `name` from /etc/passwd (a Debian package's system user). */
export function systemUser(name: string, debianPackage: string): { uid: number; gid: number } {
  const entry = Deno.readTextFileSync("/etc/passwd").split("\n")
    .map((line) => line.split(":"))
    .find((fields) => fields[0] === name);
  if (entry === undefined) {
    throw new Error(
      `Cannot find the user "${name}": the Debian package "${debianPackage}" adds it`,
    );
  }
  return { uid: Number(entry[2]), gid: Number(entry[3]) };
}

/** The PID of the adapter's child, from its "Child started" log record. */
export async function childPid(adapter: AdapterProcess): Promise<number> {
  return Number((await waitForRecord(adapter, "Child started")).pid);
}

const MARK = "X_SERVICES_TEST_MARK=";

/** The echoed lines (stdout) of the adapter, less the markers of `echoedSoFar()`. */
export function echoed(adapter: AdapterProcess): string[] {
  return adapter.stdout().split("\n").filter((line) => line !== "" && !line.startsWith(MARK));
}

/**
 * The echo once it holds at least `count` lines: the adapter writes it after it has applied
 * the datagram, so a probe can answer for a datagram whose echo is still on its way.
 */
export async function echoedLines(adapter: AdapterProcess, count: number): Promise<string[]> {
  await adapter.waitFor(() => echoed(adapter).length >= count, `${count} lines echoed`);
  return echoed(adapter);
}

/**
 * The echo of everything sent before now: a marker datagram follows it through the socket
 * and the output, and is left out.
 */
export async function echoedSoFar(adapter: AdapterProcess): Promise<string[]> {
  const marker = `${MARK}${crypto.randomUUID()}`;
  await adapter.send(marker);
  await adapter.waitFor(() => adapter.stdout().includes(`${marker}\n`), "the marker's echo");
  return echoed(adapter);
}

/** Waits until `path` on the adapter answers `status`. */
export async function waitForStatus(adapter: AdapterProcess, path: string, status: number) {
  await adapter.waitFor(
    async () => (await adapter.request(path)).status === status,
    `${path} ${status}`,
  );
}

/**
 * For `finally` blocks: if the adapter still runs, kill its child (the service; a SIGKILLed
 * adapter would leave it running, holding its port) and then the adapter. Asserts nothing.
 */
export async function killWrapped(adapter: AdapterProcess): Promise<void> {
  const started = adapter.logRecords().find((record) => record.message === "Child started");
  if (started !== undefined) {
    const pid = Number(started.pid);
    // Only while it is still the adapter's child: then the PID cannot have been reused.
    let parent: number | undefined;
    try {
      parent = Number(Deno.readTextFileSync(`/proc/${pid}/status`).match(/^PPid:\s+(\d+)$/m)?.[1]);
    } catch {
      // Gone.
    }
    if (parent === adapter.child.pid) {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch {
        // Gone meanwhile.
      }
    }
  }
  await adapter.stop("SIGKILL");
}

/** Starts `command` as a service beside `adapter` (its NOTIFY_SOCKET), its output discarded. */
export function spawnBeside(
  adapter: AdapterProcess,
  command: readonly string[],
): Deno.ChildProcess {
  const [program, ...args] = command;
  return new Deno.Command(program, {
    args,
    env: { NOTIFY_SOCKET: adapter.notifySocket },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
}

/** Kills a process the test started itself and waits for it, asserting nothing. */
export async function killProcess(child: Deno.ChildProcess): Promise<void> {
  try {
    child.kill("SIGKILL");
  } catch {
    // Already gone.
  }
  await child.status;
}
