import assert from "node:assert/strict";
import { parse } from "yaml";
import { PROBE_TIMEOUT_MS } from "../../lib/commands/probe.ts";
import { adapterArgs, spawnAdapter } from "../helpers/adapter_process.ts";

async function runProbe(port: number, ...args: string[]) {
  return await runProbeWith({ ADAPTER_PORT: String(port) }, ...args);
}

async function runProbeWith(env: Record<string, string>, ...args: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [...adapterArgs(), "probe", ...args],
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
    args: [...adapterArgs(), "probe", "--help"],
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

/**
 * `probe` as kubelet runs an exec probe with `timeoutSeconds`: killed once `limitMs` has
 * passed. Its exit code (null when killed), stderr, and how long it took.
 */
async function probeUnderLimit(
  env: Record<string, string>,
  limitMs: number,
  args: readonly string[] = [],
) {
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: [...adapterArgs(), "probe", ...args],
    env,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const kill = setTimeout(() => child.kill("SIGKILL"), limitMs);
  const output = await child.output();
  clearTimeout(kill);
  return {
    code: output.signal === null ? output.code : null,
    stderr: new TextDecoder().decode(output.stderr),
    elapsedMs: performance.now() - started,
  };
}

Deno.test("probe: its own limit fits under kubelet's default exec timeout of 1 s", () => {
  assert.equal(PROBE_TIMEOUT_MS, 800);
});

Deno.test("probe: ends the moment the adapter answers, well within timeoutSeconds: 1", async () => {
  const adapter = await spawnAdapter({ env: { ADAPTER_LOG: "false" } });
  try {
    // It used to stay 2 s after the answer, its limit: kubelet would have killed every probe.
    const { elapsedMs, ...outcome } = await probeUnderLimit(
      { ADAPTER_PORT: String(adapter.port) },
      1_000,
    );
    assert.deepEqual(outcome, { code: 0, stderr: "" });
    assert.ok(elapsedMs < 1_000, `probe took ${Math.round(elapsedMs)} ms`);
  } finally {
    await adapter.stop();
  }
});

Deno.test("probe: a server that accepts and never answers fails with the probe's own reason", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) held.push(conn);
  })();
  try {
    const { port } = listener.addr;
    const { elapsedMs, ...outcome } = await probeUnderLimit(
      { ADAPTER_PORT: String(port) },
      5_000,
    );
    assert.deepEqual(outcome, {
      code: 1,
      stderr: `healthz: 127.0.0.1:${port} gave no full answer within 800 ms\n`,
    });
    assert.ok(elapsedMs >= 800 && elapsedMs < 5_000, `probe took ${Math.round(elapsedMs)} ms`);
  } finally {
    listener.close();
    await accepting.catch(() => {});
    for (const conn of held) conn.close();
  }
});

Deno.test("probe: the exec probe of docs/kubernetes.md passes within its timeoutSeconds", async () => {
  const docs = Deno.readTextFileSync(new URL("../../docs/kubernetes.md", import.meta.url));
  const block = docs.match(/<!-- exec-probe:[^>]*-->\s*```yaml\n([\s\S]*?)```/)?.[1];
  assert.ok(block, "no exec-probe block in docs/kubernetes.md");
  const { livenessProbe } = parse(block);
  const [program, ...args] = livenessProbe.exec.command;
  assert.equal(program, "/usr/local/bin/sd-notify-adapter");
  assert.deepEqual(args, ["probe", "livez"]);
  assert.equal(livenessProbe.timeoutSeconds, 1);
  const adapter = await spawnAdapter({ env: { ADAPTER_LOG: "false" } });
  try {
    await adapter.send("READY=1");
    await adapter.waitFor(async () => (await adapter.request("/livez")).status === 200, "live");
    const { elapsedMs, ...outcome } = await probeUnderLimit(
      { ADAPTER_PORT: String(adapter.port) },
      livenessProbe.timeoutSeconds * 1000,
      args.slice(1),
    );
    assert.deepEqual(outcome, { code: 0, stderr: "" });
    assert.ok(elapsedMs < 1_000, `probe took ${Math.round(elapsedMs)} ms`);
  } finally {
    await adapter.stop();
  }
});
