/**
 * Wrapper mode (SPEC §8 `run -- COMMAND`): the sidecar plus one child process that it
 * starts, signals and outlives just long enough to report its exit status.
 *
 * @module
 */

import type { LoadedConfig } from "../../core/config.ts";
import { startAdapter, StartupError } from "../../shell/adapter_shell.ts";
import { childEnvironment } from "./child_environment.ts";
import { childExit } from "./child_exit.ts";
import { writeLog } from "../../shell/logging.ts";
import { dropEnvPermission, dropRunPermission } from "../../shell/permissions.ts";
import { spawnFailure } from "./spawn_failure.ts";

// A child still running when the adapter stops on its own gets SIGTERM, then this long
// before SIGKILL: together with the adapter's teardown it stays within SPEC §7's 2 seconds.
const CHILD_STOP_GRACE_MS = 1_000;

/** The whole environment, or undefined when the permissions hide it (the child inherits it). */
function parentEnvironment(): Record<string, string> | undefined {
  try {
    return Deno.env.toObject();
  } catch {
    return undefined;
  }
}

function deliver(child: Deno.ChildProcess, signal: Deno.Signal): boolean {
  try {
    child.kill(signal);
    return true;
  } catch {
    // It has just exited: its status is on the way.
    return false;
  }
}

/** SIGTERM, a grace period, then SIGKILL: a child must not outlive the adapter. */
async function stopChild(child: Deno.ChildProcess): Promise<void> {
  if (!deliver(child, "SIGTERM")) return;
  writeLog("info", "Stopping child", { pid: child.pid, signal: "SIGTERM" });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const grace = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), CHILD_STOP_GRACE_MS);
  });
  const ended = await Promise.race([child.status.then(() => true), grace]);
  clearTimeout(timer);
  if (ended) return;
  writeLog("warning", "Stopping child", { pid: child.pid, signal: "SIGKILL" });
  deliver(child, "SIGKILL");
  await child.status;
}

/** Starts the adapter, then COMMAND; resolves with the exit status the process should end with. */
export async function runWrapper(
  loaded: LoadedConfig,
  command: readonly string[],
): Promise<number> {
  let child: Deno.ChildProcess | undefined;
  const early: Deno.Signal[] = [];
  const adapter = await startAdapter(loaded, {
    forwardSignal: (signal) => {
      if (child === undefined) early.push(signal);
      else if (deliver(child, signal)) {
        writeLog("info", "Signal forwarded", { signal, pid: child.pid });
      }
    },
    // The child has ended (so it began this shutdown), or the adapter stops on its own.
    onShutdown: () => child === undefined ? Promise.resolve() : stopChild(child),
  });

  const [program, ...args] = command;
  const { clearEnv, env } = childEnvironment(loaded.config, parentEnvironment());
  try {
    child = new Deno.Command(program, {
      args,
      clearEnv,
      env,
      stdin: "inherit",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn();
  } catch (error) {
    const { exitStatus, message } = spawnFailure(program, error);
    writeLog("error", message, { command: program, exitStatus });
    adapter.dispatch({ kind: "childExited", exitStatus, reason: "COMMAND could not be started" });
    await adapter.exited;
    // Without the adapter's log, main still reports why, as for any failure to start.
    throw new StartupError(message, exitStatus, loaded.config.log);
  }
  dropRunPermission();
  dropEnvPermission();
  const { pid } = child;
  writeLog("info", "Child started", { command: program, args, pid });
  for (const signal of early) deliver(child, signal);
  void child.status.then((status) => {
    const { exitStatus, reason } = childExit(status);
    writeLog(exitStatus === 0 ? "info" : "warning", "Child exited", {
      pid,
      code: status.code,
      signal: status.signal,
      exitStatus,
    });
    adapter.dispatch({ kind: "childExited", exitStatus, reason });
  });
  // Shutdown waits for the child (onShutdown), so no child is left behind here.
  return await adapter.exited;
}
