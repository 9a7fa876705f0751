/**
 * Why a wrapped command could not be started (behaviour §9), with the exit statuses a POSIX shell
 * uses: 127 when the command is not found, 126 when it is found but cannot be executed.
 *
 * @module
 */

import { errorText } from "../../core/error_text.ts";
import type { LaunchFailure } from "../../shell/adapter.ts";

type ErrorClass = abstract new (...args: never[]) => Error;

// Looked up in order; anything else that stops the spawn counts as "cannot execute".
const FAILURES: readonly { error: ErrorClass; exitStatus: 126 | 127; what: string }[] = [
  { error: Deno.errors.NotFound, exitStatus: 127, what: "not found" },
  { error: Deno.errors.PermissionDenied, exitStatus: 126, what: "not executable" },
  { error: Deno.errors.NotCapable, exitStatus: 126, what: "not allowed by Deno's permissions" },
];

/** Maps the error `Deno.Command.spawn()` threw for `command` to an exit status and message. */
export function spawnFailure(command: string, error: unknown): LaunchFailure {
  const failure = FAILURES.find((row) => error instanceof row.error);
  // A bare name is looked up in PATH: say so, since that is where to look next.
  const where = failure?.exitStatus === 127 && !command.includes("/") ? " in PATH" : "";
  const what = failure === undefined ? "cannot be executed" : failure.what + where;
  const detail = errorText(error);
  return {
    exitStatus: failure?.exitStatus ?? 126,
    message: `Cannot start COMMAND ${JSON.stringify(command)}: ${what} (${detail})`,
  };
}
