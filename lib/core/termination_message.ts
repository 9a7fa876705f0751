/**
 * Wrapper mode's termination message (behaviour §9): a few lines of plain text saying why the
 * service ended, for Kubernetes to show in `kubectl describe pod` (it reads at most 4096 bytes
 * of the container's `terminationMessagePath`).
 *
 * @module
 */

import { ERRNO_NAMES } from "./errno_names.ts";
import type { MainProcess } from "./main_process.ts";
import { describeEnd } from "./process_end.ts";
import { cutCodePoints, fitUtf8, printable } from "./printable.ts";
import type { AdapterState, Failure } from "./state.ts";
import { formatTimeSpan } from "./timespan.ts";

/** Kubernetes keeps at most this many bytes of a termination message (kubelet's limit). */
export const TERMINATION_MESSAGE_MAX = 4096;
// One field may take a quarter of the message (in code points), so that the others still fit.
const FIELD_MAX = 1024;

function ended(main: MainProcess | null): string {
  switch (main?.phase) {
    case "ended":
      return describeEnd(main.end);
    case "lost":
      return "was not reported to end after SIGKILL";
    default:
      return "did not start";
  }
}

function failureText(failure: Failure): string {
  switch (failure.event) {
    case "watchdog_timeout":
      return `watchdog timeout: no WATCHDOG=1 within ${formatTimeSpan(failure.timeoutMs)}`;
    case "watchdog_trigger":
      return "watchdog triggered by the service (WATCHDOG=trigger)";
    case "start_timeout":
      return `start timeout: no READY=1 within ${formatTimeSpan(failure.timeoutMs)}`;
  }
}

function headline(state: AdapterState): string {
  const { abort, ending, mainProcess } = state;
  const service = ended(mainProcess);
  if (abort !== null) {
    return `${failureText(abort.cause)}; the service was sent ${abort.signal} and ${service}`;
  }
  if (ending?.cause === "events") {
    return `the adapter stopped on ${ending.reason} (ADAPTER_STATUS_SHUTDOWN); the service ${service}`;
  }
  if (ending?.cause === "error") {
    return `the adapter stopped on an ${ending.reason}; the service ${service}`;
  }
  if (mainProcess?.phase === "failed") return `the service did not start: ${mainProcess.reason}`;
  return `the service ${service}`;
}

function errnoText(errno: number): string {
  const name = Object.keys(ERRNO_NAMES).find((key) => ERRNO_NAMES[key] === errno);
  return name === undefined ? String(errno) : `${errno} (${name})`;
}

// `kubectl describe pod` prints the message to a terminal: one fact per line, nothing that acts.
const printableLine = (line: string) => printable(line.replace(/[\r\n]+/g, " "));

/**
 * The message for a wrapper that is ending, from how its main process ended: what ended the
 * service, an earlier failure, then the service's last `STATUS=`, `ERRNO=`, `BUSERROR=` and
 * `EXIT_STATUS=`, one per line.
 *
 * @example A service that exited on its own
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 * import { initialState } from "./state.ts";
 * import { terminationMessage } from "./termination_message.ts";
 *
 * const state = {
 *   ...initialState(parseConfig({}).config, ["sh"]),
 *   mainProcess: { phase: "ended" as const, pid: 42, end: { kind: "exited" as const, code: 3 } },
 *   statusText: "Loading",
 * };
 * assert.equal(terminationMessage(state), "the service exited with status 3\nstatus: Loading\n");
 * ```
 */
export function terminationMessage(state: AdapterState): string {
  const lines = [headline(state)];
  const failure = state.lastFailure;
  if (failure !== null && failure !== state.abort?.cause) lines.push(failureText(failure));
  if (state.statusText !== null) {
    lines.push(`status: ${cutCodePoints(state.statusText, FIELD_MAX)}`);
  }
  if (state.errno !== null) lines.push(`errno: ${errnoText(state.errno)}`);
  if (state.busError !== null) {
    lines.push(`buserror: ${cutCodePoints(state.busError, FIELD_MAX)}`);
  }
  if (state.exitStatus !== null) lines.push(`exit_status: ${state.exitStatus}`);
  return fitUtf8(lines.map(printableLine).join("\n") + "\n", TERMINATION_MESSAGE_MAX);
}
