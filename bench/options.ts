/**
 * The benchmark's command line: which parts run, how many rounds, how long the soak lasts.
 *
 * @module
 */

/** The parts of the benchmark, in the order they run. */
export const PARTS = ["micro", "footprint", "flood", "timers", "breakdown", "soak"] as const;

/** One part of the benchmark. */
export type Part = typeof PARTS[number];

/** What the command line asks for. */
interface Options {
  /** The parts to run, in the order of `PARTS`. */
  readonly parts: readonly Part[];
  /** Interleaved rounds of the footprint, flood, timers and breakdown parts. */
  readonly rounds: number;
  /** Minutes of the soak after its warm-up minute. */
  readonly soakMinutes: number;
  /** A compiled binary to measure beside `deno run`, when one is given. */
  readonly binary?: string;
  /** Where to write every figure as JSON, when asked. */
  readonly json?: string;
  readonly help: boolean;
}

/** What `--help` prints. */
export const USAGE = `deno task bench [-- OPTIONS]

Measures the adapter beside its bare-Deno floor (bench/floor.ts) and prints Markdown tables;
progress and the load average go to stderr.

  --only=PARTS        comma-separated, of: ${PARTS.join(", ")} (default: all)
                        micro      deno bench of the parser and the reducer
                        footprint  start-up and idle RSS (and the compiled binary's)
                        flood      throughput, probe latency and RSS in a datagram flood
                        timers     how late the start timeout and the watchdog fire
                        breakdown  where start-up and idle RSS go: the ladder of programs
                        soak       RSS slope under HTTP and under datagrams
  --rounds=N          interleaved rounds (default 3)
  --soak-minutes=M    minutes of soak after its warm-up minute (default 2)
  --binary=PATH       measure this compiled adapter too (footprint); with DENORT_BIN set
                      and no --binary, \`deno task compile\` builds dist/sd-notify-adapter
  --json=PATH         also write every figure, per round, as JSON to PATH
  --help              this text`;

const DEFAULTS = { rounds: 3, soakMinutes: 2 };

/**
 * Parses the arguments of `deno task bench` (a leading `--`, which `deno task` passes on, is
 * skipped).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const options = parseOptions(["--", "--only=soak,footprint", "--soak-minutes=5"]);
 * assert.deepEqual(options.parts, ["footprint", "soak"]);
 * assert.equal(options.soakMinutes, 5);
 * ```
 */
export function parseOptions(args: readonly string[]): Options {
  let parts: readonly Part[] = PARTS;
  let { rounds, soakMinutes } = DEFAULTS;
  let binary: string | undefined;
  let json: string | undefined;
  let help = false;
  for (const arg of args) {
    const [name, value] = arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg, undefined];
    const wrong = (expected: string) =>
      new Error(`Cannot parse ${name} ${JSON.stringify(value ?? "")}: expected ${expected}`);
    switch (name) {
      case "--":
        break;
      case "--help":
        help = true;
        break;
      case "--only": {
        const named = (value ?? "").split(",");
        if (!named.every((part) => (PARTS as readonly string[]).includes(part))) {
          throw wrong(`a comma-separated list of ${PARTS.join(", ")}`);
        }
        parts = PARTS.filter((part) => named.includes(part));
        break;
      }
      case "--rounds":
        rounds = Number(value);
        if (!/^\d+$/.test(value ?? "") || rounds < 1) throw wrong("a positive integer");
        break;
      case "--soak-minutes":
        soakMinutes = Number(value);
        if (!/^\d+(\.\d+)?$/.test(value ?? "") || soakMinutes <= 0) {
          throw wrong("a positive number of minutes");
        }
        break;
      case "--binary":
        if (!value) throw wrong("the path of a compiled adapter");
        binary = value;
        break;
      case "--json":
        if (!value) throw wrong("a file to write");
        json = value;
        break;
      default:
        throw new Error(`Unknown option "${arg}": see --help`);
    }
  }
  return { parts, rounds, soakMinutes, binary, json, help };
}
