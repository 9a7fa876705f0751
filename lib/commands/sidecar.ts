/**
 * The sidecar (behaviour §1–§7): the adapter on its own, beside a service in another
 * container of the Pod. It starts no process; it loads libc only to raise its open-files limit.
 *
 * @module
 */

import type { LoadedConfig } from "../core/config.ts";
import { startAdapter } from "../shell/adapter.ts";
import { loadLibc } from "../shell/libc.ts";
import { raiseOpenFilesLimit } from "../shell/open_files_limit.ts";
import { dropPermissions } from "../shell/permissions.ts";
import type { SocketPath } from "../shell/socket_path.ts";

/** Runs the sidecar; resolves with the exit status once it has shut down. */
export async function runSidecar(
  loaded: LoadedConfig,
  socketPath: SocketPath | null,
): Promise<number> {
  const openFilesLimit = raiseOpenFilesLimit(loadLibc());
  dropPermissions("run", "ffi");
  const adapter = await startAdapter(loaded, socketPath, { mode: "sidecar", openFilesLimit });
  return await adapter.exited;
}
