/**
 * The imperative shell of the sidecar (SPEC §1–§7): binds the socket, serves HTTP, owns the
 * one timer, the signals and the output writers, feeds inputs to the reducer and carries
 * out its effects. Every rule of behaviour lives in the reducer; this file only wires.
 *
 * @module
 */

import type { LoadedConfig } from "../core/config.ts";
import type { Effect } from "../core/effects.ts";
import { handleRequest } from "../core/http_handler.ts";
import { LineWriter } from "./line_writer.ts";
import { configureLogging, writeLog } from "./logging.ts";
import { nextTurn } from "./next_turn.ts";
import { memoizedParser } from "../core/notify_message.ts";
import {
  bindNotifySocket,
  type BoundSocket,
  receiveDatagrams,
  removeNotifySocket,
  SocketSetupError,
} from "./notify_socket.ts";
import { type AdapterState, initialState, type Input, step } from "../core/reducer.ts";

/** A failure before the adapter became healthy: one message and an exit status. */
export class StartupError extends Error {
  /**
   * `exitStatus` follows SPEC §1 and §7: 2 for configuration, 1 for the rest; `logged` says
   * whether the adapter's own log already carries the message.
   */
  constructor(message: string, readonly exitStatus: number, readonly logged = false) {
    super(message);
    this.name = "StartupError";
  }
}

/** A running adapter. */
export interface Adapter {
  /** Feeds one input to the reducer now. */
  dispatch(input: Input): void;
  /** The current state, as the probes see it. */
  state(): AdapterState;
  /** The HTTP address actually bound, e.g. `[::]:8089`. */
  readonly address: string;
  /** Resolves with the exit status once shutdown has finished (sockets closed, logs out). */
  readonly exited: Promise<number>;
}

// setTimeout takes at most a signed 32-bit delay; later deadlines are reached in hops.
const MAX_TIMER_DELAY = 2 ** 31 - 1;
// SPEC §7 gives shutdown 2 s; the shell keeps a margin for the process to exit.
const SHUTDOWN_BUDGET_MS = 1_500;
const STOP_SIGNALS: readonly Deno.Signal[] = ["SIGTERM", "SIGINT"];
const HANDLED_SIGNALS: readonly Deno.Signal[] = [
  ...STOP_SIGNALS,
  "SIGHUP",
  "SIGQUIT",
  "SIGUSR1",
  "SIGUSR2",
];

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Creates the writers for stdout (echo) and stderr (log) that the configuration asks for. */
function createWriters({ config }: LoadedConfig) {
  const log = config.log ? new LineWriter(Deno.stderr, () => {}, nextTurn) : undefined;
  configureLogging(log);
  const echo = config.echo
    ? new LineWriter(
      Deno.stdout,
      (error) =>
        writeLog("error", "Echo stopped: stdout is closed or broken", { error: message(error) }),
      nextTurn,
    )
    : undefined;
  return { echo, log };
}

function serve(
  hostname: string,
  port: number,
  handler: (request: Request) => Response,
): Deno.HttpServer<Deno.NetAddr> {
  const onError = (error: unknown) => {
    writeLog("error", "HTTP handler failed", { error: message(error) });
    return new Response(JSON.stringify({ error: "Internal error" }), { status: 500 });
  };
  return Deno.serve({ hostname, port, onListen: () => {}, onError }, handler);
}

function listen(
  { config, effective }: LoadedConfig,
  handler: (request: Request) => Response,
): Deno.HttpServer<Deno.NetAddr> {
  // The default "::" falls back to IPv4 on hosts without IPv6 (SPEC §1).
  const hosts = effective.ADAPTER_HOST === "::" ? ["::", "0.0.0.0"] : [config.host];
  let failure: unknown;
  for (const hostname of hosts) {
    try {
      return serve(hostname, config.port, handler);
    } catch (error) {
      failure ??= error;
      if (error instanceof Deno.errors.AddrInUse) break;
    }
  }
  throw new StartupError(
    `Cannot listen on ADAPTER_HOST ${config.host} ADAPTER_PORT ${config.port}: ${message(failure)}`,
    1,
  );
}

function formatAddress({ hostname, port }: Deno.NetAddr): string {
  return hostname.includes(":") ? `[${hostname}]:${port}` : `${hostname}:${port}`;
}

/** How a caller (wrapper mode) changes the sidecar's signal handling. */
export interface AdapterOptions {
  /**
   * When set, every handled signal (SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2) goes
   * here instead of stopping or being ignored: wrapper mode forwards them to its child.
   */
  readonly forwardSignal?: (signal: Deno.Signal) => void;
  /**
   * Called when shutdown begins, whatever began it; shutdown waits for the returned promise
   * before the last logs are flushed: wrapper mode stops a child that is still running.
   */
  readonly onShutdown?: () => Promise<void>;
}

/**
 * Starts the sidecar: logs the configuration, binds the socket, listens for HTTP, then
 * becomes healthy and reads datagrams. Throws `StartupError` when it cannot start, with
 * nothing left behind.
 */
export async function startAdapter(
  loaded: LoadedConfig,
  options: AdapterOptions = {},
): Promise<Adapter> {
  const { config } = loaded;
  const writers = createWriters(loaded);
  // Last line of defence: a bug must cost a log record, never the process (and the Pod).
  globalThis.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    writeLog("error", "Unexpected error", { error: message(event.reason) });
  });
  writeLog("info", "Configuration", { ...loaded.effective });
  for (const warning of loaded.warnings) writeLog("warning", warning, {});

  let state = initialState(config);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timerAt: number | null = null;
  let resolveExited: (status: number) => void = () => {};
  const exited = new Promise<number>((resolve) => resolveExited = resolve);

  let bound: BoundSocket;
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    try {
      bound = bindNotifySocket(config.notifySocket, config.socketMode);
    } catch (error) {
      if (error instanceof SocketSetupError) {
        throw new StartupError(error.message, error.exitStatus);
      }
      throw error;
    }
    if (bound.replacedStale) {
      writeLog("info", "Stale socket replaced", { socket: config.notifySocket.text });
    }
    try {
      server = listen(
        loaded,
        (request) =>
          handleRequest(request, state, { wall: Date.now(), monotonic: performance.now() }),
      );
    } catch (error) {
      bound.conn.close();
      removeNotifySocket(config.notifySocket);
      throw error;
    }
  } catch (error) {
    if (!(error instanceof StartupError) || writers.log === undefined) throw error;
    // Report through the log already in use, so that no earlier record is lost at exit.
    writeLog("error", error.message, { exitStatus: error.exitStatus });
    await writers.log.flush();
    throw new StartupError(error.message, error.exitStatus, true);
  }
  const address = formatAddress(server.addr);

  function armTimer(at: number | null) {
    if (at === null) {
      clearTimeout(timer);
      timer = undefined;
      timerAt = null;
      return;
    }
    // A later deadline needs no new timer: the earlier wake-up finds nothing due and re-arms.
    if (timerAt !== null && timerAt <= at) return;
    clearTimeout(timer);
    timerAt = at;
    const delay = Math.min(MAX_TIMER_DELAY, Math.max(0, Math.ceil(at - performance.now())));
    timer = setTimeout(() => {
      timer = undefined;
      timerAt = null;
      dispatch({ kind: "tick" });
    }, delay);
  }

  let shuttingDown = false;
  async function shutdown(exitStatus: number) {
    if (shuttingDown) return;
    shuttingDown = true;
    const stopping = options.onShutdown?.();
    armTimer(null);
    bound.conn.close();
    removeNotifySocket(config.notifySocket);
    for (const [signal, handler] of signalHandlers) Deno.removeSignalListener(signal, handler);
    const budget = new Promise((resolve) => setTimeout(resolve, SHUTDOWN_BUDGET_MS));
    await Promise.race([server.shutdown(), budget]);
    await stopping;
    await Promise.race([
      Promise.all([writers.echo?.flush(), writers.log?.flush()]),
      budget,
    ]);
    resolveExited(exitStatus);
  }

  function perform(effects: readonly Effect[]) {
    for (const effect of effects) {
      switch (effect.kind) {
        case "echo":
          writers.echo?.write(effect.lines.join("\n") + "\n", effect.lines.length);
          break;
        case "log":
          writeLog(effect.level, effect.message, effect.fields);
          break;
        case "armTimer":
          armTimer(effect.at);
          break;
        case "shutdown":
          void shutdown(effect.exitStatus);
          break;
        default:
          effect satisfies never;
      }
    }
  }

  function dispatch(input: Input) {
    const result = step(state, input, performance.now());
    state = result.state;
    perform(result.effects);
  }

  // SPEC §7: nothing but SIGTERM and SIGINT stops the adapter; wrapper mode forwards all six.
  const onSignal = (signal: Deno.Signal) => {
    if (options.forwardSignal) options.forwardSignal(signal);
    else if (STOP_SIGNALS.includes(signal)) dispatch({ kind: "stop", reason: signal });
    else writeLog("info", "Signal ignored", { signal });
  };
  const signalHandlers = new Map(
    HANDLED_SIGNALS.map((signal) => [signal, () => onSignal(signal)] as const),
  );
  for (const [signal, handler] of signalHandlers) Deno.addSignalListener(signal, handler);

  const channelSize = config.channelSize;
  const full = (writer: LineWriter | undefined) =>
    writer !== undefined && writer.queuedLines >= channelSize;
  const paused = () =>
    full(writers.echo) || full(writers.log)
      ? Promise.all([writers.echo?.whenBelow(channelSize), writers.log?.whenBelow(channelSize)])
        .then(() => {})
      : undefined;

  dispatch({ kind: "started", socket: config.notifySocket.text, address });
  const parse = memoizedParser();
  void receiveDatagrams(
    bound.conn,
    (datagram) => dispatch({ kind: "datagram", message: parse(datagram) }),
    paused,
    (error) => writeLog("error", "Socket receive failed", { error: message(error) }),
  );

  return { dispatch, state: () => state, address, exited };
}
