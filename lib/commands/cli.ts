/**
 * The command line (behaviour §8): which job the one binary does, and the arguments of each job.
 * Parsing only: the jobs themselves live in their own modules.
 *
 * @module
 */

import { parsePid } from "../core/assignments.ts";
import { isProbeName, PROBE_NAMES, type ProbeName } from "../core/probes.ts";

/**
 * What `notify --pid[=PID]` names as the service's main process, as systemd-notify reads it:
 * a PID; `self`, the notify process; `parent`, the process that ran it; `auto` (or nothing),
 * the parent unless that is PID 1, which is no service's main process (then `self`).
 */
export type MainPidChoice = number | "auto" | "self" | "parent";

/** What the command line asks for. */
export type Command =
  | { readonly kind: "sidecar" }
  | { readonly kind: "run"; readonly command: readonly string[] }
  | {
    readonly kind: "notify";
    readonly lines: readonly string[];
    /** `--pid`: a `MAINPID=` line to send first; `null` without the option. */
    readonly mainPid: MainPidChoice | null;
  }
  | { readonly kind: "probe"; readonly endpoint: ProbeName }
  | { readonly kind: "help" }
  | { readonly kind: "version" }
  | { readonly kind: "usage-error"; readonly message: string };

/** The text of `--help`. */
export const USAGE = `Usage:
  sd-notify-adapter                 run as a sidecar: own $NOTIFY_SOCKET, answer the probes
  sd-notify-adapter run -- COMMAND [ARGS...]
                                    wrapper mode: run as a sidecar, then start COMMAND with
                                    NOTIFY_SOCKET (and WATCHDOG_USEC) set, forward signals to
                                    it and exit with its status
  sd-notify-adapter notify [--ready] [--reloading] [--stopping] [--status=TEXT]
                           [--pid[=PID|auto|self|parent]] [KEY=VALUE...]
                                    send one notification to $NOTIFY_SOCKET, as systemd-notify
  sd-notify-adapter probe [healthz|livez|readyz]
                                    GET the endpoint on this host's ADAPTER_PORT (default
                                    healthz); exit 0 on 200, 1 otherwise
  sd-notify-adapter --help          print this text
  sd-notify-adapter --version       print the version

Owns the systemd notification socket ($NOTIFY_SOCKET, default /var/run/adapter/adapter.sock)
and answers /healthz, /livez and /readyz on ADAPTER_PORT (default 8089) as systemd would
judge the service. Configuration comes from the environment: see README.md.`;

type SubcommandParser = (args: readonly string[]) => Command;

function usageError(message: string): Command {
  return { kind: "usage-error", message };
}

function parseRun(args: readonly string[]): Command {
  if (args[0] !== "--") return usageError('"run" expects "--" and then the command to start');
  if (args.length < 2) return usageError('"run --" expects a command to start');
  return { kind: "run", command: args.slice(1) };
}

// systemd-notify's flags, as the lines it sends.
const NOTIFY_FLAGS: Readonly<Record<string, string>> = {
  "--ready": "READY=1",
  "--reloading": "RELOADING=1",
  "--stopping": "STOPPING=1",
};

const PID_WORDS: readonly MainPidChoice[] = ["auto", "self", "parent"];

// systemd-notify's --pid takes its value after "=" only; an empty one is "auto".
function parsePidOption(arg: string): MainPidChoice | undefined {
  const value = arg === "--pid" ? "auto" : arg.slice("--pid=".length) || "auto";
  return PID_WORDS.find((word) => word === value) ?? parsePid(value);
}

function parseNotify(args: readonly string[]): Command {
  const lines: string[] = [];
  let mainPid: MainPidChoice | null = null;
  for (const arg of args) {
    if (Object.hasOwn(NOTIFY_FLAGS, arg)) lines.push(NOTIFY_FLAGS[arg]);
    else if (arg.startsWith("--status=")) lines.push(`STATUS=${arg.slice("--status=".length)}`);
    else if (arg === "--pid" || arg.startsWith("--pid=")) {
      const choice = parsePidOption(arg);
      if (choice === undefined) {
        return usageError(
          `Cannot parse ${JSON.stringify(arg)}: expected a PID from 1 to 2147483647, ` +
            "auto, self or parent",
        );
      }
      mainPid = choice;
    } else if (arg.startsWith("-")) return usageError(`Unknown option ${JSON.stringify(arg)}`);
    else if (arg.indexOf("=") > 0) lines.push(arg);
    else return usageError(`Expected KEY=VALUE, got ${JSON.stringify(arg)}`);
  }
  if (lines.length === 0 && mainPid === null) {
    return usageError('"notify" needs at least one thing to send');
  }
  return { kind: "notify", lines, mainPid };
}

function parseProbe(args: readonly string[]): Command {
  if (args.length > 1) return usageError('"probe" takes at most one endpoint');
  const endpoint = args[0] ?? "healthz";
  return isProbeName(endpoint)
    ? { kind: "probe", endpoint }
    : usageError(`Unknown endpoint ${JSON.stringify(endpoint)}: one of ${PROBE_NAMES.join(", ")}`);
}

/** Subcommands by name; each parses the arguments that follow its name. */
const SUBCOMMANDS: Readonly<Record<string, SubcommandParser>> = {
  run: parseRun,
  notify: parseNotify,
  probe: parseProbe,
};

/** Parses the arguments after the program name. */
export function parseCommandLine(args: readonly string[]): Command {
  if (args.length === 0) return { kind: "sidecar" };
  const [first, ...rest] = args;
  if (rest.length === 0 && (first === "--help" || first === "-h")) return { kind: "help" };
  if (rest.length === 0 && first === "--version") return { kind: "version" };
  if (Object.hasOwn(SUBCOMMANDS, first)) {
    // `sd-notify-adapter probe --help` helps too; `run -- cmd --help` belongs to cmd.
    if (first !== "run" && rest.length === 1 && (rest[0] === "--help" || rest[0] === "-h")) {
      return { kind: "help" };
    }
    return SUBCOMMANDS[first](rest);
  }
  const what = first.startsWith("-") ? "option" : "command";
  return usageError(`Unknown ${what} ${JSON.stringify(first)}`);
}
