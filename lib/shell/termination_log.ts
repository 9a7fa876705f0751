/**
 * Writing wrapper mode's termination message (behaviour §9.5) to the file Kubernetes reads,
 * `terminationMessagePath`. The file is opened, never created, never through a link anywhere
 * on its path, and truncated; a file that cannot be written is one warning, never a failure.
 * Deno 2.9.6 opens nothing under `/dev` without `--allow-all`, so the message goes through
 * libc when it is loaded (wrapper mode loads it at start), and through Deno otherwise; either
 * way, only to a path the permission set lets the adapter write (behaviour §10.2).
 *
 * @module
 */

import type { Libc } from "./libc.ts";
import { errorText, type Logger } from "./logging.ts";
import { overwriteFile, overwriteFileWithDeno } from "./overwrite_file.ts";
import { type PermissionQuery, terminationPathProblem } from "./permissions.ts";
import { sleep } from "./schedule.ts";

const WRITE_BUDGET_MS = 500;

// Through Deno the open may wait (a FIFO put in place after the look): that is given half a
// second. Through libc nothing waits.
async function writeBounded(path: string, bytes: Uint8Array): Promise<void> {
  const written = overwriteFileWithDeno(path, bytes).then(() => "written" as const);
  const timeout = sleep(WRITE_BUDGET_MS).then(() => "timeout" as const);
  if (await Promise.race([written, timeout]) === "timeout") {
    throw new Error(`no write within ${WRITE_BUDGET_MS} ms`);
  }
}

/**
 * Writes `message` over the file at `path`; logs a warning naming the path when it cannot.
 * `permission` is Deno's own permission query (a test may pass another).
 */
export async function writeTerminationLog(
  path: string,
  message: string,
  logger: Logger,
  libc: Libc | undefined,
  permission?: PermissionQuery,
): Promise<void> {
  const bytes = new TextEncoder().encode(message);
  try {
    // Checked at start already (main.ts); checked again here because libc's calls are not
    // Deno's, and this is the one of them that names a file.
    if (terminationPathProblem(path, permission) !== undefined) {
      throw new Error("not in the adapter's permission set");
    }
    if (libc !== undefined) overwriteFile(libc, path, bytes);
    else await writeBounded(path, bytes);
  } catch (error) {
    logger.log("warning", "Termination message not written", { path, error: errorText(error) });
  }
}
