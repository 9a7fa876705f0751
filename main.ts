/**
 * sd-notify-adapter: systemd's notification socket, answered as Kubernetes HTTP probes.
 * The command line (SPEC §8) picks a job; the sidecar is the default.
 *
 * @module
 */

import { type Command, parseCommandLine, USAGE } from "./lib/commands/cli.ts";
import { ConfigError, type LoadedConfig, parseConfig, VARIABLE_NAMES } from "./lib/core/config.ts";
import { startAdapter, StartupError } from "./lib/shell/adapter_shell.ts";
import { configureLogging, writeLog } from "./lib/shell/logging.ts";
import { LineWriter } from "./lib/shell/line_writer.ts";
import { sendNotification } from "./lib/commands/notify.ts";
import {
  dropEnvPermission,
  dropRunPermission,
  socketPermissionProblem,
} from "./lib/shell/permissions.ts";
import { probe } from "./lib/commands/probe.ts";
import { VERSION } from "./lib/core/version.ts";
import { runWrapper } from "./lib/commands/wrapper/wrapper.ts";

/** The environment; only the adapter's own variables when the permissions allow no more. */
function readEnvironment(): Record<string, string> {
  try {
    return Deno.env.toObject();
  } catch {
    const env: Record<string, string> = {};
    for (const name of VARIABLE_NAMES) {
      const value = Deno.env.get(name);
      if (value !== undefined) env[name] = value;
    }
    return env;
  }
}

/** Reports a failure to start as one JSON log record on stderr, then exits. */
async function fail(text: string, exitStatus: number, fields: Record<string, unknown> = {}) {
  const stderr = new LineWriter(Deno.stderr, () => {});
  configureLogging(stderr);
  writeLog("error", text, { ...fields, exitStatus });
  await stderr.flush();
  Deno.exit(exitStatus);
}

/** Parses the configuration, or reports the variable at fault and exits 2 (SPEC §1). */
async function loadConfig(): Promise<LoadedConfig> {
  let loaded: LoadedConfig;
  try {
    loaded = parseConfig(readEnvironment());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const { variable, value, expected } = error;
    return await fail(error.message, 2, { variable, value, expected }) as never;
  }
  const problem = socketPermissionProblem(loaded.config.notifySocket);
  if (problem !== undefined) {
    const value = loaded.config.notifySocket.text;
    return await fail(problem, 2, { variable: "NOTIFY_SOCKET", value }) as never;
  }
  return loaded;
}

/** Runs the adapter (and, in wrapper mode, its child) and exits with the status it ends with. */
async function runAdapter(start: (loaded: LoadedConfig) => Promise<number>): Promise<never> {
  const loaded = await loadConfig();
  try {
    Deno.exit(await start(loaded));
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    if (error.logged) Deno.exit(error.exitStatus);
    return await fail(error.message, error.exitStatus) as never;
  }
}

async function run(command: Command): Promise<void> {
  switch (command.kind) {
    case "sidecar":
      dropRunPermission();
      return await runAdapter(async (loaded) => {
        dropEnvPermission();
        return await (await startAdapter(loaded)).exited;
      });
    case "run":
      return await runAdapter((loaded) => runWrapper(loaded, command.command));
    case "notify":
      dropRunPermission();
      try {
        const notifySocket = Deno.env.get("NOTIFY_SOCKET");
        dropEnvPermission();
        await sendNotification(command.lines, notifySocket);
        return;
      } catch (error) {
        console.error(error instanceof Error ? error.message : String(error));
        Deno.exit(1);
      }
      break;
    case "probe": {
      dropRunPermission();
      const env = readEnvironment();
      dropEnvPermission();
      const result = await probe(command.endpoint, env);
      if (!result.ok) {
        console.error(result.reason);
        Deno.exit(1);
      }
      return;
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
