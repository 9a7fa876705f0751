/**
 * The command line (SPEC §8): which job the one binary does. Each subcommand parses its own
 * arguments; this file only picks the subcommand and holds the usage text.
 *
 * @module
 */

/** What the command line asks for. */
export type Command =
  | { readonly kind: "sidecar" }
  | { readonly kind: "help" }
  | { readonly kind: "version" }
  | { readonly kind: "usage-error"; readonly message: string };

/** The text of `--help`. */
export const USAGE = `Usage:
  sd-notify-adapter                 run as a sidecar: own $NOTIFY_SOCKET, answer the probes
  sd-notify-adapter --help          print this text
  sd-notify-adapter --version       print the version

Owns the systemd notification socket ($NOTIFY_SOCKET, default /var/run/adapter/adapter.sock)
and answers /healthz, /livez and /readyz on ADAPTER_PORT (default 8089) as systemd would
judge the service. Configuration comes from the environment: see README.md.`;

type SubcommandParser = (args: readonly string[]) => Command;

/** Subcommands by name; each parses the arguments that follow its name. */
const SUBCOMMANDS: Readonly<Record<string, SubcommandParser>> = {};

/** Parses the arguments after the program name. */
export function parseCommandLine(args: readonly string[]): Command {
  if (args.length === 0) return { kind: "sidecar" };
  const [first, ...rest] = args;
  if (rest.length === 0 && (first === "--help" || first === "-h")) return { kind: "help" };
  if (rest.length === 0 && first === "--version") return { kind: "version" };
  if (Object.hasOwn(SUBCOMMANDS, first)) return SUBCOMMANDS[first](rest);
  const what = first.startsWith("-") ? "option" : "command";
  return { kind: "usage-error", message: `Unknown ${what} ${JSON.stringify(first)}` };
}
