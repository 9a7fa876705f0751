/**
 * Wrapper mode (SPEC §8 `run -- COMMAND`): the sidecar plus one child process that it
 * starts, signals and outlives just long enough to report its exit status.
 *
 * @module
 */

import type { LoadedConfig } from "./config.ts";
import { StartupError } from "./adapter_shell.ts";

/** Starts the adapter, then COMMAND; resolves with the exit status the process should end with. */
export function runWrapper(_loaded: LoadedConfig, command: readonly string[]): Promise<number> {
  return Promise.reject(new StartupError(`Cannot run ${command[0]}: not built yet`, 1));
}
