/**
 * The `notify` client (SPEC §8): one datagram to `$NOTIFY_SOCKET`, as `systemd-notify` sends.
 *
 * @module
 */

/** Sends `lines` as one datagram to `notifySocket`; throws an Error with a clear message if not sent. */
export function sendNotification(
  _lines: readonly string[],
  notifySocket: string | undefined,
): Promise<void> {
  return Promise.reject(new Error(`Cannot send to NOTIFY_SOCKET ${notifySocket}: not built yet`));
}
