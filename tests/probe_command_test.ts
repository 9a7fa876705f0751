import assert from "node:assert/strict";
import { probe, probeUrl } from "../lib/probe_command.ts";
import { freePort } from "./helpers/adapter_process.ts";

Deno.test("probeUrl() asks loopback for a wildcard ADAPTER_HOST, else that host", () => {
  assert.equal(String(probeUrl("healthz", {})), "http://127.0.0.1:8089/healthz");
  assert.equal(
    String(probeUrl("readyz", { ADAPTER_HOST: "0.0.0.0", ADAPTER_PORT: "9000" })),
    "http://127.0.0.1:9000/readyz",
  );
  assert.equal(
    String(probeUrl("livez", { ADAPTER_HOST: "::1", ADAPTER_PORT: "9000" })),
    "http://[::1]:9000/livez",
  );
});

Deno.test("probeUrl() names ADAPTER_PORT when it cannot be probed", () => {
  assert.deepEqual(probeUrl("healthz", { ADAPTER_PORT: "http" }), {
    ok: false,
    reason: 'healthz: cannot parse ADAPTER_PORT "http": an integer from 0 to 65535',
  });
  assert.deepEqual(probeUrl("healthz", { ADAPTER_PORT: "0" }), {
    ok: false,
    reason: 'healthz: cannot parse ADAPTER_PORT "0": a fixed port, not 0',
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
  const result = await probe("healthz", { ADAPTER_PORT: String(port) });
  assert.equal(result.ok, false);
  assert.match(
    result.reason,
    new RegExp(`^healthz: cannot GET http://127\\.0\\.0\\.1:${port}/healthz: .*Connection refused`),
  );
});
