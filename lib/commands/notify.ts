/**
 * The `notify` client (behaviour §8.1): one datagram to `$NOTIFY_SOCKET`, as `systemd-notify` sends
 * it, for images without systemd's tools. It is a plain `sd_notify(3)` client: any receiver
 * that speaks the protocol (this adapter, systemd itself) gets the same bytes.
 *
 * @module
 */

import type { MainPidChoice } from "./cli.ts";
import { errorText } from "../core/error_text.ts";
import { SETTINGS, type SocketAddress } from "../core/config.ts";
import { NOTIFY_BUFFER_MAX } from "../core/notify_message.ts";
import { schedule } from "../shell/schedule.ts";

// A receiver that never reads must not hang the client for ever (sd_notify blocks instead).
// The command ends as soon as the datagram is sent, whatever this allows (behaviour §8.1).
const SEND_TIMEOUT_MS = 5_000;

/** Where `$NOTIFY_SOCKET` points (an absolute path or `@name`); throws an Error saying why not. */
export function notifyTarget(notifySocket: string | undefined): SocketAddress {
  if (notifySocket === undefined || notifySocket === "") {
    throw new Error("Cannot notify: NOTIFY_SOCKET is not set");
  }
  const parsed = SETTINGS.notifySocket.parse(notifySocket);
  if ("expected" in parsed) {
    throw new Error(
      `Cannot notify: NOTIFY_SOCKET ${JSON.stringify(notifySocket)} is not ${parsed.expected}`,
    );
  }
  return parsed.value;
}

/**
 * The lines to send: `MAINPID=` first for `--pid` (behaviour §8.1), then `lines` in the order
 * given. `ids` are the notify process's own PID and its parent's.
 *
 * @example `--pid` from a shell script names the shell
 * ```ts
 * import assert from "node:assert/strict";
 * import { notificationLines } from "./notify.ts";
 *
 * const ids = { pid: 120, ppid: 100 };
 * assert.deepEqual(notificationLines(["READY=1"], "auto", ids), ["MAINPID=100", "READY=1"]);
 * assert.deepEqual(notificationLines([], "self", ids), ["MAINPID=120"]);
 * assert.deepEqual(notificationLines(["READY=1"], null, ids), ["READY=1"]);
 * ```
 */
export function notificationLines(
  lines: readonly string[],
  mainPid: MainPidChoice | null,
  ids: { readonly pid: number; readonly ppid: number },
): readonly string[] {
  if (mainPid === null) return lines;
  let pid: number;
  if (mainPid === "self") pid = ids.pid;
  // PID 1 runs no service's main process (it is the manager, or the Pod's pause process).
  else if (mainPid === "auto") pid = ids.ppid > 1 ? ids.ppid : ids.pid;
  else if (mainPid === "parent") {
    if (ids.ppid < 1) {
      throw new Error("Cannot notify: --pid=parent: no parent in this PID namespace");
    }
    pid = ids.ppid;
  } else pid = mainPid;
  return [`MAINPID=${pid}`, ...lines];
}

/** The datagram for `lines`: joined by newlines, as `systemd-notify` joins its arguments. */
export function encodeNotification(lines: readonly string[]): Uint8Array {
  const bytes = new TextEncoder().encode(lines.join("\n"));
  if (bytes.length > NOTIFY_BUFFER_MAX) {
    throw new Error(
      `Cannot notify: the message is ${bytes.length} bytes and systemd accepts at most ${NOTIFY_BUFFER_MAX}`,
    );
  }
  return bytes;
}

function sendFailure(target: SocketAddress, error: unknown): Error {
  const detail = errorText(error);
  const nobody = error instanceof Deno.errors.NotFound ||
    error instanceof Deno.errors.ConnectionRefused;
  const why = nobody ? `nothing listens there (${detail})` : detail;
  return new Error(`Cannot send to NOTIFY_SOCKET ${JSON.stringify(target.text)}: ${why}`);
}

/** Sends `lines` as one datagram to `notifySocket`; throws an Error with a clear message if not sent. */
export async function sendNotification(
  lines: readonly string[],
  notifySocket: string | undefined,
): Promise<void> {
  const target = notifyTarget(notifySocket);
  const datagram = encodeNotification(lines);
  // Unbound, as sd_notify's socket is: it has no name, so nothing can be sent back to it.
  let client: Deno.DatagramConn;
  try {
    client = Deno.listenDatagram({ transport: "unixpacket" });
  } catch (error) {
    throw sendFailure(target, error);
  }
  let cancelTimer: () => void = () => {};
  const timeout = new Promise<never>((_, reject) => {
    cancelTimer = schedule(
      SEND_TIMEOUT_MS,
      () => reject(new Error(`timed out after ${SEND_TIMEOUT_MS} ms`)),
    );
  });
  try {
    await Promise.race([
      client.send(datagram, { transport: "unixpacket", path: target.bindPath }),
      timeout,
    ]);
  } catch (error) {
    throw sendFailure(target, error);
  } finally {
    cancelTimer();
    client.close();
  }
}
