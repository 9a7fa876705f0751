// What a Pod runs is one module: `deno task bundle` makes build/sd-notify-adapter.js from main.ts,
// and `deno task start`, `deno task compile` and the Containerfile run it (docs/performance.md:
// one module starts faster and smaller than the sixty it is made of). The bundle is committed, so
// that starting needs no bundler and no registry; this test fails when it is stale.
import assert from "node:assert/strict";
import denoConfig from "../../deno.json" with { type: "json" };
import { BUNDLE } from "../../scripts/compile.ts";
import { httpRequest } from "../helpers/http_client.ts";
import { freePort, sendDatagram, tempDir } from "../helpers/adapter_process.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

Deno.test("build/sd-notify-adapter.js is main.ts bundled now: run `deno task bundle` when this fails", async () => {
  const dir = tempDir();
  try {
    const fresh = `${dir.path}/bundle.js`;
    const task = denoConfig.tasks.bundle.split(" ");
    assert.deepEqual(task.slice(0, 2), ["deno", "bundle"]);
    assert.equal(task.at(-1), "main.ts");
    assert.equal(task.at(-2), BUNDLE);
    const args = [...task.slice(1, -2), fresh, "main.ts"];
    const output = await new Deno.Command(Deno.execPath(), { args, cwd: ROOT, stderr: "piped" })
      .output();
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    const committed = Deno.readTextFileSync(`${ROOT}${BUNDLE}`);
    assert.ok(
      committed === Deno.readTextFileSync(fresh),
      `${BUNDLE} is stale: run deno task bundle`,
    );
  } finally {
    dir.remove();
  }
});

Deno.test("deno task start runs the bundle: healthy, judges READY=1, stops on SIGTERM", async () => {
  const port = freePort();
  const notifySocket = `@sd-notify-adapter-bundle-${crypto.randomUUID()}`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "start"],
    cwd: ROOT,
    env: { NOTIFY_SOCKET: notifySocket, ADAPTER_PORT: String(port), ADAPTER_LOG: "false" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  try {
    let status = 0;
    for (let i = 0; i < 400 && status !== 200; i++) {
      status = await httpRequest(port, "/healthz").then((r) => r.status, () => 0);
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.equal(status, 200);
    await sendDatagram(notifySocket, "READY=1");
    for (let i = 0; i < 400; i++) {
      if ((await httpRequest(port, "/readyz")).status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.equal((await httpRequest(port, "/readyz")).status, 200);
  } finally {
    child.kill("SIGTERM");
  }
  const [{ code }, stdout] = await Promise.all([child.status, new Response(child.stdout).text()]);
  await child.stderr.cancel();
  assert.equal(code, 0);
  assert.equal(stdout, "READY=1\n");
});
