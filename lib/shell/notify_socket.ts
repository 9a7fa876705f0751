/**
 * The notification socket (behaviour §2.1): bind it as systemd would, and remove it on the way
 * out. Only the adapter's own socket is ever removed, and no file's mode is ever changed:
 *
 * - a socket already at the path is removed only when nobody listens on it (a stream connect
 *   is refused); a live one is refused, and nothing else at the path is touched;
 * - the mode is given at creation, through the umask around `bind()`, so there is no window in
 *   which a `chmod` by path could follow a link another user put in its place;
 * - missing directories are created 0755 whatever the umask;
 * - on exit the file is removed only while it is still the inode the adapter bound.
 *
 * @module
 */

import type { SocketAddress } from "../core/config.ts";
import { errorText } from "./logging.ts";
import type { SocketPath } from "./socket_path.ts";

/** Why the socket could not be set up, with the exit status behaviour §7.4 gives it. */
export class SocketSetupError extends Error {
  /** `exitStatus` is 2 for a path that must not be touched, 1 for other failures. */
  constructor(message: string, readonly exitStatus: 1 | 2) {
    super(message);
    this.name = "SocketSetupError";
  }
}

/** The file of a bound path socket: where, and which inode, for removal on exit. */
export interface SocketFile {
  /** The socket's real path, symbolic links resolved. */
  readonly path: string;
  /** The device the file is on, as `stat` reports it. */
  readonly dev: number;
  /** The file's inode: only this inode is removed on exit. */
  readonly ino: number;
  /** The mode the file really has (a default ACL on the directory can change it). */
  readonly mode: number;
}

/** A bound socket, its file (none for an abstract socket), and whether a stale one went. */
export interface BoundSocket {
  /** The bound datagram socket the notifications arrive on. */
  readonly conn: Deno.DatagramConn;
  /** The socket's file; `null` for an abstract socket, which has none. */
  readonly file: SocketFile | null;
  /** Whether a stale socket file, left by an earlier run, was removed first. */
  readonly replacedStale: boolean;
}

// The kernel creates the file with 0777 & ~umask: the mode is right from its first instant.
function withUmask<T>(umask: number, action: () => T): T {
  const saved = Deno.umask(umask);
  try {
    return action();
  } finally {
    Deno.umask(saved);
  }
}

function createDirectories(address: SocketAddress, missing: readonly string[]) {
  for (const directory of missing) {
    try {
      withUmask(0o022, () => Deno.mkdirSync(directory, { mode: 0o755 }));
    } catch (error) {
      // Created meanwhile by someone else: fine if it is a directory, not a link.
      if (error instanceof Deno.errors.AlreadyExists && Deno.lstatSync(directory).isDirectory) {
        continue;
      }
      throw new SocketSetupError(
        `Cannot create the directory ${directory} of NOTIFY_SOCKET ${address.text}: ${
          errorText(error)
        }`,
        1,
      );
    }
  }
}

type Liveness = "live" | "stale" | "gone";

// A stream connect to a datagram socket that someone holds fails with EPROTOTYPE; to one whose
// owner is gone, with ECONNREFUSED. Nothing is delivered to a live socket.
async function liveness(path: string): Promise<Liveness | Error> {
  try {
    (await Deno.connect({ transport: "unix", path })).close();
    return "live";
  } catch (error) {
    if (error instanceof Deno.errors.ConnectionRefused) return "stale";
    if (error instanceof Deno.errors.NotFound) return "gone";
    if (error instanceof Error && /\(os error 91\)/.test(error.message)) return "live";
    return error instanceof Error ? error : new Error(String(error));
  }
}

// Returns whether a stale socket was removed; refuses anything else at the path.
async function clearPath(address: SocketAddress, path: string): Promise<boolean> {
  const quoted = JSON.stringify(address.text);
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw new SocketSetupError(`Cannot inspect NOTIFY_SOCKET ${quoted}: ${errorText(error)}`, 1);
  }
  if (!info.isSocket) {
    throw new SocketSetupError(
      `Refusing NOTIFY_SOCKET ${quoted}: it exists and is not a socket`,
      2,
    );
  }
  const state = await liveness(path);
  if (state === "gone") return false;
  if (state === "live") {
    throw new SocketSetupError(
      `Refusing NOTIFY_SOCKET ${quoted}: another process is listening on it (another ` +
        "adapter, or the service manager that started this one?)",
      1,
    );
  }
  if (state instanceof Error) {
    throw new SocketSetupError(
      `Refusing NOTIFY_SOCKET ${quoted}: cannot tell whether another process listens on it: ${
        errorText(state)
      }`,
      1,
    );
  }
  try {
    Deno.removeSync(path);
  } catch (error) {
    throw new SocketSetupError(
      `Cannot remove the stale socket at NOTIFY_SOCKET ${quoted}: ${errorText(error)}`,
      1,
    );
  }
  return true;
}

function listen(address: SocketAddress, bindPath: string): Deno.DatagramConn {
  try {
    return Deno.listenDatagram({ transport: "unixpacket", path: bindPath });
  } catch (error) {
    const why = error instanceof Deno.errors.AddrInUse
      ? "another process is listening on it"
      : errorText(error);
    throw new SocketSetupError(
      `Cannot bind NOTIFY_SOCKET ${JSON.stringify(address.text)}: ${why}`,
      1,
    );
  }
}

/**
 * Binds the `AF_UNIX`/`SOCK_DGRAM` socket at `address`; for a path socket at `resolved`
 * (`resolveSocketPath`), with `mode`.
 */
export async function bindNotifySocket(
  address: SocketAddress,
  resolved: SocketPath | null,
  mode: number,
): Promise<BoundSocket> {
  if (address.abstract || resolved === null) {
    return { conn: listen(address, address.bindPath), file: null, replacedStale: false };
  }
  createDirectories(address, resolved.missing);
  const replacedStale = await clearPath(address, resolved.path);
  const conn = withUmask(~mode & 0o777, () => listen(address, resolved.path));
  try {
    const info = Deno.lstatSync(resolved.path);
    if (!info.isSocket || info.dev === null || info.ino === null) throw new Error("not a socket");
    const file = {
      path: resolved.path,
      dev: info.dev,
      ino: info.ino,
      mode: (info.mode ?? 0) & 0o777,
    };
    return { conn, file, replacedStale };
  } catch (error) {
    conn.close();
    throw new SocketSetupError(
      `Cannot bind NOTIFY_SOCKET ${JSON.stringify(address.text)}: the path changed while binding ` +
        `(${errorText(error)})`,
      1,
    );
  }
}

/** Removes a path socket's file if it is still the one bound; true when it was removed. */
export function removeNotifySocket(file: SocketFile | null): boolean {
  if (file === null) return false;
  try {
    const info = Deno.lstatSync(file.path);
    if (info.dev !== file.dev || info.ino !== file.ino) return false;
    Deno.removeSync(file.path);
    return true;
  } catch {
    // Already gone, or the directory went away: either way nothing of ours is left behind.
    return false;
  }
}
