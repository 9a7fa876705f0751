/**
 * The command line (SPEC §8): which job the one binary does.
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
export const USAGE = `Usage: sd-notify-adapter [--help | --version]

Owns the systemd notification socket ($NOTIFY_SOCKET) and answers /healthz, /livez and
/readyz on ADAPTER_PORT, as systemd would judge the service. Configuration comes from the
environment: see README.md.`;

/** Parses the arguments after the program name. */
export function parseCommandLine(args: readonly string[]): Command {
  if (args.length === 0) return { kind: "sidecar" };
  const [first, ...rest] = args;
  if (rest.length === 0 && (first === "--help" || first === "-h")) return { kind: "help" };
  if (rest.length === 0 && first === "--version") return { kind: "version" };
  const what = first.startsWith("-") ? "option" : "command";
  return { kind: "usage-error", message: `Unknown ${what} ${JSON.stringify(first)}` };
}
