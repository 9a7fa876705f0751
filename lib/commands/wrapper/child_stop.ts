/**
 * Stopping a child the adapter no longer waits for (behaviour §9.4): when the adapter shuts
 * down on its own (an event in `ADAPTER_STATUS_SHUTDOWN`) while the service still runs, it
 * gets SIGTERM, then SIGKILL after a grace period that keeps the whole shutdown within 2 s.
 *
 * @module
 */

import type { ChildStatus } from "../../core/child_exit.ts";
import type { SignalName } from "../../core/signals.ts";
import type { Schedule } from "../../shell/deadline_timer.ts";
import type { Logger } from "../../shell/logging.ts";

/** SIGTERM, then this long before SIGKILL. */
export const CHILD_STOP_GRACE_MS = 1_000;

/** The child as the wrapper sees it. */
export interface ChildHandle {
  /** The child's process ID. */
  readonly pid: number;
  /** Sends a signal; false when the child is already gone. */
  kill(signal: SignalName): boolean;
  /** Resolves once the child has ended. */
  readonly status: Promise<ChildStatus>;
  /** Whether it has ended. */
  readonly ended: boolean;
}

/** SIGTERM, a grace period, then SIGKILL: a child must not outlive the adapter. */
export async function stopChild(
  child: ChildHandle,
  logger: Logger,
  schedule: Schedule,
  graceMs = CHILD_STOP_GRACE_MS,
): Promise<void> {
  if (child.ended || !child.kill("SIGTERM")) return;
  logger.log("info", "Stopping child", { pid: child.pid, signal: "SIGTERM" });
  let cancel: () => void = () => {};
  const grace = new Promise<false>((resolve) => cancel = schedule(graceMs, () => resolve(false)));
  const ended = await Promise.race([child.status.then(() => true), grace]);
  cancel();
  if (ended) return;
  logger.log("warning", "Stopping child", { pid: child.pid, signal: "SIGKILL" });
  child.kill("SIGKILL");
  await child.status;
}
