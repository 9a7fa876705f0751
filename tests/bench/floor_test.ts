import assert from "node:assert/strict";
import { sendDatagram } from "../../bench/process.ts";
import { floorProgram, startProgram } from "../../bench/programs.ts";
import { tempDir } from "../helpers/adapter_process.ts";

/** The floor's stdout and stderr after two datagrams, with `env`. */
async function floorOutputs(env: Record<string, string>) {
  const dir = tempDir();
  try {
    const outputs = { stdout: `${dir.path}/stdout`, stderr: `${dir.path}/stderr` };
    {
      await using floor = await startProgram(floorProgram(), env, outputs);
      await sendDatagram(floor.socket, "WATCHDOG=1");
      await sendDatagram(floor.socket, "STATUS=x\nX_SEQ=2");
      // The floor writes asynchronously: wait until the second datagram is out, or 5 s.
      const deadline = Date.now() + 5_000;
      const expected = env.ADAPTER_ECHO === "false" ? 0 : 27;
      while (Deno.statSync(outputs.stdout).size < expected && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      // Long enough for anything that should not be written to show.
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return {
      stdout: Deno.readTextFileSync(outputs.stdout),
      logLines: Deno.readTextFileSync(outputs.stderr).split("\n").filter((line) => line !== ""),
    };
  } finally {
    dir.remove();
  }
}

Deno.test("the floor echoes every datagram and logs one line for each, as the adapter does", async () => {
  const { stdout, logLines } = await floorOutputs({});
  assert.equal(stdout, "WATCHDOG=1\nSTATUS=x\nX_SEQ=2\n");
  assert.equal(logLines.length, 2);
  assert.equal(JSON.parse(logLines[0]).message, "Datagram");
});

Deno.test("the floor writes nothing with ADAPTER_ECHO=false and ADAPTER_LOG=false", async () => {
  const { stdout, logLines } = await floorOutputs({ ADAPTER_ECHO: "false", ADAPTER_LOG: "false" });
  assert.equal(stdout, "");
  assert.deepEqual(logLines, []);
});
