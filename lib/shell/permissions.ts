/**
 * Deno's permissions as the adapter uses them. The one permission set in deno.json (used by
 * `deno task start` and baked into the compiled binary) lets it create sockets only under a
 * few directories; the rights it needs only for a moment are dropped as soon as they are used:
 * the environment once the configuration is read (SPEC §1 must see every `ADAPTER_*` name to
 * warn about unknown ones, which a list of allowed names cannot give), and starting processes
 * everywhere but in wrapper mode, after its one child has started.
 *
 * @module
 */

import type { SocketAddress } from "../core/config.ts";

/** Where the permission set lets a path socket live; deno.json's read and write lists. */
export const SOCKET_DIRECTORIES: readonly string[] = Object.freeze(["/run", "/var/run", "/tmp"]);

/** The permission query for a socket path (abstract sockets need none). */
export type PermissionQuery = (descriptor: Deno.PermissionDescriptor) => Deno.PermissionState;

const query: PermissionQuery = (descriptor) => Deno.permissions.querySync(descriptor).state;

/**
 * Why the adapter may not create `address`, naming NOTIFY_SOCKET and the allowed directories,
 * or undefined when it may. Checked before binding, so the error is a configuration error.
 */
export function socketPermissionProblem(
  address: SocketAddress,
  state: PermissionQuery = query,
): string | undefined {
  if (address.abstract) return undefined;
  const allowed = (["read", "write"] as const).every((name) =>
    state({ name, path: address.bindPath }) === "granted"
  );
  if (allowed) return undefined;
  return `Cannot use NOTIFY_SOCKET ${JSON.stringify(address.text)}: the adapter's permissions ` +
    `allow sockets only under ${SOCKET_DIRECTORIES.join(", ")}, or an abstract socket @name`;
}

/** Gives up the right to start processes: only wrapper mode needs it, once. */
export function dropRunPermission(): void {
  Deno.permissions.revokeSync({ name: "run" });
}

/** Gives up the right to read the environment: it is read once, at start-up. */
export function dropEnvPermission(): void {
  Deno.permissions.revokeSync({ name: "env" });
}
