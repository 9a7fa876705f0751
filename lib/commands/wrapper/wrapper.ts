/**
 * Wrapper mode (behaviour §9, `run -- COMMAND`): the sidecar plus its main process, a child it
 * starts, supervises as systemd would, signals, and outlives just long enough to report how it
 * ended. The core decides all of that; this module only knows how to start `COMMAND` (its
 * environment, the rights given up after) and how Deno reports its end.
 *
 * @module
 */

import type { LoadedConfig } from "../../core/config.ts";
import { type ProcessEnd, processEnd } from "../../core/process_end.ts";
import {
  type LaunchedProcess,
  type Launcher,
  type LaunchFailure,
  runAdapter,
} from "../../shell/adapter.ts";
import { readEnvironment } from "../../shell/environment.ts";
import { dropPermissions } from "../../shell/permissions.ts";
import type { SocketPath } from "../../shell/socket_path.ts";
import { inheritedToRemove, serviceVariables } from "./child_environment.ts";
import { spawnFailure } from "./spawn_failure.ts";

// Deno 2.9.6 names only the signals 1–31: for any other (a real-time signal, `kill -36`) the
// status promise rejects with this, and the number is the only trace of how the child ended.
const UNNAMED_SIGNAL = /^Invalid signal: (\d+)$/;

/**
 * How a child ended, from what Deno's `ChildProcess.status` gave: its status, or the error it
 * rejected with. An error that names no signal is returned as it is.
 */
export function childEnd(
  outcome: { code: number; signal: Deno.Signal | null } | { error: unknown },
): ProcessEnd | Error {
  if (!("error" in outcome)) return processEnd(outcome.code, outcome.signal);
  const { error } = outcome;
  const number = error instanceof Error ? error.message.match(UNNAMED_SIGNAL)?.[1] : undefined;
  if (number !== undefined) return { kind: "killed", signal: Number(number) };
  return error instanceof Error ? error : new Error(String(error));
}

// What the child must not inherit goes from the adapter's own environment before the spawn.
function prepareEnvironment() {
  const names = Object.keys(readEnvironment([]).values);
  for (const name of inheritedToRemove(names)) Deno.env.delete(name);
}

function launcherOf(loaded: LoadedConfig, command: readonly string[]): Launcher {
  const [program, ...args] = command;
  return {
    command,
    launch(ended): LaunchedProcess | LaunchFailure {
      prepareEnvironment();
      let process: Deno.ChildProcess;
      try {
        // No clearEnv: the child inherits the environment as the kernel holds it, byte for
        // byte (values that are not UTF-8 included); the service's variables only add.
        process = new Deno.Command(program, {
          args,
          env: serviceVariables(loaded.config),
          stdin: "inherit",
          stdout: "inherit",
          stderr: "inherit",
        }).spawn();
      } catch (error) {
        return spawnFailure(program, error);
      } finally {
        // Started or not, the adapter starts nothing else and needs its environment no more.
        dropPermissions("run", "env");
      }
      const { pid } = process;
      process.status.then(
        ({ code, signal }) => ended(pid, childEnd({ code, signal })),
        (error) => ended(pid, childEnd({ error })),
      );
      return {
        pid,
        kill(signal) {
          try {
            process.kill(signal);
          } catch {
            // It has just ended: its status is on the way.
          }
        },
      };
    },
  };
}

/** Starts the adapter, then COMMAND; resolves with the exit status the process should end with. */
export async function runWrapper(
  loaded: LoadedConfig,
  socketPath: SocketPath | null,
  command: readonly string[],
): Promise<number> {
  return await runAdapter(loaded, socketPath, launcherOf(loaded, command));
}
