/**
 * Writing wrapper mode's termination message (behaviour §9.5) to the file Kubernetes reads,
 * `terminationMessagePath`. The file is opened, never created, never through a link, and
 * truncated; a missing or unwritable file is one warning, never a failure. Deno 2.9.6 opens
 * nothing under `/dev` without `--allow-all`, so the message goes through libc when it is
 * loaded (wrapper mode loads it at start), and through Deno otherwise.
 *
 * @module
 */

import { type Libc, overwriteFile } from "./libc.ts";
import { errorText, type Logger } from "./logging.ts";
import { sleep } from "./schedule.ts";

const WRITE_BUDGET_MS = 500;

async function writeWithDeno(path: string, bytes: Uint8Array): Promise<void> {
  const file = await Deno.open(path, { write: true, truncate: true });
  try {
    while (bytes.length > 0) bytes = bytes.subarray(await file.write(bytes));
  } finally {
    file.close();
  }
}

// Through Deno the open may wait (a FIFO nobody reads): that is given half a second.
async function writeBounded(path: string, bytes: Uint8Array): Promise<void> {
  const written = writeWithDeno(path, bytes).then(() => "written" as const);
  const timeout = sleep(WRITE_BUDGET_MS).then(() => "timeout" as const);
  if (await Promise.race([written, timeout]) === "timeout") {
    throw new Error(`no write within ${WRITE_BUDGET_MS} ms`);
  }
}

/** Writes `message` over the file at `path`; logs a warning naming the path when it cannot. */
export async function writeTerminationLog(
  path: string,
  message: string,
  logger: Logger,
  libc: Libc | undefined,
): Promise<void> {
  const bytes = new TextEncoder().encode(message);
  try {
    if (libc !== undefined) overwriteFile(libc, path, bytes);
    else await writeBounded(path, bytes);
  } catch (error) {
    logger.log("warning", "Termination message not written", { path, error: errorText(error) });
  }
}
