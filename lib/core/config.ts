/**
 * Configuration (behaviour §1): the environment, parsed once into a frozen, typed object. The
 * table below is the one source of the variables, their defaults and meanings; the README's
 * table is checked against it.
 *
 * @module
 */

import type { Reactions } from "./events.ts";
import {
  boolean,
  duration,
  durationOrNever,
  eventList,
  fileMode,
  integer,
  ipAddress,
  type Parsed,
  pathOrOff,
  port,
  signalOrNone,
  type SocketAddress,
  socketAddress,
} from "./setting_values.ts";
import type { SignalName } from "./signals.ts";

export type { SocketAddress };

/** The adapter's settings; every duration is in milliseconds, 0 meaning disabled. */
export interface Config extends Reactions {
  /** `NOTIFY_SOCKET`: the socket to create, a path or a Linux abstract name. */
  readonly notifySocket: SocketAddress;
  /** `ADAPTER_PORT`: the HTTP port; 0 takes any free port. */
  readonly port: number;
  /** `ADAPTER_ECHO`: whether every accepted line is echoed to stdout. */
  readonly echo: boolean;
  /** `ADAPTER_LOG`: whether log records go to stderr as JSON Lines. */
  readonly log: boolean;
  /** `ADAPTER_CHANNEL_SIZE`: how many lines may wait for each output before lines are dropped. */
  readonly channelSize: number;
  /** `ADAPTER_INITIAL_LIVEZ`: the `/livez` value until an event changes it. */
  readonly initialLivez: boolean;
  /** `ADAPTER_INITIAL_READYZ`: the `/readyz` value until an event changes it. */
  readonly initialReadyz: boolean;
  /** `ADAPTER_ALLOW_MESSAGE_WATCHDOG_USEC`: whether `WATCHDOG_USEC=` is honoured. */
  readonly allowMessageWatchdogUsec: boolean;
  /** `ADAPTER_ALLOW_MESSAGE_EXTEND_TIMEOUT_USEC`: whether `EXTEND_TIMEOUT_USEC=` is honoured. */
  readonly allowMessageExtendTimeoutUsec: boolean;
  /** `ADAPTER_UNIT_TIMEOUT_START_SEC`: systemd's `TimeoutStartSec=`; 0 turns it off. */
  readonly timeoutStartMs: number;
  /** `ADAPTER_UNIT_WATCHDOG_SEC`: systemd's `WatchdogSec=`; 0 turns it off. */
  readonly watchdogMs: number;
  /** `ADAPTER_UNIT_PID_FILE`: systemd's `PIDFile=`, naming the main process; `null`: none. */
  readonly pidFile: string | null;
  /** `ADAPTER_HOST`: the IP literal HTTP listens on. */
  readonly host: string;
  /** `ADAPTER_SOCKET_MODE`: the file mode of a path socket. */
  readonly socketMode: number;
  /** Wrapper mode: the signal a child gets on a watchdog timeout; `null` sends none. */
  readonly watchdogSignal: SignalName | null;
  /** Wrapper mode: how long after the watchdog signal SIGKILL follows; Infinity = never. */
  readonly timeoutAbortMs: number;
  /** Wrapper mode: where the termination message goes; `null` writes none. */
  readonly terminationMessagePath: string | null;
}

/** One row of the configuration table: variable, default (as text), parser, meaning. */
export interface Setting<T> {
  /** The environment variable's name, such as `ADAPTER_PORT`. */
  readonly variable: string;
  /** The text in effect when the variable is not set. */
  readonly default: string;
  /** What the variable does, in the words of the README's table. */
  readonly meaning: string;
  /** Reads the variable's text into its value, or says what was expected. */
  readonly parse: (text: string) => Parsed<T>;
}

/** The configuration table: one row for each setting of `Config`. */
export type Settings = { readonly [K in keyof Config]: Setting<Config[K]> };

/** The configuration table of behaviour §1, in the order the README lists it. */
export const SETTINGS: Settings = Object.freeze({
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
    parse: port,
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
    default: "256",
    meaning: "lines that may wait for each output (stdout, stderr); beyond it lines are dropped",
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
    default: "errno,buserror,watchdog_trigger,watchdog_timeout,start_timeout,main_exited",
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
    default:
      "reloading,stopping,errno,buserror,watchdog_trigger,watchdog_timeout,start_timeout,main_exited",
    meaning: "events that clear ready",
    parse: eventList,
  },
  shutdown: {
    variable: "ADAPTER_STATUS_SHUTDOWN",
    default: "",
    meaning: "events that shut the adapter down",
    parse: eventList,
  },
  timeoutStartMs: {
    variable: "ADAPTER_UNIT_TIMEOUT_START_SEC",
    default: "90",
    meaning: "like `TimeoutStartSec=`; `0` or `infinity` = off",
    parse: duration,
  },
  watchdogMs: {
    variable: "ADAPTER_UNIT_WATCHDOG_SEC",
    default: "0",
    meaning: "like `WatchdogSec=`; `0` or `infinity` = off",
    parse: duration,
  },
  pidFile: {
    variable: "ADAPTER_UNIT_PID_FILE",
    default: "",
    meaning: "like `PIDFile=`: the service's PID file, under `/run`, `/var/run` or `/tmp`, " +
      "whose process is followed as its main process; empty = none",
    parse: pathOrOff,
  },
  host: {
    variable: "ADAPTER_HOST",
    default: "::",
    meaning:
      "HTTP listen address, an IP literal (the default falls back to `0.0.0.0` without IPv6)",
    parse: ipAddress,
  },
  socketMode: {
    variable: "ADAPTER_SOCKET_MODE",
    default: "0666",
    meaning: "file mode of a path socket: `0666` lets every user send, `0660` a shared group " +
      "(in Kubernetes the Pod's `fsGroup`), `0600` the adapter's user only",
    parse: fileMode,
  },
  watchdogSignal: {
    variable: "ADAPTER_WATCHDOG_SIGNAL",
    default: "SIGABRT",
    meaning: "wrapper mode: like `WatchdogSignal=`, sent to the service on a watchdog timeout; " +
      "`none` = off",
    parse: signalOrNone,
  },
  timeoutAbortMs: {
    variable: "ADAPTER_TIMEOUT_ABORT_SEC",
    default: "90s",
    meaning: "wrapper mode: like `TimeoutAbortSec=`, SIGKILL this long after the watchdog " +
      "signal; `0` = at once, `infinity` = never",
    parse: durationOrNever,
  },
  terminationMessagePath: {
    variable: "ADAPTER_TERMINATION_MESSAGE_PATH",
    default: "/dev/termination-log",
    meaning: "wrapper mode: termination message file, `/dev/termination-log` or under " +
      "`/run`, `/var/run`, `/tmp`; empty = off",
    parse: pathOrOff,
  },
});

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
  /** The settings, parsed and frozen. */
  readonly config: Config;
  /** Variable name → the text in effect, for the start-up log record and `/status`. */
  readonly effective: Readonly<Record<string, string>>;
  /** Things worth a warning in the log, such as an unknown `ADAPTER_*` variable (a typo?). */
  readonly warnings: readonly string[];
}

/** The environment's variables by name, as the shell read them. */
export type EnvironmentValues = Readonly<Record<string, string | undefined>>;

const NOT_UTF8 = "valid UTF-8 (the value holds bytes that are not)";

function readSetting<T>(
  setting: Setting<T>,
  values: EnvironmentValues,
  notUtf8: readonly string[],
  effective: Record<string, string>,
): T {
  // A value the runtime cannot decode must not quietly become the default.
  if (notUtf8.includes(setting.variable)) {
    throw new ConfigError(setting.variable, values[setting.variable] ?? "", NOT_UTF8);
  }
  const text = values[setting.variable] ?? setting.default;
  const parsed = setting.parse(text);
  if ("expected" in parsed) throw new ConfigError(setting.variable, text, parsed.expected);
  effective[setting.variable] = text;
  return parsed.value;
}

/**
 * Parses the adapter's configuration from the environment's `values`; `notUtf8` names the
 * variables set to bytes that are not UTF-8. Throws `ConfigError` for the first invalid
 * variable (in table order), so one clear message names it.
 *
 * @example A time span, and an invalid port
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConfig } from "./config.ts";
 *
 * const { config } = parseConfig({ ADAPTER_UNIT_WATCHDOG_SEC: "1min 30s" });
 * assert.equal(config.watchdogMs, 90_000);
 * assert.throws(() => parseConfig({ ADAPTER_PORT: "abc" }), {
 *   name: "ConfigError",
 *   message: 'Cannot parse ADAPTER_PORT "abc": expected an integer from 0 to 65535',
 * });
 * ```
 */
export function parseConfig(
  values: EnvironmentValues,
  notUtf8: readonly string[] = [],
): LoadedConfig {
  const effective: Record<string, string> = {};
  const read = <K extends keyof Config>(key: K): Config[K] =>
    readSetting(SETTINGS[key], values, notUtf8, effective);
  const config: Config = {
    notifySocket: read("notifySocket"),
    port: read("port"),
    echo: read("echo"),
    log: read("log"),
    channelSize: read("channelSize"),
    initialLivez: read("initialLivez"),
    initialReadyz: read("initialReadyz"),
    allowMessageWatchdogUsec: read("allowMessageWatchdogUsec"),
    allowMessageExtendTimeoutUsec: read("allowMessageExtendTimeoutUsec"),
    livezTrue: read("livezTrue"),
    livezFalse: read("livezFalse"),
    readyzTrue: read("readyzTrue"),
    readyzFalse: read("readyzFalse"),
    shutdown: read("shutdown"),
    timeoutStartMs: read("timeoutStartMs"),
    watchdogMs: read("watchdogMs"),
    pidFile: read("pidFile"),
    host: read("host"),
    socketMode: read("socketMode"),
    watchdogSignal: read("watchdogSignal"),
    timeoutAbortMs: read("timeoutAbortMs"),
    terminationMessagePath: read("terminationMessagePath"),
  };
  const unknown = Object.keys(values)
    .filter((name) => name.startsWith("ADAPTER_") && !VARIABLE_NAMES.includes(name))
    .sort();
  return {
    config: Object.freeze(config),
    effective: Object.freeze(effective),
    warnings: unknown.map((name) => `Unknown variable ${name} is ignored: is it a typo?`),
  };
}
