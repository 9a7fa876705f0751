import assert from "node:assert/strict";
import { spawnAdapter, startTaskArgs } from "../helpers/adapter_process.ts";

async function runProbe(port: number, ...args: string[]) {
  return await runProbeWith({ ADAPTER_PORT: String(port) }, ...args);
}

async function runProbeWith(env: Record<string, string>, ...args: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [...startTaskArgs(), "probe", ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: output.code, stderr: new TextDecoder().decode(output.stderr) };
}

Deno.test("probe: exit 0 on 200, 1 with one line on stderr otherwise", async () => {
  const adapter = await spawnAdapter({ env: { ADAPTER_LOG: "false" } });
  try {
    assert.deepEqual(await runProbe(adapter.port), { code: 0, stderr: "" });
    const before = await runProbe(adapter.port, "readyz");
    assert.equal(before.code, 1);
    assert.match(
      before.stderr,
      /^readyz: 503 Service Unavailable \{"timestamp":"[^"]+\+00:00","healthz":true,"livez":false,"readyz":false\}\n$/,
    );
    await adapter.send("READY=1");
    await adapter.waitFor(async () => (await adapter.request("/readyz")).status === 200, "ready");
    assert.deepEqual(await runProbe(adapter.port, "readyz"), { code: 0, stderr: "" });
    assert.deepEqual(await runProbe(adapter.port, "livez"), { code: 0, stderr: "" });
  } finally {
    await adapter.stop();
  }
  const gone = await runProbe(adapter.port, "healthz");
  assert.equal(gone.code, 1);
  assert.equal(
    gone.stderr,
    `healthz: cannot connect to 127.0.0.1:${adapter.port}: Connection refused\n`,
  );
});

Deno.test("probe: a proxy in the environment is not used for the adapter on loopback", async () => {
  const adapter = await spawnAdapter({ env: { ADAPTER_LOG: "false" } });
  try {
    // Nothing listens on port 1: a probe sent through the proxy would fail.
    const proxy = "http://127.0.0.1:1";
    const env = { ADAPTER_PORT: String(adapter.port), HTTP_PROXY: proxy, http_proxy: proxy };
    assert.deepEqual(await runProbeWith(env, "healthz"), { code: 0, stderr: "" });
  } finally {
    await adapter.stop();
  }
});

Deno.test("probe: an invalid ADAPTER_PORT exits 1 naming it", async () => {
  assert.deepEqual(await runProbeWith({ ADAPTER_PORT: "80a" }), {
    code: 1,
    stderr: 'healthz: cannot parse ADAPTER_PORT "80a": an integer from 0 to 65535\n',
  });
});

Deno.test("probe --help prints the usage and exits 0", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [...startTaskArgs(), "probe", "--help"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(output.code, 0);
  assert.match(
    new TextDecoder().decode(output.stdout),
    /sd-notify-adapter probe \[healthz\|livez\|readyz\]/,
  );
});

Deno.test("probe: an unknown endpoint is a usage error", async () => {
  const { code, stderr } = await runProbe(1, "status");
  assert.equal(code, 2);
  assert.match(stderr, /^Unknown endpoint "status": one of healthz, livez, readyz\n/);
});
