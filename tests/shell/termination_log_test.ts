// The termination message on its way to the file (behaviour §9.5, §10.2): a warning, never a
// failure, and never a file the permission set does not grant, whoever asks.
import assert from "node:assert/strict";
import type { LogFields } from "../../lib/core/effects.ts";
import { loadLibc } from "../../lib/shell/libc.ts";
import type { Logger } from "../../lib/shell/logging.ts";
import { writeTerminationLog } from "../../lib/shell/termination_log.ts";
import { tempDir } from "../helpers/adapter_process.ts";

function recorder(): { logger: Logger; records: [string, string, LogFields][] } {
  const records: [string, string, LogFields][] = [];
  return { logger: { log: (...record) => records.push(record) }, records };
}

const libc = loadLibc();
if (libc instanceof Error) throw libc;

Deno.test("writeTerminationLog() writes nothing where write is not granted, with libc or without", async () => {
  const dir = tempDir();
  try {
    const path = `${dir.path}/termination-log`;
    Deno.writeTextFileSync(path, "keep");
    for (const through of [libc, undefined]) {
      const { logger, records } = recorder();
      await writeTerminationLog(path, "message\n", logger, through, () => "prompt");
      assert.deepEqual(records, [[
        "warning",
        "Termination message not written",
        { path, error: "not in the adapter's permission set" },
      ]]);
      assert.equal(Deno.readTextFileSync(path), "keep");
    }
  } finally {
    dir.remove();
  }
});

Deno.test("writeTerminationLog() writes the message where write is granted", async () => {
  const dir = tempDir();
  try {
    const path = `${dir.path}/termination-log`;
    Deno.writeTextFileSync(path, "an older, longer message");
    for (const through of [libc, undefined]) {
      const { logger, records } = recorder();
      await writeTerminationLog(path, "message\n", logger, through, () => "granted");
      assert.deepEqual(records, []);
      assert.equal(Deno.readTextFileSync(path), "message\n");
    }
  } finally {
    dir.remove();
  }
});
