/**
 * What each well-known assignment does (behaviour §2), in the order systemd's
 * service_notify_message() applies them whatever their order on the wire, except
 * `STOPPING=1`, which goes last so that it disarms the watchdog even when the same datagram
 * also pings it ("STOPPING= wins over the others", service.c). Keys with no row are
 * accepted, echoed and counted, and do nothing else.
 *
 * @module
 */

import type { AssignmentValues, WellKnownKey, WellKnownLine } from "./assignments.ts";
import type { Draft } from "./draft.ts";
import { extendTimeout } from "./extend_timeout.ts";
import { learnMainProcess, requestPidFile } from "./followed_main.ts";
import { completeStartup } from "./start_timer.ts";
import { disarmWatchdog, watchdogOnReady, watchdogPing, watchdogUsec } from "./watchdog.ts";

/** What one well-known key does: applies its value to the step's working copy. */
export type Handler<K extends WellKnownKey> = (draft: Draft, value: AssignmentValues[K]) => void;

/** The rows, in the order they are applied. */
export const HANDLERS: { readonly [K in WellKnownKey]?: Handler<K> } = Object.freeze({
  MAINPID: (draft, pid) => {
    draft.mainPid = pid;
    learnMainProcess(draft, pid, "MAINPID");
  },
  READY: (draft) => {
    draft.events.push("ready");
    const completesStartup = !draft.readySeen;
    completeStartup(draft);
    watchdogOnReady(draft, completesStartup);
    requestPidFile(draft);
  },
  RELOADING: (draft) => {
    draft.events.push("reloading");
  },
  STATUS: (draft, text) => {
    draft.statusText = text === "" ? null : text;
  },
  ERRNO: (draft, errno) => {
    draft.errno = errno;
    draft.events.push("errno");
  },
  BUSERROR: (draft, name) => {
    // An empty value clears the recorded error; it reports nothing.
    draft.busError = name === "" ? null : name;
    if (name !== "") draft.events.push("buserror");
  },
  EXIT_STATUS: (draft, status) => {
    draft.exitStatus = status;
  },
  EXTEND_TIMEOUT_USEC: extendTimeout,
  WATCHDOG: watchdogPing,
  WATCHDOG_USEC: watchdogUsec,
  STOPPING: (draft) => {
    draft.events.push("stopping");
    disarmWatchdog(draft, "STOPPING=1");
  },
});

const ORDER: ReadonlyMap<string, number> = new Map(
  Object.keys(HANDLERS).map((key, index) => [key, index]),
);

/**
 * Tells whether a line's key has a row, that is, whether applying it does anything.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { hasHandler } from "./assignment_handlers.ts";
 *
 * assert.equal(hasHandler({ key: "READY", value: true, line: "READY=1" }), true);
 * assert.equal(hasHandler({ key: "FDSTORE", value: true, line: "FDSTORE=1" }), false);
 * ```
 */
export function hasHandler(line: WellKnownLine): boolean {
  return ORDER.has(line.key);
}

/**
 * Orders lines as systemd applies them.
 *
 * @example STOPPING=1 goes last
 * ```ts
 * import assert from "node:assert/strict";
 * import { byHandlerOrder } from "./assignment_handlers.ts";
 * import type { WellKnownLine } from "./assignments.ts";
 *
 * const lines: WellKnownLine[] = [
 *   { key: "STOPPING", value: true, line: "STOPPING=1" },
 *   { key: "WATCHDOG", value: "1", line: "WATCHDOG=1" },
 * ];
 * assert.deepEqual(lines.sort(byHandlerOrder).map(({ key }) => key), ["WATCHDOG", "STOPPING"]);
 * ```
 */
export function byHandlerOrder(a: WellKnownLine, b: WellKnownLine): number {
  return (ORDER.get(a.key) ?? 0) - (ORDER.get(b.key) ?? 0);
}

/**
 * Applies one line's row.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { applyLine } from "./assignment_handlers.ts";
 * import { parseConfig } from "./config.ts";
 * import { draftOf } from "./draft.ts";
 * import { initialState } from "./state.ts";
 *
 * const draft = draftOf(initialState(parseConfig({}).config), 0);
 * applyLine(draft, { key: "STATUS", value: "Loading", line: "STATUS=Loading" });
 * assert.equal(draft.statusText, "Loading");
 * ```
 */
export function applyLine<K extends WellKnownKey>(draft: Draft, line: WellKnownLine<K>): void {
  const handler: Handler<K> | undefined = HANDLERS[line.key];
  handler?.(draft, line.value);
}
