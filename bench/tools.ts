/**
 * The load generator and prober of the benchmark: bench/tools.c, compiled when the benchmark
 * starts with the machine's C compiler, so that sending, probing and timing cost far less than
 * the programs they measure. Each method runs one of its commands and parses its JSON answer.
 *
 * @module
 */

import { ROOT } from "./process.ts";

const C_SOURCE = new URL("./tools.c", import.meta.url).pathname;
const COMPILERS = ["cc", "gcc", "clang"];

/** What one start-up measured: spawn → `/healthz` 200, and what was asked for after it. */
interface StartupSample {
  readonly startupUs: number;
  /** CPU time of all its threads from spawn until then: less sensitive to a busy machine. */
  readonly startupCpuUs: number;
  /** How late `/livez` turned 503 after the start timeout, when one was given. */
  readonly startLatenessUs: number | null;
  /** The RSS the given time after spawn, when a time was given, and its anonymous part. */
  readonly rssKb: number | null;
  readonly rssAnonKb: number | null;
}

/** What a paced loop did: how many it sent or asked, and in how long. */
export interface LoopResult {
  readonly count: number;
  readonly failures: number;
  readonly us: number;
}

/** Reads a child's stdout line by line (JSON objects). */
async function* jsonLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<unknown> {
  let pending = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    pending += chunk;
    let newline;
    while ((newline = pending.indexOf("\n")) !== -1) {
      yield JSON.parse(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
    }
  }
}

/** The compiled tools; `using` removes them. */
export class Tools implements Disposable {
  readonly #binary: string;

  private constructor(binary: string) {
    this.#binary = binary;
  }

  /** Compiles bench/tools.c with the first C compiler found, or says that none is there. */
  static async build(): Promise<Tools> {
    const dir = await Deno.makeTempDir({ prefix: "sd-notify-adapter-bench-" });
    const binary = `${dir}/tools`;
    const failures: string[] = [];
    for (const cc of COMPILERS) {
      try {
        const { success, stderr } = await new Deno.Command(cc, {
          args: ["-O2", "-o", binary, C_SOURCE],
          stdout: "null",
          stderr: "piped",
        }).output();
        if (success) return new Tools(binary);
        failures.push(`${cc}: ${new TextDecoder().decode(stderr).trim()}`);
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
    }
    Deno.removeSync(dir, { recursive: true });
    throw new Error(
      `Cannot compile ${C_SOURCE}: ${
        failures.length > 0
          ? failures.join("; ")
          : `no C compiler on PATH (tried ${COMPILERS.join(", ")}); install one, e.g. gcc`
      }`,
    );
  }

  /** Runs one command; `env`, when given, is the whole environment (of what it starts). */
  async #run<T>(args: string[], env?: Record<string, string>): Promise<T> {
    const { stdout, success } = await new Deno.Command(this.#binary, {
      args,
      env,
      clearEnv: env !== undefined,
      cwd: ROOT,
      stdin: "null",
      stderr: "inherit",
    }).output();
    if (!success) throw new Error(`bench/tools.c ${args.join(" ")} failed`);
    return JSON.parse(new TextDecoder().decode(stdout));
  }

  #spawn(args: string[]) {
    const child = new Deno.Command(this.#binary, {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    return { child, lines: jsonLines(child.stdout) };
  }

  /** Sends `count` datagrams with blocking sends; resolves with the sender's own time. */
  send(socket: string, count: number, payload: string): Promise<{ us: number }> {
    return this.#run(["send", socket, String(count), payload]);
  }

  /** Binds a null receiver on `socket`; `done` resolves once it has `count` datagrams. */
  async sink(socket: string, count: number): Promise<{ done: Promise<void> }> {
    const { child, lines } = this.#spawn(["sink", socket, String(count)]);
    await lines.next(); // {"bound":true}
    return { done: lines.next().then(async () => void await child.status) };
  }

  /** Starts probing `path` every `intervalUs`; `stop()` resolves with each latency in µs. */
  async probe(port: number, path: string, intervalUs: number) {
    const { child, lines } = this.#spawn(["probe", String(port), path, String(intervalUs)]);
    await lines.next(); // {"started":true}
    return {
      stop: async (): Promise<number[]> => {
        child.kill("SIGTERM");
        const { value } = await lines.next();
        await child.status;
        return (value as { us: number[] }).us;
      },
    };
  }

  /**
   * Runs `command` in the repository with `env` (all of it) on `port`: µs from spawn until `/healthz` is 200; with
   * `timeoutMs` above 0 (an adapter with that start timeout, live at first) how late `/livez`
   * turns 503; with `idleMs` above 0 its RSS `idleMs` after spawn. Then ends it (SIGTERM).
   */
  startup(
    port: number,
    { timeoutMs = 0, idleMs = 0 }: { timeoutMs?: number; idleMs?: number },
    command: readonly string[],
    env: Record<string, string>,
  ): Promise<StartupSample> {
    const args = ["startup", String(port), String(timeoutMs), String(idleMs), ...command];
    return this.#run(args, env);
  }

  /** Watchdog lateness runs: how long after each deadline `/livez` turned 503 (µs). */
  async lateness(port: number, socket: string, runs: number, timeoutMs: number) {
    const args = ["lateness", String(port), socket, String(runs), String(timeoutMs)];
    return (await this.#run<{ us: number[] }>(args)).us;
  }

  /** GETs `paths` in turn, `rate` a second for `seconds`, each on a new connection. */
  async httpLoop(port: number, rate: number, seconds: number, paths: readonly string[]) {
    const args = ["http-loop", String(port), String(rate), String(seconds), ...paths];
    const { requests, failures, us } = await this.#run<
      { requests: number; failures: number; us: number }
    >(args);
    return { count: requests, failures, us } satisfies LoopResult;
  }

  /** Sends `WATCHDOG=1` with a changing `STATUS=` and `X_SEQ=`, `rate` a second. */
  async datagramLoop(socket: string, rate: number, seconds: number): Promise<LoopResult> {
    const args = ["datagram-loop", socket, String(rate), String(seconds)];
    const { sent, us } = await this.#run<{ sent: number; us: number }>(args);
    return { count: sent, failures: 0, us };
  }

  /** Removes the compiled tools. */
  [Symbol.dispose](): void {
    Deno.removeSync(this.#binary.slice(0, this.#binary.lastIndexOf("/")), { recursive: true });
  }
}
