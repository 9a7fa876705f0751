/**
 * sd-notify-adapter: systemd's notification socket, answered as Kubernetes HTTP probes.
 * The command line (behaviour §8) picks a job; the sidecar is the default.
 *
 * @module
 */

import { type Command, parseCommandLine, USAGE } from "./lib/commands/cli.ts";
import { ConfigError, type LoadedConfig, parseConfig, VARIABLE_NAMES } from "./lib/core/config.ts";
import { VERSION } from "./lib/core/version.ts";
import { readEnvironment } from "./lib/shell/environment.ts";
import { dropPermissions } from "./lib/shell/permissions.ts";
import { resolveSocketPath, type SocketPath } from "./lib/shell/socket_path.ts";
import {
  pidFilePathProblem,
  socketPathProblem,
  terminationPathProblem,
} from "./lib/shell/permissions.ts";
import { fail, StartupError } from "./lib/shell/startup_failure.ts";
import { errorText } from "./lib/shell/logging.ts";

/** The configuration and where the socket really goes, or the variable at fault and exit 2. */
async function loadConfig(): Promise<{ loaded: LoadedConfig; socketPath: SocketPath | null }> {
  const { values, notUtf8 } = readEnvironment(VARIABLE_NAMES);
  let loaded: LoadedConfig;
  try {
    loaded = parseConfig(values, notUtf8);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const { variable, value, expected } = error;
    return await fail(error.message, 2, { variable, value, expected });
  }
  const refused = terminationPathProblem(loaded.config.terminationMessagePath);
  if (refused !== undefined) {
    const value = loaded.config.terminationMessagePath;
    return await fail(refused, 2, { variable: "ADAPTER_TERMINATION_MESSAGE_PATH", value });
  }
  const unreadable = pidFilePathProblem(loaded.config.pidFile);
  if (unreadable !== undefined) {
    const value = loaded.config.pidFile;
    return await fail(unreadable, 2, { variable: "ADAPTER_UNIT_PID_FILE", value });
  }
  const address = loaded.config.notifySocket;
  if (address.abstract) return { loaded, socketPath: null };
  const field = { variable: "NOTIFY_SOCKET", value: address.text };
  let socketPath: SocketPath;
  try {
    socketPath = resolveSocketPath(address.bindPath);
  } catch (error) {
    // A parent the permissions do not let the adapter read is outside the allowed directories.
    if (error instanceof Deno.errors.NotCapable) {
      return await fail(
        socketPathProblem(address.text, address.bindPath) ?? errorText(error),
        2,
        field,
      );
    }
    return await fail(
      `Cannot create the directory of NOTIFY_SOCKET ${address.text}: ${errorText(error)}`,
      1,
      field,
    );
  }
  const problem = socketPathProblem(address.text, socketPath.path);
  if (problem !== undefined) return await fail(problem, 2, field);
  return { loaded, socketPath };
}

/** Runs the adapter (and, in wrapper mode, its child) and exits with the status it ends with. */
async function runAdapter(
  start: (loaded: LoadedConfig, socketPath: SocketPath | null) => Promise<number>,
): Promise<never> {
  const { loaded, socketPath } = await loadConfig();
  try {
    Deno.exit(await start(loaded, socketPath));
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    return await fail(error.message, error.exitStatus, error.fields, error.pending);
  }
}

async function run(command: Command): Promise<void> {
  switch (command.kind) {
    case "sidecar":
      return await runAdapter(async (loaded, socketPath) => {
        dropPermissions("env");
        const { runSidecar } = await import("./lib/commands/sidecar.ts");
        return await runSidecar(loaded, socketPath);
      });
    case "run":
      return await runAdapter(async (loaded, socketPath) => {
        const { runWrapper } = await import("./lib/commands/wrapper/wrapper.ts");
        return await runWrapper(loaded, socketPath, command.command);
      });
    case "notify": {
      dropPermissions("run", "ffi", "sys");
      const { notificationLines, sendNotification } = await import("./lib/commands/notify.ts");
      try {
        const { values, notUtf8 } = readEnvironment(["NOTIFY_SOCKET"]);
        dropPermissions("env");
        if (notUtf8.length > 0) throw new Error("Cannot notify: NOTIFY_SOCKET is not valid UTF-8");
        const ids = { pid: Deno.pid, ppid: Deno.ppid };
        const lines = notificationLines(command.lines, command.mainPid, ids);
        await sendNotification(lines, values.NOTIFY_SOCKET);
      } catch (error) {
        console.error(errorText(error));
        Deno.exit(1);
      }
      // Done: nothing left pending (a send that never completed) may hold the process.
      return Deno.exit(0);
    }
    case "probe": {
      dropPermissions("run", "ffi", "sys");
      const { probe } = await import("./lib/commands/probe.ts");
      const { values } = readEnvironment([]);
      dropPermissions("env");
      const result = await probe(command.endpoint, values);
      if (!result.ok) console.error(result.reason);
      // Done: nothing left pending (a connection that never came up) may hold the process.
      return Deno.exit(result.ok ? 0 : 1);
    }
    case "help":
      console.log(USAGE);
      return;
    case "version":
      console.log(VERSION);
      return;
    case "usage-error":
      console.error(`${command.message}\n\n${USAGE}`);
      Deno.exit(2);
  }
}

if (import.meta.main) {
  await run(parseCommandLine(Deno.args));
}
