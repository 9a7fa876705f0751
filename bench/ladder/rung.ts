/**
 * What every rung of the start-up ladder (bench/breakdown.ts) does once its modules are in:
 * the parts named in `BENCH_RUNG` (comma-separated), then it answers `GET /healthz` with 200
 * on `ADAPTER_PORT`, so that its start-up is measured as the adapter's is. Without `serve` it
 * answers from a raw TCP listener, the least that can answer; the other parts:
 *
 * - `serve`: `Deno.serve` answers instead, as in the adapter;
 * - `libc`: libc loaded through Deno's FFI with the adapter's symbols, as the adapter loads it
 *   at start (lib/shell/libc.ts);
 * - `socket`: `Deno.listenDatagram` on `NOTIFY_SOCKET`, with a receive loop;
 * - `node-timers`: one global `setTimeout`, which is Node's in Deno 2.9.6;
 * - `node-process`: the global `process`, from Node compatibility;
 * - `node-fs`: `import("node:fs")`.
 *
 * @module
 */

// What each part does before the rung answers, but `serve`, which is how it answers.
const EFFECTS: Readonly<Record<string, () => unknown>> = {
  "libc": async () => {
    const { loadLibc } = await import("../../lib/shell/libc.ts");
    const libc = loadLibc();
    if (libc instanceof Error) throw libc;
  },
  "socket": () => void receive(bindNotifySocket()),
  "node-timers": () => setTimeout(() => {}, 0),
  "node-process": () => (globalThis as { process?: { pid: number } }).process?.pid,
  "node-fs": () => import("node:fs"),
};
const PARTS = ["serve", ...Object.keys(EFFECTS)];

const RESPONSE = new TextEncoder().encode(
  "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
);

/** Listens on `::` (dual stack) as the adapter does, or on `0.0.0.0` where there is no IPv6. */
function listenDual<T>(listen: (hostname: string) => T): T {
  try {
    return listen("::");
  } catch {
    return listen("0.0.0.0");
  }
}

function bindNotifySocket(): Deno.DatagramConn {
  const socket = Deno.env.get("NOTIFY_SOCKET") ?? "";
  const path = socket.startsWith("@") ? `\0${socket.slice(1)}` : socket;
  return Deno.listenDatagram({ transport: "unixpacket", path });
}

async function receive(conn: Deno.DatagramConn): Promise<void> {
  const buffer = new Uint8Array(4097);
  while (true) await conn.receive(buffer);
}

async function answer(conn: Deno.Conn): Promise<void> {
  try {
    await conn.read(new Uint8Array(1024));
    await conn.write(RESPONSE);
  } finally {
    conn.close();
  }
}

/** Carries out the parts named in `BENCH_RUNG`, then answers `/healthz` until it is ended. */
export async function runRung(): Promise<void> {
  const parts = (Deno.env.get("BENCH_RUNG") ?? "").split(",").filter((part) => part !== "");
  const unknown = parts.filter((part) => !PARTS.includes(part));
  if (unknown.length > 0) {
    throw new Error(
      `Cannot run BENCH_RUNG "${parts.join(",")}": unknown ${unknown.join(", ")}, expected ` +
        PARTS.join(", "),
    );
  }
  for (const part of parts) await EFFECTS[part]?.();
  const port = Number(Deno.env.get("ADAPTER_PORT"));
  if (parts.includes("serve")) {
    listenDual((hostname) =>
      Deno.serve({ hostname, port, onListen: () => {} }, () => new Response("ok"))
    );
    return;
  }
  const listener = listenDual((hostname) => Deno.listen({ hostname, port }));
  for await (const conn of listener) void answer(conn).catch(() => {});
}
