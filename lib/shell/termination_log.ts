/**
 * Writing wrapper mode's termination message (behaviour §9.5) to the file Kubernetes reads,
 * `terminationMessagePath`. The file is opened, never created, and truncated; a missing or
 * unwritable file is one warning, never a failure; a file that does not take the write in
 * half a second (a FIFO nobody reads) is given up, so that shutdown never hangs on it.
 *
 * @module
 */

import { errorText, type Logger } from "./logging.ts";
import { sleep } from "./schedule.ts";

const WRITE_BUDGET_MS = 500;

async function write(path: string, bytes: Uint8Array): Promise<void> {
  const file = await Deno.open(path, { write: true, truncate: true });
  try {
    while (bytes.length > 0) bytes = bytes.subarray(await file.write(bytes));
  } finally {
    file.close();
  }
}

/** Writes `message` to `path`; logs a warning naming the path when it cannot. */
export async function writeTerminationLog(
  path: string,
  message: string,
  logger: Logger,
): Promise<void> {
  const written = write(path, new TextEncoder().encode(message)).then(
    () => undefined,
    (error) => error,
  );
  const outcome = await Promise.race([
    written,
    sleep(WRITE_BUDGET_MS).then(() => "timeout" as const),
  ]);
  if (outcome === undefined) return;
  const error = outcome === "timeout"
    ? `no write within ${WRITE_BUDGET_MS} ms`
    : errorText(outcome);
  logger.log("warning", "Termination message not written", { path, error });
}
