/**
 * The last line of defence: a promise rejection nobody handled costs a log record, never the
 * process (and with it the Pod's probes). Every known failure is handled where it happens;
 * this catches a bug.
 *
 * @module
 */

import { errorText, type Logger } from "./logging.ts";

/** Logs unhandled rejections instead of letting them end the process. */
export function logUnexpectedErrors(logger: Logger): void {
  globalThis.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    logger.log("error", "Unexpected error", { error: errorText(event.reason) });
  });
}
