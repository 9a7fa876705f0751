/**
 * The programs the benchmark measures side by side: the adapter as `deno task start` runs it,
 * its bare-Deno floor (bench/floor.ts) and the rungs of the start-up ladder with the same
 * `deno run` flags and permission set, and the compiled binary. And how they take turns:
 * interleaved rounds, the order rotating from round to round, so that a noisy moment of a
 * shared machine falls on each of them in turn.
 *
 * @module
 */

import { freePort, httpStatus, ROOT, sleep, startTaskArgs } from "./process.ts";

/** One program under test. */
export interface Program {
  readonly name: string;
  /** The program and its arguments. */
  readonly command: readonly string[];
  /** Extra environment for every run of it. */
  readonly env?: Readonly<Record<string, string>>;
}

/** `entry` (relative to the repository) started as `deno task start` starts the adapter. */
export function denoProgram(
  name: string,
  entry: string,
  env?: Readonly<Record<string, string>>,
): Program {
  const args = startTaskArgs();
  const started = args.findIndex((arg) => arg === "main.ts" || arg.endsWith(".js"));
  if (started === -1) throw new Error(`No entry in the start task: ${args.join(" ")}`);
  return {
    name,
    command: [Deno.execPath(), ...args.slice(0, started), entry, ...args.slice(started + 1)],
    env,
  };
}

/** The adapter, as `deno task start` runs it: its entry, the bundle. */
export function adapterProgram(): Program {
  const args = startTaskArgs();
  return denoProgram("adapter", args.at(-1)!);
}

/** The floor, with the adapter's `deno run` flags and permission set. */
export function floorProgram(): Program {
  return denoProgram("floor", "bench/floor.ts");
}

/** A compiled adapter binary (`deno task compile`, or one built elsewhere) at `path`. */
export function binaryProgram(path: string): Program {
  return { name: "binary", command: [path] };
}

/**
 * Builds the binary with `deno task compile` (which reads DENORT_BIN) and returns its path,
 * or throws with what the build said.
 */
export async function buildBinary(): Promise<string> {
  const { success, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "compile"],
    cwd: ROOT,
    stdin: "null",
  }).output();
  const said = new TextDecoder().decode(stderr).trim() || new TextDecoder().decode(stdout).trim();
  if (!success) throw new Error(`Cannot build the binary to measure: ${said}`);
  return `${ROOT}/dist/sd-notify-adapter`;
}

/**
 * The whole environment of a run: only what Deno needs from ours, the socket and port, then
 * the program's own variables and the run's.
 */
export function runEnv(
  program: Program,
  port: number,
  socket: string,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const inherited = ["PATH", "HOME", "DENO_DIR"].flatMap((name) => {
    const value = Deno.env.get(name);
    return value === undefined ? [] : [[name, value]];
  });
  return {
    ...Object.fromEntries(inherited),
    NOTIFY_SOCKET: socket,
    ADAPTER_PORT: String(port),
    ...program.env,
    ...extra,
  };
}

/** A fresh abstract socket name for one run. */
export function socketName(): string {
  return `@sd-notify-adapter-bench-${crypto.randomUUID()}`;
}

/** Where a started program's stdout and stderr go: a file's path, or nowhere. */
interface Outputs {
  readonly stdout?: string;
  readonly stderr?: string;
}

/** A program started and healthy; `await using` ends it (SIGTERM) when the run is over. */
interface Running extends AsyncDisposable {
  readonly pid: number;
  readonly port: number;
  /** Its NOTIFY_SOCKET. */
  readonly socket: string;
  /** `performance.now()` at spawn. */
  readonly spawnedAt: number;
}

/** The last 2000 bytes of a file, for an error message. */
function tail(path: string | undefined): string {
  if (path === undefined) return "(stderr not kept)";
  try {
    const bytes = Deno.readFileSync(path);
    return new TextDecoder().decode(bytes.subarray(Math.max(0, bytes.length - 2000)));
  } catch {
    return "";
  }
}

/**
 * Starts `program` with `extra` variables on a free port and a fresh socket, and waits until
 * `/healthz` answers 200; throws with the end of its stderr if it exits before.
 */
export async function startProgram(
  program: Program,
  extra: Readonly<Record<string, string>> = {},
  outputs: Outputs = {},
): Promise<Running> {
  const port = freePort();
  const socket = socketName();
  const [executable, ...args] = program.command;
  const to = (path: string | undefined) => path === undefined ? "/dev/null" : `'${path}'`;
  // The shell only redirects: `exec` makes the program the child, so its pid is the program's.
  const child = new Deno.Command("/bin/sh", {
    args: [
      "-c",
      `exec "$0" "$@" >${to(outputs.stdout)} 2>${to(outputs.stderr)}`,
      executable,
      ...args,
    ],
    cwd: ROOT,
    env: runEnv(program, port, socket, extra),
    clearEnv: true,
    stdin: "null",
  }).spawn();
  const spawnedAt = performance.now();
  let exited: Deno.CommandStatus | undefined;
  const status = child.status.then((status) => exited = status);
  // SIGTERM, and SIGKILL for a program that does not end within 5 s of it.
  const stop = async () => {
    if (exited !== undefined) return;
    child.kill("SIGTERM");
    const timer = AbortSignal.timeout(5_000);
    const killed = new Promise<void>((resolve) =>
      timer.addEventListener("abort", () => {
        if (exited === undefined) child.kill("SIGKILL");
        resolve();
      })
    );
    await Promise.race([status, killed]);
    await status;
  };
  while (await httpStatus(port, "/healthz") !== 200) {
    if (exited !== undefined || performance.now() - spawnedAt > 30_000) {
      await stop();
      throw new Error(
        `${program.name} was not healthy: ${
          exited === undefined ? "no /healthz 200 within 30 s" : `it exited ${exited.code}`
        }; stderr ends:\n${tail(outputs.stderr)}`,
      );
    }
    await sleep(5);
  }
  return { pid: child.pid, port, socket, spawnedAt, [Symbol.asyncDispose]: stop };
}

/**
 * Runs `measure` on every item once a round, for `rounds` rounds, the order rotating from
 * round to round; returns each item's results in round order. `after` hears of each round.
 */
export async function interleave<T, R>(
  items: readonly T[],
  rounds: number,
  measure: (item: T) => Promise<R>,
  after: (round: number, results: ReadonlyMap<T, R>) => void = () => {},
): Promise<Map<T, R[]>> {
  const results = new Map<T, R[]>(items.map((item) => [item, []]));
  for (let round = 0; round < rounds; round++) {
    const done = new Map<T, R>();
    for (let i = 0; i < items.length; i++) {
      const item = items[(i + round) % items.length];
      const result = await measure(item);
      results.get(item)!.push(result);
      done.set(item, result);
    }
    after(round, done);
  }
  return results;
}
