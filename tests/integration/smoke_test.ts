import assert from "node:assert/strict";
import { spawnAdapter } from "../helpers/adapter_process.ts";
import { needs } from "../helpers/tools.ts";

Deno.test(
  "the adapter answers /readyz 200 after systemd-notify --ready",
  needs("systemd"),
  async () => {
    const adapter = await spawnAdapter();
    try {
      assert.equal((await adapter.request("/readyz")).status, 503);
      const notify = await new Deno.Command("systemd-notify", {
        args: ["--ready", "--status=up"],
        env: { NOTIFY_SOCKET: adapter.notifySocket },
      }).output();
      assert.equal(notify.code, 0);
      await adapter.waitFor(async () => (await adapter.request("/readyz")).status === 200, "ready");
    } catch (error) {
      await adapter.stop();
      throw error;
    }
    const exit = await adapter.stop();
    assert.equal(exit.code, 0);
    assert.equal(exit.stdout, "READY=1\nSTATUS=up\nBARRIER=1\n");
  },
);
