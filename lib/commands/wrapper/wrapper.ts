/**
 * Wrapper mode (behaviour §9, `run -- COMMAND`): the sidecar plus one child process that it
 * starts, supervises as systemd would, signals, outlives just long enough to report how it
 * ended, and, as PID 1, whose orphans it reaps.
 *
 * @module
 */

import { childExit, type ChildStatus } from "../../core/child_exit.ts";
import type { LoadedConfig } from "../../core/config.ts";
import type { SignalName } from "../../core/signals.ts";
import type { AdapterState } from "../../core/state.ts";
import { terminationMessage } from "../../core/termination_message.ts";
import { startAdapter } from "../../shell/adapter.ts";
import type { Logger } from "../../shell/logging.ts";
import { dropPermissions } from "../../shell/permissions.ts";
import { readEnvironment } from "../../shell/environment.ts";
import { type Libc, loadLibc } from "../../shell/libc.ts";
import { raiseOpenFilesLimit, withLimitFoundAtStart } from "../../shell/open_files_limit.ts";
import { type Reaper, startReaper } from "../../shell/reaper.ts";
import { schedule } from "../../shell/schedule.ts";
import type { SocketPath } from "../../shell/socket_path.ts";
import { StartupError } from "../../shell/startup_failure.ts";
import { writeTerminationLog } from "../../shell/termination_log.ts";
import { inheritedToRemove, serviceVariables } from "./child_environment.ts";
import { type ChildHandle, stopChild } from "./child_stop.ts";
import { spawnFailure } from "./spawn_failure.ts";

function spawn(command: readonly string[], env: Record<string, string>): ChildHandle {
  const [program, ...args] = command;
  // No clearEnv: the child inherits the environment as the kernel holds it, byte for byte
  // (values that are not UTF-8 included); `env` only adds.
  const process = new Deno.Command(program, {
    args,
    env,
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  let ended = false;
  const status = process.status.then(({ code, signal }): ChildStatus => {
    ended = true;
    return { code, signal };
  });
  return {
    pid: process.pid,
    status,
    get ended() {
      return ended;
    },
    kill(signal) {
      try {
        process.kill(signal);
        return true;
      } catch {
        // It has just exited: its status is on the way.
        return false;
      }
    },
  };
}

// What the child must not inherit goes from the adapter's own environment before the spawn.
function prepareEnvironment() {
  const names = Object.keys(readEnvironment([]).values);
  for (const name of inheritedToRemove(names)) Deno.env.delete(name);
}

function forward(child: ChildHandle, signal: SignalName, logger: Logger) {
  if (child.kill(signal)) logger.log("info", "Signal forwarded", { signal, pid: child.pid });
}

/** Starts the adapter, then COMMAND; resolves with the exit status the process should end with. */
export async function runWrapper(
  loaded: LoadedConfig,
  socketPath: SocketPath | null,
  command: readonly string[],
): Promise<number> {
  const { config } = loaded;
  let child: ChildHandle | undefined;
  let ended: ChildStatus | null = null;
  let reaper: Reaper | undefined;
  let libc: Libc | undefined;
  const early: SignalName[] = [];
  const opened = loadLibc();
  dropPermissions("ffi");
  const openFilesLimit = raiseOpenFilesLimit(opened);
  const adapter = await startAdapter(loaded, socketPath, {
    mode: "wrapper",
    openFilesLimit,
    forward: (signal) =>
      child === undefined ? early.push(signal) : forward(child, signal, adapter.logger),
    signalChild: (signal) => child?.kill(signal),
    // The child has ended (so it began this shutdown), or the adapter stops on its own.
    stopChild: async (state: AdapterState) => {
      if (child !== undefined) await stopChild(child, adapter.logger, schedule);
      reaper?.stop();
      if (config.terminationMessagePath === null) return;
      const message = terminationMessage(state, ended);
      await writeTerminationLog(config.terminationMessagePath, message, adapter.logger, libc);
    },
  });
  const { logger } = adapter;

  if (opened instanceof Error) {
    logger.log(
      "warning",
      "libc not loaded: no reaping as PID 1, termination message through Deno",
      {
        error: opened.message,
      },
    );
  } else {
    libc = opened;
    const ours = () => new Set(child === undefined ? [] : [child.pid]);
    if (Deno.pid === 1) reaper = startReaper(opened, ours, schedule);
  }
  prepareEnvironment();
  try {
    child = withLimitFoundAtStart(
      libc,
      openFilesLimit,
      () => spawn(command, serviceVariables(config)),
    );
  } catch (error) {
    const { exitStatus, message } = spawnFailure(command[0], error);
    logger.log("error", message, { command: command[0], exitStatus });
    adapter.dispatch({ kind: "childExited", status: null, exitStatus, reason: message });
    await adapter.exited;
    // Without the adapter's log, main still reports why, as for any failure to start.
    if (!config.log) throw new StartupError(message, exitStatus);
    return exitStatus;
  }
  dropPermissions("run", "env");
  const { pid } = child;
  logger.log("info", "Child started", { command: command[0], args: command.slice(1), pid });
  adapter.dispatch({ kind: "childStarted", pid });
  for (const signal of early) forward(child, signal, logger);
  void child.status.then((status) => {
    ended = status;
    const { exitStatus, reason } = childExit(status);
    logger.log(exitStatus === 0 ? "info" : "warning", "Child exited", {
      pid,
      code: status.code,
      signal: status.signal,
      exitStatus,
    });
    // Its orphans may have ended with it: reap them before the adapter goes.
    reaper?.sweep();
    // What it sent before it ended counts, as systemd reads notifications before SIGCHLD.
    adapter.afterQueued(() =>
      adapter.dispatch({ kind: "childExited", status, exitStatus, reason })
    );
  });
  // Shutdown waits for the child (stopChild), so no child is left behind here.
  return await adapter.exited;
}
