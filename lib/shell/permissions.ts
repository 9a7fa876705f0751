/**
 * Deno's permissions as the adapter uses them (behaviour §10). The one permission set in
 * deno.json (used by `deno task start` and baked into the compiled binary) lets it create
 * sockets only under a few directories; the rights it needs only for a moment are dropped as
 * soon as they are used: the environment once the configuration is read (behaviour §1 must
 * see every `ADAPTER_*` name to warn about unknown ones, which a list of allowed names cannot
 * give), `sys` once the socket is bound (the file mode is set through the umask), starting
 * processes everywhere but in wrapper mode, and there once the child has started, and loading
 * libraries once libc is loaded, at start (the sidecar and wrapper mode call it, §11).
 *
 * @module
 */

/** Where the permission set lets a path socket live; deno.json's read and write lists. */
export const SOCKET_DIRECTORIES: readonly string[] = Object.freeze(["/run", "/var/run", "/tmp"]);

/** The one file outside SOCKET_DIRECTORIES that the set lets the adapter write: kubelet's default. */
export const TERMINATION_LOG_PATH = "/dev/termination-log";

/** Where libc may be loaded from (wrapper mode as PID 1 reaps orphans through it). */
export const LIBC_PATHS: readonly string[] = Object.freeze([
  "/lib/x86_64-linux-gnu/libc.so.6",
  "/lib/aarch64-linux-gnu/libc.so.6",
  "/lib64/libc.so.6",
  "/usr/lib64/libc.so.6",
]);

/** The permission query for a path. */
export type PermissionQuery = (descriptor: Deno.PermissionDescriptor) => Deno.PermissionState;

const query: PermissionQuery = (descriptor) => Deno.permissions.querySync(descriptor).state;

/**
 * Why the adapter may not create a socket at `realPath` (symlinks resolved) for the
 * `NOTIFY_SOCKET` `text`, naming the allowed directories, or undefined when it may.
 */
export function socketPathProblem(
  text: string,
  realPath: string,
  state: PermissionQuery = query,
): string | undefined {
  const allowed = (["read", "write"] as const).every((name) =>
    state({ name, path: realPath }) === "granted"
  );
  if (allowed) return undefined;
  const real = realPath === text ? "" : ` (really ${JSON.stringify(realPath)})`;
  return `Cannot use NOTIFY_SOCKET ${JSON.stringify(text)}${real}: the adapter's permissions ` +
    `allow sockets only under ${SOCKET_DIRECTORIES.join(", ")}, or an abstract socket @name`;
}

/**
 * Why the adapter may not write its termination message to `path`, naming the places it may,
 * or undefined when it may (or `path` is null: no message). The permission set decides, as it
 * does for Deno's own calls; the message goes through libc, whose calls Deno does not check,
 * so this is what holds them to the set (behaviour §10.2).
 */
export function terminationPathProblem(
  path: string | null,
  state: PermissionQuery = query,
): string | undefined {
  if (path === null || state({ name: "write", path }) === "granted") return undefined;
  const directories = `${SOCKET_DIRECTORIES.slice(0, -1).join(", ")} or ${
    SOCKET_DIRECTORIES.at(-1)
  }`;
  return `Cannot use ADAPTER_TERMINATION_MESSAGE_PATH ${JSON.stringify(path)}: the adapter may ` +
    `write only ${TERMINATION_LOG_PATH} or a file under ${directories}`;
}

/**
 * Why the adapter may not read the PID file at `path`, naming the places it may, or undefined
 * when it may (or `path` is null: no PID file). The file is read through libc, whose calls Deno
 * does not check, so this is what holds them to the set (behaviour §1.5, §10.2).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { pidFilePathProblem } from "./permissions.ts";
 *
 * const granted = () => "granted" as const;
 * assert.equal(pidFilePathProblem("/run/redis/redis.pid", granted), undefined);
 * assert.equal(
 *   pidFilePathProblem("/var/lib/redis/redis.pid", () => "denied"),
 *   'Cannot use ADAPTER_UNIT_PID_FILE "/var/lib/redis/redis.pid": the adapter may read ' +
 *     "only files under /run, /var/run or /tmp",
 * );
 * ```
 */
export function pidFilePathProblem(
  path: string | null,
  state: PermissionQuery = query,
): string | undefined {
  if (path === null || state({ name: "read", path }) === "granted") return undefined;
  return `Cannot use ADAPTER_UNIT_PID_FILE ${JSON.stringify(path)}: the adapter may read only ` +
    `files under ${SOCKET_DIRECTORIES.slice(0, -1).join(", ")} or ${SOCKET_DIRECTORIES.at(-1)}`;
}

/** The rights a job may give up once it no longer needs them. */
export type Droppable = "env" | "run" | "sys" | "ffi";

/** Gives up rights for good: what the process can no longer do, an attacker in it cannot. */
export function dropPermissions(...names: Droppable[]): void {
  for (const name of names) Deno.permissions.revokeSync({ name });
}
