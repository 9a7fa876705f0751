/**
 * Process helpers shared by the benchmark (bench/), scripts/restart_timings.ts and the tests'
 * adapter helper (tests/helpers/adapter_process.ts), written once: the start task's arguments,
 * a free port, one datagram, one HTTP status, a process's resident set size.
 *
 * @module
 */

import denoConfig from "../deno.json" with { type: "json" };

/** The repository's root directory, without a trailing slash. */
export const ROOT = new URL("../", import.meta.url).pathname.replace(/\/$/, "");

/** The `deno task start` command as arguments for `Deno.execPath()` (`run … main.ts`). */
export function startTaskArgs(): string[] {
  const [program, ...args] = denoConfig.tasks.start.split(/\s+/);
  if (program !== "deno") throw new Error(`Unexpected start task: ${denoConfig.tasks.start}`);
  return args;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

/** Sends one datagram to a notify socket (`/path` or `@name`) from a throwaway client socket. */
export async function sendDatagram(
  notifySocket: string,
  datagram: string | Uint8Array,
): Promise<void> {
  const bytes = typeof datagram === "string" ? new TextEncoder().encode(datagram) : datagram;
  const target = notifySocket.startsWith("@") ? `\0${notifySocket.slice(1)}` : notifySocket;
  const clientPath = `\0sd-notify-adapter-client-${crypto.randomUUID()}`;
  const client = Deno.listenDatagram({ transport: "unixpacket", path: clientPath });
  try {
    await client.send(bytes, { transport: "unixpacket", path: target });
  } finally {
    client.close();
  }
}

/**
 * The status of one `GET path` on a new connection to 127.0.0.1:`port` (as kubelet probes),
 * or 0 when nothing answers there.
 */
export async function httpStatus(port: number, path: string): Promise<number> {
  let conn: Deno.TcpConn;
  try {
    conn = await Deno.connect({ hostname: "127.0.0.1", port });
  } catch {
    return 0;
  }
  try {
    const request = `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`;
    await conn.write(new TextEncoder().encode(request));
    const buffer = new Uint8Array(64);
    let length = 0;
    // "HTTP/1.1 200": the status ends at byte 12.
    while (length < 12) {
      const n = await conn.read(buffer.subarray(length));
      if (n === null) return 0;
      length += n;
    }
    return Number(new TextDecoder().decode(buffer.subarray(9, 12)));
  } catch {
    return 0;
  } finally {
    conn.close();
  }
}

/** The resident set size of process `pid` in bytes (VmRSS of /proc/`pid`/status). */
export function residentBytes(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const kB = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (kB === null) throw new Error(`Cannot read the RSS of process ${pid}: no VmRSS line`);
  return Number(kB[1]) * 1024;
}

/** The 1, 5 and 15 minute load averages of the machine. */
export function loadAverage(): number[] {
  return Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).map(Number);
}

/** Resolves after `ms` milliseconds (at once for 0 or less). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
