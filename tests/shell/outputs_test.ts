import assert from "node:assert/strict";
import { parseConfig } from "../../lib/core/config.ts";
import type { ByteSink } from "../../lib/shell/line_writer.ts";
import { createOutputs, MAX_OUTPUT_WAIT_MS } from "../../lib/shell/outputs.ts";
import { FakeClock } from "../helpers/fake_clock.ts";

/** A sink that takes nothing: a pipe nobody reads. */
const STUCK: ByteSink = { write: () => new Promise(() => {}) };

/** A sink that keeps what it gets. */
function collecting() {
  const chunks: string[] = [];
  const decoder = new TextDecoder();
  const sink: ByteSink = {
    write: (bytes) => {
      chunks.push(decoder.decode(bytes));
      return Promise.resolve(bytes.length);
    },
  };
  return { sink, text: () => chunks.join("") };
}

const turn = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("createOutputs() waits at most MAX_OUTPUT_WAIT_MS for a stuck stdout, then drops and counts", async () => {
  const clock = new FakeClock(0);
  const stderr = collecting();
  const outputs = createOutputs(parseConfig({ ADAPTER_CHANNEL_SIZE: "2" }).config, {
    stdout: STUCK,
    stderr: stderr.sink,
    schedule: clock.schedule,
  });
  outputs.echoLines(["X_1=1"]);
  await turn(); // the first line is in the stuck write
  outputs.echoLines(["X_2=2"]);
  outputs.echoLines(["X_3=3"]);
  const wait = outputs.outputWait();
  assert.ok(wait !== undefined, "stdout is full: the reader waits");
  let waited = false;
  wait.then(() => waited = true);
  clock.advanceTo(MAX_OUTPUT_WAIT_MS - 1);
  await turn();
  assert.equal(waited, false);
  clock.advanceTo(MAX_OUTPUT_WAIT_MS);
  await turn();
  assert.equal(waited, true);
  // Stalled: no more waiting, and lines that find the queue full are dropped and counted.
  assert.equal(outputs.outputWait(), undefined);
  outputs.echoLines(["X_4=4", "X_5=5"]);
  assert.deepEqual(outputs.droppedLines(), { stdout: 2, stderr: 0 });
});

Deno.test("createOutputs() does not make the reader wait while there is room", () => {
  const clock = new FakeClock(0);
  const outputs = createOutputs(parseConfig({}).config, {
    stdout: collecting().sink,
    stderr: collecting().sink,
    schedule: clock.schedule,
  });
  outputs.echoLines(["READY=1", "STATUS=up"]);
  assert.equal(outputs.outputWait(), undefined);
  assert.equal(clock.pending, 0);
});

Deno.test("createOutputs() writes nothing for ADAPTER_ECHO=false and ADAPTER_LOG=false", async () => {
  const stdout = collecting();
  const stderr = collecting();
  const outputs = createOutputs(
    parseConfig({ ADAPTER_ECHO: "false", ADAPTER_LOG: "false" }).config,
    { stdout: stdout.sink, stderr: stderr.sink, schedule: new FakeClock().schedule },
  );
  outputs.echoLines(["READY=1"]);
  outputs.logger.log("warning", "Input rejected", { reason: "unknown_key" });
  await outputs.flush();
  assert.equal(stdout.text(), "");
  assert.equal(stderr.text(), "");
});
