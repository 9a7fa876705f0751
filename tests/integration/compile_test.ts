import assert from "node:assert/strict";
import { spawnAdapter } from "../helpers/adapter_process.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const denortBin = Deno.env.get("DENORT_BIN");

function statOrUndefined(path: string): Deno.FileInfo | undefined {
  try {
    return Deno.statSync(path);
  } catch {
    return undefined;
  }
}

// deno compile needs a denort base binary: this machine and CI cannot download one.
const skipReason = denortBin === undefined || denortBin === ""
  ? "skipped: no denort (DENORT_BIN is not set and dl.deno.land is unreachable here)"
  : statOrUndefined(denortBin)?.isFile
  ? undefined
  : `skipped: DENORT_BIN=${denortBin} does not exist`;

Deno.test({
  name: `compiled binary: READY=1 turns /readyz 200, SIGTERM exits 0${
    skipReason ? ` (${skipReason})` : ""
  }`,
  ignore: skipReason !== undefined,
  fn: async () => {
    const build = await new Deno.Command(Deno.execPath(), {
      args: ["task", "--quiet", "compile"],
      cwd: ROOT,
      stderr: "piped",
    }).output();
    assert.equal(build.code, 0, new TextDecoder().decode(build.stderr));
    const adapter = await spawnAdapter({ command: `${ROOT}dist/sd-notify-adapter` });
    try {
      assert.equal((await adapter.request("/readyz")).status, 503);
      await adapter.send("READY=1");
      await adapter.waitFor(async () => (await adapter.request("/readyz")).status === 200, "ready");
    } finally {
      const exit = await adapter.stop();
      assert.equal(exit.code, 0);
    }
  },
});
