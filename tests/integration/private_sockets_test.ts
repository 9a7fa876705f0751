// What the adapter uses internally cannot be reached by another process (behaviour §10.3; issue
// 18 item 7): after a flood that makes the reader yield to the event loop, and a timer tick
// that sends a marker, the only named unix socket of the adapter is its notify socket, and
// the only TCP socket it listens on is its HTTP port. Read from /proc: the sockets of the
// adapter's process (its file descriptors), looked up in /proc/net/unix and /proc/net/tcp{,6}.
import assert from "node:assert/strict";
import { spawnAdapter, waitForRecord } from "../helpers/adapter_process.ts";

/** The inodes of the sockets the process `pid` holds. */
function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const entry of Deno.readDirSync(`/proc/${pid}/fd`)) {
    try {
      const target = Deno.readLinkSync(`/proc/${pid}/fd/${entry.name}`);
      const inode = target.match(/^socket:\[(\d+)\]$/)?.[1];
      if (inode !== undefined) inodes.add(inode);
    } catch {
      // Closed meanwhile.
    }
  }
  return inodes;
}

/** The names of the process's unix sockets, "" for an unbound one (abstract ones as `@name`). */
function unixSocketNames(inodes: Set<string>): string[] {
  return Deno.readTextFileSync("/proc/net/unix").split("\n").slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => inodes.has(fields[6]))
    .map((fields) => fields.slice(7).join(" "));
}

interface TcpSocket {
  readonly local: string;
  readonly remote: string;
  readonly listening: boolean;
}

/** The process's TCP sockets, addresses as hex `ADDRESS:PORT` the way /proc/net/tcp has them. */
function tcpSockets(inodes: Set<string>): TcpSocket[] {
  return ["/proc/net/tcp", "/proc/net/tcp6"].flatMap((file) =>
    Deno.readTextFileSync(file).split("\n").slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => inodes.has(fields[9]))
      .map(([, local, remote, state]) => ({ local, remote, listening: state === "0A" }))
  );
}

const port = (address: string) => parseInt(address.split(":")[1], 16);

Deno.test("private sockets: after a flood and a timer tick, nothing but the notify socket and the HTTP port can be reached", async () => {
  const notifySocket = `@private-sockets-test-${crypto.randomUUID()}`;
  const adapter = await spawnAdapter({
    env: {
      NOTIFY_SOCKET: notifySocket,
      ADAPTER_ECHO: "false",
      // The start timer fires at once: its tick goes through the marker.
      ADAPTER_UNIT_TIMEOUT_START_SEC: "200ms",
    },
  });
  try {
    const sender = Deno.listenDatagram({ transport: "unixpacket" });
    const target = { transport: "unixpacket" as const, path: `\0${notifySocket.slice(1)}` };
    const datagram = new TextEncoder().encode("X_FLOOD=1");
    try {
      for (let i = 0; i < 2_000; i++) await sender.send(datagram, target);
    } finally {
      sender.close();
    }
    await waitForRecord(adapter, "Event");
    await adapter.waitFor(
      async () => (await adapter.request("/metrics")).text.includes('key="X_*"} 2000'),
      "the flood judged",
    );
    const inodes = socketInodes(adapter.child.pid);
    assert.deepEqual(
      unixSocketNames(inodes).filter((name) => name !== ""),
      [notifySocket],
      "named unix sockets of the adapter",
    );
    const tcp = tcpSockets(inodes);
    assert.deepEqual(
      tcp.filter((socket) => socket.listening).map((socket) => port(socket.local)),
      [adapter.port],
      "TCP ports the adapter listens on",
    );
    // The reader did yield: its poller is a loopback connection of the adapter to itself.
    assert.ok(
      tcp.some((a) => tcp.some((b) => a.local === b.remote && a.remote === b.local)),
      `no connection of the adapter to itself: ${JSON.stringify(tcp)}`,
    );
  } finally {
    await adapter.stop();
  }
});
