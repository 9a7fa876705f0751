/**
 * The sidecar (behaviour §1–§7, §11): the adapter on its own, beside a service in another
 * container of the Pod. It starts no process; it loads libc, to follow the service's main
 * process where it can see it (§11).
 *
 * @module
 */

import type { LoadedConfig } from "../core/config.ts";
import { runAdapter } from "../shell/adapter.ts";
import { dropPermissions } from "../shell/permissions.ts";
import type { SocketPath } from "../shell/socket_path.ts";

/** Runs the sidecar; resolves with the exit status once it has shut down. */
export async function runSidecar(
  loaded: LoadedConfig,
  socketPath: SocketPath | null,
): Promise<number> {
  dropPermissions("run");
  return await runAdapter(loaded, socketPath, null);
}
