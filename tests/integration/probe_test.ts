import assert from "node:assert/strict";
import { spawnAdapter, startTaskArgs } from "../helpers/adapter_process.ts";

async function runProbe(port: number, ...args: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [...startTaskArgs(), "probe", ...args],
    env: { ADAPTER_PORT: String(port) },
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
  assert.match(gone.stderr, /^healthz: cannot GET http:\/\/127\.0\.0\.1:\d+\/healthz: .*\n$/);
});

Deno.test("probe: an unknown endpoint is a usage error", async () => {
  const { code, stderr } = await runProbe(1, "status");
  assert.equal(code, 2);
  assert.match(stderr, /^Unknown endpoint "status": one of healthz, livez, readyz\n/);
});
