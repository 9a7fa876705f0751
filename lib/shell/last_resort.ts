/**
 * The last line of defence: a promise rejection or an exception nobody handled costs an input
 * to the reducer (`failed`), never the process (and with it the Pod's probes). Every known
 * failure is handled where it happens; this catches a bug. The core decides what it means:
 * a record in the sidecar; in wrapper mode, a shutdown that stops the child (behaviour §7.2).
 *
 * @module
 */

/** Hands every unhandled rejection and uncaught exception to `report`, instead of exiting. */
export function reportUnexpectedErrors(report: (error: unknown) => void): void {
  globalThis.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    report(event.reason);
  });
  globalThis.addEventListener("error", (event) => {
    event.preventDefault();
    report(event.error ?? event.message);
  });
}
