/**
 * The adapter's two outputs (behaviour §6): echo lines on stdout and log records on stderr,
 * each through its own `LineWriter`, and the bounded wait of the socket reader for them.
 *
 * @module
 */

import type { Config } from "../core/config.ts";
import type { DroppedLines } from "../core/metrics.ts";
import type { Schedule } from "./schedule.ts";
import { type ByteSink, LineWriter, type WriterEvents } from "./line_writer.ts";
import { createLogger, errorText, type Logger, SILENT } from "./logging.ts";

/** How long the reader waits for a full output before it drops lines instead. */
export const MAX_OUTPUT_WAIT_MS = 10;

/** The writers the configuration asks for, and the logger on the stderr one. */
export interface Outputs {
  /** The stdout writer for echo lines; `undefined` when `ADAPTER_ECHO` is false. */
  readonly echo: LineWriter | undefined;
  /** The stderr writer for log records; `undefined` when `ADAPTER_LOG` is false. */
  readonly log: LineWriter | undefined;
  /** Writes log records to the stderr writer, or nowhere without one. */
  readonly logger: Logger;
  /** Writes accepted lines to stdout, one per line. */
  echoLines(lines: readonly string[]): void;
  /** While an output is full: waits for room, at most MAX_OUTPUT_WAIT_MS, then stalls it. */
  outputWait(): Promise<void> | undefined;
  /** Lines each output dropped so far, for `/status` and `/metrics`. */
  droppedLines(): DroppedLines;
  /** Resolves once both writers have written everything queued. */
  flush(): Promise<void>;
}

/** What the outputs need from the world. */
export interface OutputPorts {
  /** Where echo lines go: `Deno.stdout`, or a test's fake. */
  readonly stdout: ByteSink;
  /** Where log records go: `Deno.stderr`, or a test's fake. */
  readonly stderr: ByteSink;
  /** The timer that bounds the wait for a full output. */
  readonly schedule: Schedule;
  /** A turn of the event loop, so that a flood's burst becomes one write. */
  readonly batchWait?: () => Promise<void>;
}

function events(output: "stdout" | "stderr", logger: () => Logger): WriterEvents {
  return {
    broken: (error) =>
      logger().log(
        "error",
        `${output === "stdout" ? "Echo" : "Log"} stopped: ${output} is closed or broken`,
        {
          error: errorText(error),
        },
      ),
    failed: (error) => logger().log("error", "Output failed", { output, error: errorText(error) }),
    resumed: (dropped) =>
      logger().log("warning", "Output lines dropped", { output, lines: dropped }),
  };
}

function boundedWait(writer: LineWriter, schedule: Schedule): Promise<void> {
  return new Promise((resolve) => {
    const cancel = schedule(MAX_OUTPUT_WAIT_MS, () => {
      writer.stall();
      resolve();
    });
    writer.whenRoom().then(() => {
      cancel();
      resolve();
    });
  });
}

/** Creates the writers `config` asks for (`ADAPTER_ECHO`, `ADAPTER_LOG`, `ADAPTER_CHANNEL_SIZE`). */
export function createOutputs(config: Config, ports: OutputPorts): Outputs {
  let logger: Logger = SILENT;
  const make = (sink: ByteSink, output: "stdout" | "stderr") =>
    new LineWriter(sink, config.channelSize, events(output, () => logger), ports.batchWait);
  const echo = config.echo ? make(ports.stdout, "stdout") : undefined;
  const log = config.log ? make(ports.stderr, "stderr") : undefined;
  if (log !== undefined) logger = createLogger(log);
  return {
    echo,
    log,
    logger,
    echoLines: (lines) =>
      echo?.write(lines.length === 1 ? `${lines[0]}\n` : `${lines.join("\n")}\n`, lines.length),
    outputWait() {
      // Asked after every datagram: the common answer, nothing full, allocates nothing.
      const echoFull = echo?.full === true;
      const logFull = log?.full === true;
      if (!echoFull && !logFull) return undefined;
      if (!logFull) return boundedWait(echo!, ports.schedule);
      if (!echoFull) return boundedWait(log!, ports.schedule);
      return Promise.all([boundedWait(echo!, ports.schedule), boundedWait(log!, ports.schedule)])
        .then(() => {});
    },
    droppedLines: () => ({ stdout: echo?.droppedLines ?? 0, stderr: log?.droppedLines ?? 0 }),
    flush: async () => {
      await Promise.all([echo?.flush(), log?.flush()]);
    },
  };
}
