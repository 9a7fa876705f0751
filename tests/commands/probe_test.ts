import assert from "node:assert/strict";
import {
  parseResponse,
  probe,
  PROBE_TIMEOUT_MS,
  probeRequest,
  probeTarget,
} from "../../lib/commands/probe.ts";
import { freePort } from "../helpers/adapter_process.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("probeTarget() asks loopback for a wildcard ADAPTER_HOST, else that host", () => {
  assert.deepEqual(probeTarget("healthz", {}), {
    hostname: "127.0.0.1",
    port: 8089,
    path: "/healthz",
    authority: "127.0.0.1:8089",
  });
  assert.deepEqual(probeTarget("readyz", { ADAPTER_HOST: "0.0.0.0", ADAPTER_PORT: "9000" }), {
    hostname: "127.0.0.1",
    port: 9000,
    path: "/readyz",
    authority: "127.0.0.1:9000",
  });
  assert.deepEqual(probeTarget("livez", { ADAPTER_HOST: "::1", ADAPTER_PORT: "9000" }), {
    hostname: "::1",
    port: 9000,
    path: "/livez",
    authority: "[::1]:9000",
  });
});

Deno.test("probeTarget() names ADAPTER_PORT when it cannot be probed", () => {
  assert.deepEqual(probeTarget("healthz", { ADAPTER_PORT: "http" }), {
    ok: false,
    reason: 'healthz: cannot parse ADAPTER_PORT "http": an integer from 0 to 65535',
  });
  assert.deepEqual(probeTarget("healthz", { ADAPTER_PORT: "0" }), {
    ok: false,
    reason: 'healthz: cannot parse ADAPTER_PORT "0": a fixed port, not 0',
  });
  // A Kubernetes service link: the same advice as the adapter's own configuration error.
  assert.deepEqual(probeTarget("livez", { ADAPTER_PORT: "tcp://10.0.0.1:8089" }), {
    ok: false,
    reason: 'livez: cannot parse ADAPTER_PORT "tcp://10.0.0.1:8089": an integer from 0 to ' +
      '65535; this value is what Kubernetes injects for a Service named "adapter" (service ' +
      "links): set enableServiceLinks: false in the Pod spec, or set ADAPTER_PORT explicitly",
  });
});

Deno.test("probeRequest() is a plain HTTP/1.1 GET that closes the connection", () => {
  const target = probeTarget("readyz", { ADAPTER_HOST: "::1" });
  assert.ok(!("ok" in target));
  assert.equal(
    new TextDecoder().decode(probeRequest(target)),
    "GET /readyz HTTP/1.1\r\nHost: [::1]:8089\r\nUser-Agent: sd-notify-adapter-probe\r\n" +
      "Accept: application/json\r\nConnection: close\r\n\r\n",
  );
});

Deno.test("parseResponse() waits for the head and Content-Length bytes of body", () => {
  const head = "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 16\r\n\r\n";
  assert.deepEqual(parseResponse(bytes("HTTP/1.1 503 Serv"), false), { kind: "incomplete" });
  assert.deepEqual(parseResponse(bytes(`${head}{"readyz"`), false), { kind: "incomplete" });
  assert.deepEqual(parseResponse(bytes(`${head}{"readyz":false}`), false), {
    kind: "complete",
    status: 503,
    text: '503 Service Unavailable {"readyz":false}',
  });
});

Deno.test("parseResponse() reads to the end without Content-Length, on one line", () => {
  const response = 'HTTP/1.0 200 OK\r\nserver: x\r\n\r\n{\n  "é": true\n}\n';
  assert.deepEqual(parseResponse(bytes(response), false), { kind: "incomplete" });
  assert.deepEqual(parseResponse(bytes(response), true), {
    kind: "complete",
    status: 200,
    text: '200 OK { "é": true }',
  });
  assert.deepEqual(parseResponse(bytes("HTTP/1.1 204\r\n\r\n"), true), {
    kind: "complete",
    status: 204,
    text: "204",
  });
});

Deno.test("parseResponse() rejects what is not HTTP/1.x", () => {
  assert.deepEqual(parseResponse(bytes("SSH-2.0-OpenSSH_9.2\r\n"), true), { kind: "invalid" });
  assert.deepEqual(parseResponse(bytes("HTTP/2 200\r\n\r\n"), true), { kind: "invalid" });
  assert.deepEqual(parseResponse(bytes(""), true), { kind: "invalid" });
});

Deno.test("parseResponse() cuts a long body to 200 characters", () => {
  const body = "x".repeat(300);
  const parsed = parseResponse(bytes(`HTTP/1.1 500 Internal Server Error\r\n\r\n${body}`), true);
  assert.deepEqual(parsed, {
    kind: "complete",
    status: 500,
    text: `500 Internal Server Error ${"x".repeat(200)}…`,
  });
});

Deno.test("probe() is ok on 200 only, with the status and body as the reason", async () => {
  const port = freePort();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port, onListen: () => {} },
    (request) =>
      new URL(request.url).pathname === "/healthz"
        ? new Response('{"healthz":true}')
        : new Response('{"readyz":false}', { status: 503 }),
  );
  try {
    const env = { ADAPTER_HOST: "127.0.0.1", ADAPTER_PORT: String(port) };
    assert.deepEqual(await probe("healthz", env), {
      ok: true,
      reason: 'healthz: 200 OK {"healthz":true}',
    });
    assert.deepEqual(await probe("readyz", env), {
      ok: false,
      reason: 'readyz: 503 Service Unavailable {"readyz":false}',
    });
  } finally {
    await server.shutdown();
  }
});

Deno.test("probe() says why when nothing listens", async () => {
  const port = freePort();
  assert.deepEqual(await probe("healthz", { ADAPTER_PORT: String(port) }), {
    ok: false,
    reason: `healthz: cannot connect to 127.0.0.1:${port}: Connection refused`,
  });
});

Deno.test("probe() gives up on a server that accepts but never answers", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) held.push(conn);
  })();
  try {
    const result = await probe("livez", { ADAPTER_PORT: String(listener.addr.port) });
    assert.deepEqual(result, {
      ok: false,
      reason: `livez: 127.0.0.1:${listener.addr.port} gave no full answer within ` +
        `${PROBE_TIMEOUT_MS} ms`,
    });
  } finally {
    listener.close();
    await accepting.catch(() => {});
    for (const conn of held) conn.close();
  }
});

Deno.test("probe() says so when the port speaks something other than HTTP", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const serving = (async () => {
    const conn = await listener.accept();
    await conn.write(bytes("SSH-2.0-OpenSSH_9.2\r\n"));
    conn.close();
  })();
  try {
    assert.deepEqual(await probe("healthz", { ADAPTER_PORT: String(listener.addr.port) }), {
      ok: false,
      reason: `healthz: 127.0.0.1:${listener.addr.port} did not answer in HTTP`,
    });
  } finally {
    await serving;
    listener.close();
  }
});

Deno.test("parseResponse() escapes control and bidi characters a server sends (behaviour §6.5)", () => {
  const answer = new TextEncoder().encode(
    "HTTP/1.1 503 Service \x1b[2JUnavailable\r\n\r\n\x1b]0;pwned\x07 \u202eevil \x9b2J",
  );
  assert.deepEqual(parseResponse(answer, true), {
    kind: "complete",
    status: 503,
    text: "503 Service \\x1b[2JUnavailable \\x1b]0;pwned\\x07 \\u202eevil \\x9b2J",
  });
});
