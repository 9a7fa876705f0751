/**
 * A failure to start (behaviour §7.1): one JSON error record on stderr, written even with
 * `ADAPTER_LOG=false` (the adapter never ran), then the exit. The record goes out before the
 * process ends, within a bounded time even when stderr is stalled.
 *
 * @module
 */

import type { LogFields } from "../core/effects.ts";
import { formatJsonLine } from "../core/json_line.ts";
import { sleep } from "./schedule.ts";

/** A failure before the adapter became healthy: one message and an exit status. */
export class StartupError extends Error {
  /**
   * `exitStatus` follows behaviour §7.4: 2 for configuration, 1 for the rest; `pending` is
   * the adapter's log still being written, which the failure's record must follow.
   */
  constructor(
    message: string,
    readonly exitStatus: number,
    readonly fields: LogFields = {},
    readonly pending: Promise<void> = Promise.resolve(),
  ) {
    super(message);
    this.name = "StartupError";
  }
}

const WRITE_BUDGET_MS = 1_000;

async function writeAll(bytes: Uint8Array) {
  while (bytes.length > 0) bytes = bytes.subarray(await Deno.stderr.write(bytes));
}

/**
 * Writes `message` as one error record (after `pending`, what the adapter's own log still
 * holds) and exits with `exitStatus`.
 */
export async function fail(
  message: string,
  exitStatus: number,
  fields: LogFields = {},
  pending: Promise<void> = Promise.resolve(),
): Promise<never> {
  const line = formatJsonLine(Date.now(), "error", message, { ...fields, exitStatus });
  const written = pending.then(() => writeAll(new TextEncoder().encode(line)));
  await Promise.race([written.catch(() => {}), sleep(WRITE_BUDGET_MS)]);
  Deno.exit(exitStatus);
}
