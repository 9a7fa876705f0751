// The compiled binary, end to end. `deno compile` needs a denort base binary of this Deno
// version: DENORT_BIN, or the archive a previous `deno compile` downloaded into Deno's cache.
// Where neither exists (this machine and CI cannot reach Deno's release host), the test is
// reported as ignored with the reason in its name; no binary is ever faked.
import assert from "node:assert/strict";
import { spawnAdapter } from "../helpers/adapter_process.ts";
import { VERSION } from "../../lib/core/version.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const BINARY = `${ROOT}dist/sd-notify-adapter`;

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** Where `deno compile` keeps the denort archive it downloads (cli/standalone/binary.rs). */
function cachedDenort(): string {
  const info = new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stdout: "piped" })
    .outputSync();
  const { denoDir } = JSON.parse(new TextDecoder().decode(info.stdout));
  return `${denoDir}/dl/release/v${Deno.version.deno}/denort-${Deno.build.target}.zip`;
}

function skipReason(): string | undefined {
  const denortBin = Deno.env.get("DENORT_BIN");
  if (denortBin) return isFile(denortBin) ? undefined : `DENORT_BIN=${denortBin} does not exist`;
  const cached = cachedDenort();
  if (isFile(cached)) return undefined;
  return `no denort: DENORT_BIN is not set and ${cached} is not cached; run \`deno task ` +
    "compile` once where Deno's release host is reachable, or set DENORT_BIN";
}

async function run(args: string[], env: Record<string, string> = {}) {
  const output = await new Deno.Command(BINARY, { args, env, stdout: "piped", stderr: "piped" })
    .output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

const skip = skipReason();

Deno.test({
  name: "compiled binary: --version, READY=1 turns /readyz 200, probe, SIGTERM exits 0, " +
    `permissions baked in${skip ? ` (skipped: ${skip})` : ""}`,
  ignore: skip !== undefined,
  fn: async () => {
    const build = await new Deno.Command(Deno.execPath(), {
      args: ["task", "--quiet", "compile"],
      cwd: ROOT,
      stderr: "piped",
    }).output();
    assert.equal(build.code, 0, new TextDecoder().decode(build.stderr));
    assert.deepEqual(await run(["--version"]), { code: 0, stdout: `${VERSION}\n`, stderr: "" });

    const adapter = await spawnAdapter({ command: BINARY });
    try {
      assert.equal((await adapter.request("/readyz")).status, 503);
      await adapter.send("READY=1");
      await adapter.waitFor(async () => (await adapter.request("/readyz")).status === 200, "ready");
      const probe = await run(["probe", "readyz"], { ADAPTER_PORT: String(adapter.port) });
      assert.deepEqual(probe, { code: 0, stdout: "", stderr: "" });
    } catch (error) {
      await adapter.stop();
      throw error;
    }
    const exit = await adapter.stop();
    assert.equal(exit.code, 0);

    // The permission set is in the binary: a socket outside /run, /var/run, /tmp is refused.
    const outside = await run([], { NOTIFY_SOCKET: `${ROOT}dist/outside.sock`, ADAPTER_PORT: "0" });
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /Cannot use NOTIFY_SOCKET/);
  },
});
