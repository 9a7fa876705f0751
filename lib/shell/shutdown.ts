/**
 * Graceful shutdown (behaviour §7): stop reading and remove the socket at once, then finish
 * in-flight HTTP responses, stop a wrapped child, and flush the outputs, each bounded by one
 * shared budget so that the process exits within 2 seconds of SIGTERM.
 *
 * @module
 */

/** The steps of a shutdown, each behind a narrow port so that a test can fake them. */
export interface ShutdownSteps {
  /** Closes the notification socket and removes its file if it is still ours. */
  readonly closeSocket: () => void;
  /** Stops accepting connections and finishes in-flight responses. */
  readonly stopServer: () => Promise<void>;
  /** Wrapper mode: ends a child that is still running (SIGTERM, grace, SIGKILL). */
  readonly stopChild: () => Promise<void>;
  /** Writes out what the outputs still hold. */
  readonly flushOutputs: () => Promise<void>;
  /** Resolves after `ms` milliseconds. */
  readonly sleep: (ms: number) => Promise<void>;
}

/** The 2 seconds of behaviour §7, less a margin for the process to exit. */
export const SHUTDOWN_BUDGET_MS = 1_500;

/**
 * Runs the steps in order; the server and the outputs get what is left of `budgetMs`, the
 * child its own grace period (wrapper mode stops it within the same 2 seconds).
 */
export async function shutDown(steps: ShutdownSteps, budgetMs = SHUTDOWN_BUDGET_MS): Promise<void> {
  const budget = steps.sleep(budgetMs);
  const child = steps.stopChild();
  steps.closeSocket();
  await Promise.race([steps.stopServer(), budget]);
  await child;
  await Promise.race([steps.flushOutputs(), budget]);
}
