/**
 * The `notify` client (behaviour §8.1): one datagram to `$NOTIFY_SOCKET`, as `systemd-notify` sends
 * it, for images without systemd's tools. It is a plain `sd_notify(3)` client: any receiver
 * that speaks the protocol (this adapter, systemd itself) gets the same bytes.
 *
 * @module
 */

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
