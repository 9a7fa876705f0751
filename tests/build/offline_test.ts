// Building and running the adapter needs no package registry (issue 11 item 5): with an empty
// DENO_DIR and the npm registry unreachable, `deno task start` runs the adapter, and
// `deno task compile` fails, if it fails, for want of denort only, never of a test package.
import assert from "node:assert/strict";
import { httpRequest } from "../helpers/http_client.ts";
import { freePort } from "../helpers/adapter_process.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

function offlineEnv(denoDir: string): Record<string, string> {
  return {
    DENO_DIR: denoDir,
    NPM_CONFIG_REGISTRY: "http://127.0.0.1:9/",
    DENO_NO_UPDATE_CHECK: "1",
    NO_COLOR: "1",
  };
}

Deno.test("deno task start runs the adapter with an empty DENO_DIR and no npm registry", async () => {
  const denoDir = Deno.makeTempDirSync({ prefix: "sd-notify-adapter-deno-dir-" });
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "start"],
    cwd: ROOT,
    env: {
      ...offlineEnv(denoDir),
      NOTIFY_SOCKET: `@sd-notify-adapter-offline-${crypto.randomUUID()}`,
      ADAPTER_PORT: String(port),
      ADAPTER_LOG: "false",
    },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let status = 0;
  for (let i = 0; i < 200 && status !== 200; i++) {
    try {
      status = (await httpRequest(port, "/healthz")).status;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  child.kill("SIGTERM");
  const [exit, stderr] = await Promise.all([
    child.status,
    new Response(child.stderr).text(),
  ]);
  Deno.removeSync(denoDir, { recursive: true });
  assert.equal(status, 200, stderr);
  assert.equal(exit.success, true, stderr);
  assert.equal(stderr.includes("npm"), false, stderr);
});

Deno.test("deno task compile resolves no test package with an empty DENO_DIR", async () => {
  const denoDir = Deno.makeTempDirSync({ prefix: "sd-notify-adapter-deno-dir-" });
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "compile"],
    cwd: ROOT,
    // A DENORT_BIN that is not there: the compile stops at denort, after resolving the graph.
    env: { ...offlineEnv(denoDir), DENORT_BIN: `${denoDir}/no-denort` },
  }).output();
  Deno.removeSync(denoDir, { recursive: true });
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 1, stderr);
  assert.match(stderr, /^Cannot compile dist\/sd-notify-adapter: DENORT_BIN=/);
  assert.equal(/npm|fast-check|yaml|kubernetes/.test(stderr), false, stderr);
});
