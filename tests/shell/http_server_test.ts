// The HTTP server in process (behaviour §5.1, §5.6): the wire format, keep-alive and
// pipelining, and each protection (head deadline, idle timeout, head size, connection cap),
// with short limits so that each takes milliseconds.
import assert from "node:assert/strict";
import type { HttpRequest } from "../../lib/core/http_handler.ts";
import type { HttpResponse } from "../../lib/core/http_response.ts";
import type { LogFields, LogLevel } from "../../lib/core/effects.ts";
import type { TrackedConnection } from "../../lib/shell/http_connection.ts";
import {
  evictionCandidate,
  HTTP_LIMITS,
  type HttpLimits,
  type HttpListener,
  listenHttp,
} from "../../lib/shell/http_server.ts";
import { schedule } from "../../lib/shell/schedule.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface Server {
  readonly port: number;
  readonly listener: HttpListener;
  readonly records: { level: LogLevel; message: string; fields: LogFields }[];
  readonly requests: HttpRequest[];
}

const BODY = '{"healthz":true}';

function startServer(
  limits: Partial<HttpLimits> = {},
  handler: (request: HttpRequest) => HttpResponse = () => ({
    status: 200,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
    body: BODY,
  }),
): Server {
  const records: Server["records"] = [];
  const requests: HttpRequest[] = [];
  const listener = listenHttp({
    host: "127.0.0.1",
    port: 0,
    handler: (request) => {
      requests.push(request);
      return handler(request);
    },
    logger: { log: (level, message, fields) => records.push({ level, message, fields }) },
    schedule,
    limits,
  });
  const port = Number(listener.address.split(":").at(-1));
  return { port, listener, records, requests };
}

const connect = (port: number) => Deno.connect({ hostname: "127.0.0.1", port });

/** Everything the server sends on `conn` until it closes it, or `timeoutMs` passes. */
async function readAll(conn: Deno.Conn, timeoutMs = 3_000): Promise<string> {
  const chunks: Uint8Array[] = [];
  const buffer = new Uint8Array(65_536);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    conn.close();
  }, timeoutMs);
  try {
    for (;;) {
      const count = await conn.read(buffer);
      if (count === null) break;
      chunks.push(buffer.slice(0, count));
    }
  } catch (error) {
    if (!timedOut) throw error;
  } finally {
    clearTimeout(timer);
  }
  if (timedOut) throw new Error("the server did not close the connection");
  conn.close();
  return decoder.decode(new Uint8Array(chunks.flatMap((chunk) => [...chunk])));
}

/** Sends `text` on a new connection and reads until the server closes it. */
async function exchange(port: number, text: string | Uint8Array): Promise<string> {
  const conn = await connect(port);
  await conn.write(typeof text === "string" ? encoder.encode(text) : text);
  return await readAll(conn);
}

/** Resolves with the milliseconds until the server closes `conn` (reading and dropping). */
async function closedAfter(conn: Deno.Conn): Promise<number> {
  const started = performance.now();
  const buffer = new Uint8Array(4096);
  try {
    while (await conn.read(buffer) !== null) {
      // Whatever was answered before the close.
    }
  } catch {
    // A reset is a close too (or the test closed it).
  }
  try {
    conn.close();
  } catch {
    // Closed by the test already.
  }
  return performance.now() - started;
}

/** Watches `conn` for its close by the server: `within(ms)` says whether it has come. */
function watchClose(conn: Deno.Conn) {
  const closed = closedAfter(conn);
  return {
    closed,
    within: async (ms: number) =>
      await Promise.race([closed.then(() => true), new Promise((r) => setTimeout(r, ms, false))]),
  };
}

/** The bodies of the answers in `text`, one after the other, by their content-length. */
function bodies(text: string): string[] {
  const found = [];
  for (let rest = text; rest !== "";) {
    const headEnd = rest.indexOf("\r\n\r\n") + 4;
    const length = Number(/\r\ncontent-length: (\d+)\r\n/.exec(rest.slice(0, headEnd))![1]);
    found.push(rest.slice(headEnd, headEnd + length));
    rest = rest.slice(headEnd + length);
  }
  return found;
}

const DATE = /^date: [A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$/m;

Deno.test("listenHttp() answers GET with status, fields, content-length, date and the body", async () => {
  const server = startServer();
  try {
    const answer = await exchange(
      server.port,
      "GET /livez?x=1 HTTP/1.1\r\nHost: a b\r\nUser-Agent: kube-probe/1.30\r\nAccept: */*\r\n" +
        "Connection: close\r\n\r\n",
    );
    assert.match(answer, DATE);
    assert.equal(
      answer.replace(DATE, "date: D"),
      "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncache-control: no-store\r\n" +
        `content-length: ${BODY.length}\r\ndate: D\r\nconnection: close\r\n\r\n${BODY}`,
    );
    assert.deepEqual(server.requests, [{
      method: "GET",
      target: "/livez?x=1",
      keepAlive: false,
      hasBody: false,
    }]);
  } finally {
    await server.listener.shutdown();
  }
});

Deno.test("listenHttp() answers HEAD with GET's fields and length, without the body", async () => {
  const server = startServer();
  try {
    const answer = await exchange(server.port, "HEAD /livez HTTP/1.1\r\nConnection: close\r\n\r\n");
    assert.ok(answer.endsWith("\r\n\r\n"), JSON.stringify(answer));
    assert.match(answer, new RegExp(`\r\ncontent-length: ${BODY.length}\r\n`));
  } finally {
    await server.listener.shutdown();
  }
});

Deno.test("listenHttp() keeps an HTTP/1.1 connection and answers pipelined requests in order", async () => {
  const server = startServer({}, (request) => ({ status: 200, headers: {}, body: request.target }));
  try {
    const conn = await connect(server.port);
    await conn.write(encoder.encode("GET /one HTTP/1.1\r\n\r\nGET /two HTTP/1.1\r\n\r\nGET /thr"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await conn.write(encoder.encode("ee HTTP/1.1\r\nConnection: close\r\n\r\n"));
    const text = await readAll(conn);
    assert.deepEqual(bodies(text), ["/one", "/two", "/three"], text);
    assert.equal(text.match(/connection: close/g)?.length, 1, text);
    // HTTP/1.0: one answer, then the server closes.
    const old = await exchange(server.port, "GET /four HTTP/1.0\r\n\r\nGET /five HTTP/1.0\r\n\r\n");
    assert.match(old, /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\nconnection: close\r\n\r\n\/four$/);
  } finally {
    await server.listener.shutdown();
  }
});

Deno.test("listenHttp() waiting(): from accept to the first answer, not for a kept connection between requests", async () => {
  const server = startServer();
  const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
  try {
    assert.equal(server.listener.waiting(), false);
    const conn = await connect(server.port);
    await settle();
    // Accepted, no request yet: a probe's connection, or a siege's.
    assert.equal(server.listener.waiting(), true);
    await conn.write(encoder.encode("GET /healthz HTTP/1.1\r\n\r\n"));
    const buffer = new Uint8Array(4096);
    assert.ok((await conn.read(buffer) ?? 0) > 0);
    await settle();
    // Answered and kept: Prometheus between scrapes.
    assert.equal(server.listener.waiting(), false);
    conn.close();
    await settle();
    assert.equal(server.listener.waiting(), false);
  } finally {
    await server.listener.shutdown();
  }
});

Deno.test("listenHttp() answers a malformed head 400, another version 505, and closes", async () => {
  const server = startServer();
  try {
    for (
      const [request, status] of [
        ["GARBAGE\r\n\r\n", "400 Bad Request"],
        ["GET /livez HTTP/1.1\r\nHost x\r\n\r\n", "400 Bad Request"],
        ["PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "505 HTTP Version Not Supported"],
      ]
    ) {
      const answer = await exchange(server.port, request);
      assert.match(answer, new RegExp(`^HTTP/1\\.1 ${status}\r\n`), request);
      assert.match(answer, /\r\nconnection: close\r\n/);
    }
    assert.deepEqual(server.requests, []);
  } finally {
    await server.listener.shutdown();
  }
});

Deno.test("listenHttp() serves a head of 8 KiB, answers 431 to a longer one and closes", async () => {
  const server = startServer();
  try {
    const line = "GET /livez HTTP/1.1\r\nConnection: close\r\n";
    const field = (length: number) => `X: ${"a".repeat(length - 5)}\r\n`;
    const fits = line + field(8192 - line.length - 2) + "\r\n";
    assert.match(await exchange(server.port, fits), /^HTTP\/1\.1 200 OK\r\n/);
    const over = line + field(8192 - line.length - 1) + "\r\n";
    assert.match(await exchange(server.port, over), /^HTTP\/1\.1 431 /);
    // Far beyond: the server answers without waiting for the end of it.
    const huge = line + field(200_000);
    assert.match(await exchange(server.port, huge), /^HTTP\/1\.1 431 /);
    assert.equal(server.requests.length, 1);
  } finally {
    await server.listener.shutdown();
  }
});

Deno.test("listenHttp() answers a request with a body and closes, the answer intact", async () => {
  const server = startServer(
    {},
    () => ({ status: 405, headers: { allow: "GET, HEAD" }, body: "no" }),
  );
  try {
    const body = "x".repeat(300_000);
    for (
      const head of [
        `POST /livez HTTP/1.1\r\nContent-Length: ${body.length}\r\n\r\n`,
        "POST /livez HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
      ]
    ) {
      const conn = await connect(server.port);
      await conn.write(encoder.encode(head));
      // Sent in the background: the answer comes before the body is all there.
      const sending = conn.write(encoder.encode(body)).catch(() => 0);
      const answer = await readAll(conn);
      await sending;
      assert.match(answer, /^HTTP\/1\.1 405 Method Not Allowed\r\n[\s\S]*\r\n\r\nno$/);
      assert.match(answer, /\r\nconnection: close\r\n/);
    }
  } finally {
    await server.listener.shutdown();
  }
});

Deno.test("listenHttp() closes a connection whose head is not complete within the head deadline", async () => {
  const server = startServer({ headTimeoutMs: 300, sweepMs: 50 });
  try {
    const silent = await connect(server.port);
    const slow = await connect(server.port);
    await slow.write(encoder.encode("GET /livez HTTP/1.1\r\nHost: x\r\n"));
    const [silentMs, slowMs] = await Promise.all([closedAfter(silent), closedAfter(slow)]);
    for (const ms of [silentMs, slowMs]) assert.ok(ms >= 250 && ms < 3_000, `closed after ${ms}`);
    // The clock starts at the first byte of a later request, not at the previous answer.
    const kept = await connect(server.port);
    await kept.write(encoder.encode("GET /livez HTTP/1.1\r\n\r\n"));
    assert.ok((await kept.read(new Uint8Array(4096)) ?? 0) > 0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await kept.write(encoder.encode("GET /livez HTTP/1.1\r\n"));
    const keptClose = watchClose(kept);
    assert.equal(await keptClose.within(150), false, "closed before its head deadline");
    assert.ok(await keptClose.within(3_000), "still open after its head deadline");
  } finally {
    await server.listener.shutdown();
  }
});

Deno.test("listenHttp() closes a kept connection idle for the idle timeout, not before", async () => {
  const server = startServer({ idleTimeoutMs: 400, sweepMs: 50 });
  try {
    const conn = await connect(server.port);
    await conn.write(encoder.encode("GET /livez HTTP/1.1\r\n\r\n"));
    const buffer = new Uint8Array(4096);
    assert.ok((await conn.read(buffer) ?? 0) > 0);
    const ms = await closedAfter(conn);
    assert.ok(ms >= 300 && ms < 3_000, `closed after ${ms} ms`);
  } finally {
    await server.listener.shutdown();
  }
});

Deno.test("listenHttp() reaching the cap closes the oldest connection that sent no request", async () => {
  const server = startServer({ maxConnections: 4 });
  const conns: Deno.Conn[] = [];
  const open = async (request: string) => {
    const conn = await connect(server.port);
    conns.push(conn);
    await conn.write(encoder.encode(request));
    if (request.endsWith("\r\n\r\n")) assert.ok((await conn.read(new Uint8Array(4096)) ?? 0) > 0);
    // The server has taken it in before the next one comes.
    await new Promise((resolve) => setTimeout(resolve, 20));
    return watchClose(conn);
  };
  const probe = async () =>
    assert.match(
      await exchange(server.port, "GET /livez HTTP/1.1\r\nConnection: close\r\n\r\n"),
      /^HTTP\/1\.1 200 OK\r\n/,
    );
  try {
    // One kept connection that was answered, then three that never finish their head: the
    // third is the fourth connection, and the oldest half-sent one makes room for it.
    const kept = await open("GET /livez HTTP/1.1\r\n\r\n");
    const half = [];
    for (let i = 0; i < 3; i++) half.push(await open("GET /livez HTTP/1.1\r\n"));
    assert.ok(await half[0].within(1_000), "the oldest half-sent one is closed");
    await probe();
    assert.ok(await half[1].within(1_000), "then the next oldest, for the probe");
    for (const watch of [kept, half[2]]) assert.equal(await watch.within(50), false);
    // Answered connections come in: the half-sent one goes first, then the oldest answered.
    const answered = [];
    for (let i = 0; i < 2; i++) answered.push(await open("GET /livez HTTP/1.1\r\n\r\n"));
    assert.ok(await half[2].within(1_000));
    assert.equal(await kept.within(50), false);
    await probe();
    assert.ok(await kept.within(1_000), "the oldest answered one goes when none is half-sent");
    for (const watch of answered) assert.equal(await watch.within(50), false);
  } finally {
    for (const conn of conns) {
      try {
        conn.close();
      } catch {
        // Closed by its watcher already.
      }
    }
    await server.listener.shutdown();
  }
});

Deno.test("listenHttp() answers 500 when the handler throws, and logs it", async () => {
  const server = startServer({}, () => {
    throw new Error("boom");
  });
  try {
    const answer = await exchange(server.port, "GET /livez HTTP/1.1\r\nConnection: close\r\n\r\n");
    assert.match(answer, /^HTTP\/1\.1 500 Internal Server Error\r\n/);
    assert.ok(answer.endsWith('{"error":"Internal error"}'));
    assert.deepEqual(server.records, [{
      level: "error",
      message: "HTTP handler failed",
      fields: { error: "boom" },
    }]);
  } finally {
    await server.listener.shutdown();
  }
});

Deno.test("listenHttp() shutdown closes idle and half-sent connections and stops accepting", async () => {
  const server = startServer();
  const idle = await connect(server.port);
  const half = await connect(server.port);
  await half.write(encoder.encode("GET /livez HTTP/1.1\r\n"));
  await new Promise((resolve) => setTimeout(resolve, 50));
  await server.listener.shutdown();
  assert.ok(await watchClose(idle).within(1_000));
  assert.ok(await watchClose(half).within(1_000));
  await assert.rejects(() => connect(server.port), Deno.errors.ConnectionRefused);
});

Deno.test("HTTP_LIMITS: 256 connections, a head within 10 s, kept 30 s idle", () => {
  assert.deepEqual(HTTP_LIMITS, {
    maxConnections: 256,
    headTimeoutMs: 10_000,
    idleTimeoutMs: 30_000,
    answerTimeoutMs: 30_000,
    lingerMs: 2_000,
    sweepMs: 1_000,
  });
});

Deno.test("evictionCandidate() picks the oldest of: lingering, no request yet, kept, writing", () => {
  const conn = {} as Deno.Conn;
  const make = (phase: TrackedConnection["phase"], answered: number): TrackedConnection => ({
    conn,
    phase,
    answered,
    deadline: 0,
  });
  const writing = make("answer", 0);
  const kept = make("head", 2);
  const kept2 = make("head", 1);
  const fresh = make("head", 0);
  const fresh2 = make("head", 0);
  const lingering = make("linger", 1);
  assert.equal(evictionCandidate([writing, kept, fresh, fresh2, lingering]), lingering);
  assert.equal(evictionCandidate([writing, kept, fresh, fresh2]), fresh);
  assert.equal(evictionCandidate([writing, kept, kept2]), kept);
  assert.equal(evictionCandidate([writing]), writing);
  assert.equal(evictionCandidate([kept, fresh], fresh), kept, "the newcomer is spared");
  assert.equal(evictionCandidate([]), undefined);
});
