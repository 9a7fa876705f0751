import assert from "node:assert/strict";
import { headEnd, MAX_HEAD_BYTES, readRequestHead } from "../../lib/core/request_head.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const read = (text: string) => readRequestHead(bytes(text));
const head = (method: string, target: string, keepAlive: boolean, hasBody = false) => ({
  method,
  target,
  keepAlive,
  hasBody,
});

Deno.test("readRequestHead() reads what kubelet, Prometheus, curl and probe send", () => {
  const clients: [string, ReturnType<typeof head>][] = [
    [
      "GET /livez HTTP/1.1\r\nHost: 10.0.0.7:8089\r\nUser-Agent: kube-probe/1.30\r\n" +
      "Accept: */*\r\nConnection: close\r\n\r\n",
      head("GET", "/livez", false),
    ],
    [
      "GET /metrics HTTP/1.1\r\nHost: 10.0.0.7:8089\r\nUser-Agent: Prometheus/2.45.3\r\n" +
      "Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5\r\n" +
      "Accept-Encoding: gzip\r\nX-Prometheus-Scrape-Timeout-Seconds: 10\r\n\r\n",
      head("GET", "/metrics", true),
    ],
    [
      "HEAD /healthz HTTP/1.1\r\nHost: 127.0.0.1:8089\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n",
      head("HEAD", "/healthz", true),
    ],
    [
      "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:8089\r\nUser-Agent: sd-notify-adapter-probe\r\n" +
      "Accept: application/json\r\nConnection: close\r\n\r\n",
      head("GET", "/healthz", false),
    ],
  ];
  for (const [text, expected] of clients) {
    assert.deepEqual(read(text), { kind: "complete", head: expected, length: text.length });
  }
});

Deno.test("readRequestHead() keeps HTTP/1.1 connections unless told to close, HTTP/1.0 never", () => {
  const keeps = (text: string) => {
    const reading = read(text);
    assert.equal(reading.kind, "complete", text);
    return reading.kind === "complete" && reading.head.keepAlive;
  };
  assert.equal(keeps("GET / HTTP/1.1\r\n\r\n"), true);
  assert.equal(keeps("GET / HTTP/1.1\r\nConnection: keep-alive, Upgrade\r\n\r\n"), true);
  assert.equal(keeps("GET / HTTP/1.1\r\nconnection: Upgrade, CLOSE\r\n\r\n"), false);
  assert.equal(keeps("GET / HTTP/1.0\r\n\r\n"), false);
  assert.equal(keeps("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"), false);
  // A later minor version is read as 1.1 (RFC 9110 §2.5).
  assert.equal(keeps("GET / HTTP/1.2\r\n\r\n"), true);
});

Deno.test("readRequestHead() tells a request with a body: Content-Length above 0 or Transfer-Encoding", () => {
  const body = (fields: string) => {
    const reading = read(`POST /livez HTTP/1.1\r\nHost: x\r\n${fields}\r\n`);
    return reading.kind === "complete" ? reading.head.hasBody : reading;
  };
  assert.equal(body(""), false);
  assert.equal(body("Content-Length: 0\r\n"), false);
  assert.equal(body("Content-Length: 000\r\n"), false);
  assert.equal(body("Content-Length: 3\r\n"), true);
  assert.equal(body("Content-Length: 3, 3\r\nContent-Length: 3\r\n"), true);
  assert.equal(body("Transfer-Encoding: chunked\r\n"), true);
  assert.deepEqual(body("Content-Length: 3, 4\r\n"), { kind: "refused", status: 400 });
  assert.deepEqual(body("Content-Length: 3\r\nContent-Length: 4\r\n"), {
    kind: "refused",
    status: 400,
  });
  assert.deepEqual(body("Content-Length: -1\r\n"), { kind: "refused", status: 400 });
  assert.deepEqual(body("Content-Length: \r\n"), { kind: "refused", status: 400 });
});

Deno.test("readRequestHead() accepts bare LF line ends and one empty line before the request", () => {
  assert.deepEqual(read("GET /livez HTTP/1.1\nHost: x\n\n"), {
    kind: "complete",
    head: head("GET", "/livez", true),
    length: 29,
  });
  assert.deepEqual(read("\r\nGET /livez HTTP/1.1\r\n\r\n"), {
    kind: "complete",
    head: head("GET", "/livez", true),
    length: 25,
  });
  assert.deepEqual(read("\r\n\r\nGET /livez HTTP/1.1\r\n\r\n"), { kind: "refused", status: 400 });
});

Deno.test("readRequestHead() refuses what is not an HTTP/1.x request head: 400, or 505", () => {
  const refused = [
    "GARBAGE\r\n\r\n",
    "GET /livez\r\n\r\n",
    "GET  /livez HTTP/1.1\r\n\r\n",
    "GET /livez HTTP/1.1 \r\n\r\n",
    "GET /li vez HTTP/1.1\r\n\r\n",
    "GET /livez http/1.1\r\n\r\n",
    "G@T /livez HTTP/1.1\r\n\r\n",
    "GET /livez HTTP/1.1\r\nHost x\r\n\r\n",
    "GET /livez HTTP/1.1\r\nHost : x\r\n\r\n",
    "GET /livez HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",
    "GET /livez HTTP/1.1\r\nHost: a\rb\r\n\r\n",
    "GET /livez HTTP/1.1\r\nHost: a\u0000b\r\n\r\n",
    "GET /l\u00e9vez HTTP/1.1\r\n\r\n",
    "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003\n\n",
  ];
  for (const text of refused) {
    assert.deepEqual(read(text), { kind: "refused", status: 400 }, JSON.stringify(text));
  }
  assert.deepEqual(read("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), { kind: "refused", status: 505 });
  assert.deepEqual(read("GET / HTTP/3.0\r\n\r\n"), { kind: "refused", status: 505 });
});

Deno.test("readRequestHead() waits for the end of the head, up to MAX_HEAD_BYTES: then 414 or 431", () => {
  assert.equal(MAX_HEAD_BYTES, 8192);
  assert.deepEqual(read("GET /livez HTTP/1.1\r\nHost: x\r\n"), { kind: "incomplete" });
  assert.deepEqual(read(""), { kind: "incomplete" });
  const line = "GET /livez HTTP/1.1\r\n";
  const filler = (length: number) => `X: ${"a".repeat(length - 5)}\r\n`;
  // Exactly MAX_HEAD_BYTES, the empty line included: served.
  const fits = line + filler(MAX_HEAD_BYTES - line.length - 2) + "\r\n";
  assert.equal(fits.length, MAX_HEAD_BYTES);
  assert.equal(read(fits).kind, "complete");
  const over = line + filler(MAX_HEAD_BYTES - line.length - 1) + "\r\n";
  assert.deepEqual(read(over), { kind: "refused", status: 431 });
  assert.deepEqual(read(over.slice(0, MAX_HEAD_BYTES)), { kind: "refused", status: 431 });
  assert.deepEqual(read(`GET /${"a".repeat(MAX_HEAD_BYTES)}`), { kind: "refused", status: 414 });
});

Deno.test("readRequestHead() reads the first of pipelined requests and says where it ends", () => {
  const first = "GET /livez HTTP/1.1\r\nHost: x\r\n\r\n";
  assert.deepEqual(read(`${first}GET /readyz HTTP/1.1\r\n`), {
    kind: "complete",
    head: head("GET", "/livez", true),
    length: first.length,
  });
});

Deno.test("headEnd() finds the empty line after CRLF or LF, from where it is told", () => {
  assert.equal(headEnd(bytes("GET / HTTP/1.1\r\n\r\n")), 18);
  assert.equal(headEnd(bytes("GET / HTTP/1.1\n\n")), 16);
  assert.equal(headEnd(bytes("GET / HTTP/1.1\r\n")), -1);
  assert.equal(headEnd(bytes("GET / HTTP/1.1\r\nA: b\r\n\r\nrest")), 24);
  assert.equal(headEnd(bytes("\n\nGET / HTTP/1.1\n\n"), 2), 18);
});
