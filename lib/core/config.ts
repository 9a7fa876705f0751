/**
 * Configuration (SPEC §1): the environment, parsed once into a frozen, typed object.
 *
 * @module
 */

import { EVENT_NAMES, type EventName, isEventName, type Reactions } from "./events.ts";
import { parseTimeSpan } from "./timespan.ts";

/** Where the notification socket lives: a path, or a Linux abstract name (`@name`). */
export interface SocketAddress {
  /** As configured, and as `NOTIFY_SOCKET` is handed to a service: `/run/x.sock` or `@name`. */
  readonly text: string;
  /** What to bind: the path, or a NUL byte followed by the abstract name. */
  readonly bindPath: string;
  readonly abstract: boolean;
}

/** The adapter's settings; every duration is in milliseconds, 0 meaning disabled. */
export interface Config extends Reactions {
  readonly notifySocket: SocketAddress;
  readonly port: number;
  readonly echo: boolean;
  readonly log: boolean;
  readonly channelSize: number;
  readonly initialLivez: boolean;
  readonly initialReadyz: boolean;
  readonly allowMessageWatchdogUsec: boolean;
  readonly allowMessageExtendTimeoutUsec: boolean;
  readonly timeoutStartSec: number;
  readonly watchdogSec: number;
  readonly host: string;
  readonly socketMode: number;
}

type Parsed<T> = { readonly value: T } | { readonly expected: string };

/** One row of the configuration table: variable, default (as text), parser, meaning. */
export interface Setting<T> {
  readonly variable: string;
  readonly default: string;
  readonly meaning: string;
  readonly parse: (text: string) => Parsed<T>;
}

const BOOLEAN_WORDS: Readonly<Record<string, boolean>> = {
  true: true,
  "1": true,
  yes: true,
  on: true,
  false: false,
  "0": false,
  no: false,
  off: false,
};

function boolean(text: string): Parsed<boolean> {
  const value = BOOLEAN_WORDS[text.toLowerCase()];
  return value === undefined
    ? { expected: "a boolean (true/false, 1/0, yes/no, on/off)" }
    : { value };
}

function integer(min: number, max: number) {
  return (text: string): Parsed<number> => {
    const value = /^\d+$/.test(text) ? Number(text) : NaN;
    return value >= min && value <= max
      ? { value }
      : { expected: `an integer from ${min} to ${max}` };
  };
}

function eventList(text: string): Parsed<ReadonlySet<EventName>> {
  const names = text.split(",").map((name) => name.trim()).filter((name) => name !== "");
  const unknown = names.find((name) => !isEventName(name));
  if (unknown !== undefined) {
    return {
      expected: `a comma-separated list of events, and "${unknown}" is not one of ${
        EVENT_NAMES.join(", ")
      }`,
    };
  }
  return { value: new Set(names as EventName[]) };
}

function duration(text: string): Parsed<number> {
  const milliseconds = parseTimeSpan(text);
  if (milliseconds === undefined) {
    return { expected: 'a systemd time span such as "90", "1.5s", "1min 30s" or "infinity"' };
  }
  return { value: milliseconds === Infinity ? 0 : milliseconds };
}

// sun_path holds 108 bytes; a path needs its terminating NUL, an abstract name its leading one.
const SUN_PATH_MAX = 107;

function socketAddress(text: string): Parsed<SocketAddress> {
  const expected = `an absolute path or @name of at most ${SUN_PATH_MAX} bytes, without NUL`;
  const length = new TextEncoder().encode(text).length;
  if (text.includes("\0") || length > SUN_PATH_MAX) return { expected };
  if (text.startsWith("/")) return { value: { text, bindPath: text, abstract: false } };
  if (text.startsWith("@") && length > 1) {
    return { value: { text, bindPath: `\0${text.slice(1)}`, abstract: true } };
  }
  return { expected };
}

function host(text: string): Parsed<string> {
  return /^[0-9A-Za-z.:%_-]+$/.test(text)
    ? { value: text }
    : { expected: "an IP address or host name such as :: or 0.0.0.0" };
}

function fileMode(text: string): Parsed<number> {
  return /^0?[0-7]{3}$/.test(text)
    ? { value: parseInt(text, 8) }
    : { expected: "an octal file mode such as 0666 or 0660" };
}

/** The configuration table of SPEC §1; the README's table is checked against it. */
export const SETTINGS = Object.freeze(
  {
    notifySocket: {
      variable: "NOTIFY_SOCKET",
      default: "/var/run/adapter/adapter.sock",
      meaning: "socket to create: an absolute path, or `@name` for a Linux abstract socket",
      parse: socketAddress,
    },
    port: {
      variable: "ADAPTER_PORT",
      default: "8089",
      meaning: "HTTP port (0 = any free port, announced in the log)",
      parse: integer(0, 65535),
    },
    echo: {
      variable: "ADAPTER_ECHO",
      default: "true",
      meaning: "re-serialise every accepted message line to stdout",
      parse: boolean,
    },
    log: {
      variable: "ADAPTER_LOG",
      default: "true",
      meaning: "JSON Lines records on stderr; `false` = nothing at all on stderr",
      parse: boolean,
    },
    channelSize: {
      variable: "ADAPTER_CHANNEL_SIZE",
      default: "32",
      meaning: "bound on lines waiting for output before the socket reader pauses",
      parse: integer(1, 1_000_000),
    },
    initialLivez: {
      variable: "ADAPTER_INITIAL_LIVEZ",
      default: "false",
      meaning: "`/livez` value until an event changes it",
      parse: boolean,
    },
    initialReadyz: {
      variable: "ADAPTER_INITIAL_READYZ",
      default: "false",
      meaning: "`/readyz` value until an event changes it",
      parse: boolean,
    },
    allowMessageWatchdogUsec: {
      variable: "ADAPTER_ALLOW_MESSAGE_WATCHDOG_USEC",
      default: "true",
      meaning: "honour `WATCHDOG_USEC=`",
      parse: boolean,
    },
    allowMessageExtendTimeoutUsec: {
      variable: "ADAPTER_ALLOW_MESSAGE_EXTEND_TIMEOUT_USEC",
      default: "true",
      meaning: "honour `EXTEND_TIMEOUT_USEC=`",
      parse: boolean,
    },
    livezTrue: {
      variable: "ADAPTER_STATUS_LIVEZ_TRUE",
      default: "ready,watchdog",
      meaning: "events that set live",
      parse: eventList,
    },
    livezFalse: {
      variable: "ADAPTER_STATUS_LIVEZ_FALSE",
      default: "errno,buserror,watchdog_trigger,watchdog_timeout,start_timeout",
      meaning: "events that clear live",
      parse: eventList,
    },
    readyzTrue: {
      variable: "ADAPTER_STATUS_READYZ_TRUE",
      default: "ready,watchdog",
      meaning: "events that set ready",
      parse: eventList,
    },
    readyzFalse: {
      variable: "ADAPTER_STATUS_READYZ_FALSE",
      default: "reloading,stopping,errno,buserror,watchdog_trigger,watchdog_timeout,start_timeout",
      meaning: "events that clear ready",
      parse: eventList,
    },
    shutdown: {
      variable: "ADAPTER_STATUS_SHUTDOWN",
      default: "",
      meaning: "events that shut the adapter down",
      parse: eventList,
    },
    timeoutStartSec: {
      variable: "ADAPTER_UNIT_TIMEOUT_START_SEC",
      default: "90",
      meaning: "like `TimeoutStartSec=`; `0` or `infinity` = off",
      parse: duration,
    },
    watchdogSec: {
      variable: "ADAPTER_UNIT_WATCHDOG_SEC",
      default: "0",
      meaning: "like `WatchdogSec=`; `0` or `infinity` = off",
      parse: duration,
    },
    host: {
      variable: "ADAPTER_HOST",
      default: "::",
      meaning: "HTTP listen address (the default falls back to `0.0.0.0` without IPv6)",
      parse: host,
    },
    socketMode: {
      variable: "ADAPTER_SOCKET_MODE",
      default: "0666",
      meaning: "file mode of a path socket, so a service running as another user can send",
      parse: fileMode,
    },
  } satisfies { [K in keyof Config]: Setting<Config[K]> },
);

/** The names of every variable the adapter reads. */
export const VARIABLE_NAMES: readonly string[] = Object.freeze(
  Object.values(SETTINGS).map((setting) => setting.variable),
);

/** Raised for invalid configuration; the message names the variable, value and expectation. */
export class ConfigError extends Error {
  /** Builds the message in the project's form: `Cannot parse NAME "value": expected …`. */
  constructor(readonly variable: string, readonly value: string, readonly expected: string) {
    super(`Cannot parse ${variable} ${JSON.stringify(value)}: expected ${expected}`);
    this.name = "ConfigError";
  }
}

/** The parsed configuration, the text each variable had (or its default), and warnings. */
export interface LoadedConfig {
  readonly config: Config;
  /** Variable name → the text in effect, for the start-up log record and `/status`. */
  readonly effective: Readonly<Record<string, string>>;
  /** Things worth a warning in the log, such as an unknown `ADAPTER_*` variable (a typo?). */
  readonly warnings: readonly string[];
}

/**
 * Parses the adapter's configuration from an environment map; throws `ConfigError` for the
 * first invalid variable (in table order), so one clear message names it.
 */
export function parseConfig(env: Readonly<Record<string, string | undefined>>): LoadedConfig {
  const config: Record<string, unknown> = {};
  const effective: Record<string, string> = {};
  for (const [key, setting] of Object.entries(SETTINGS) as [string, Setting<unknown>][]) {
    const text = env[setting.variable] ?? setting.default;
    const parsed = setting.parse(text);
    if ("expected" in parsed) throw new ConfigError(setting.variable, text, parsed.expected);
    config[key] = parsed.value;
    effective[setting.variable] = text;
  }
  const warnings = Object.keys(env)
    .filter((name) => name.startsWith("ADAPTER_") && !VARIABLE_NAMES.includes(name))
    .sort()
    .map((name) => `Unknown variable ${name} is ignored: is it a typo?`);
  return {
    config: Object.freeze(config) as unknown as Config,
    effective: Object.freeze(effective),
    warnings,
  };
}
