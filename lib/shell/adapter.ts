/**
 * The running adapter: the pieces of the shell wired to one runtime. Start-up binds the
 * socket and listens before the adapter becomes healthy; shutdown undoes it in order. Every
 * rule of behaviour lives in the core; what happens here is wiring.
 *
 * @module
 */

import type { LoadedConfig } from "../core/config.ts";
import { handleRequest, type HttpRequest } from "../core/http_handler.ts";
import type { HttpResponse } from "../core/http_response.ts";
import { memoizedParser } from "../core/notify_message.ts";
import { initialState, type Input } from "../core/reducer.ts";
import { signalAction } from "../core/signal_policy.ts";
import type { SignalName } from "../core/signals.ts";
import type { AdapterState } from "../core/state.ts";
import { DeadlineTimer } from "./deadline_timer.ts";
import { type HttpListener, listenHttp } from "./http_server.ts";
import { logUnexpectedErrors } from "./last_resort.ts";
import { errorText, type Logger } from "./logging.ts";
import { nextTurn, openSocketPoller, type SocketPoller } from "./next_turn.ts";
import { connectionCap, logOpenFilesLimit, type OpenFilesLimit } from "./open_files_limit.ts";
import {
  bindNotifySocket,
  type BoundSocket,
  removeNotifySocket,
  SocketSetupError,
} from "./notify_socket.ts";
import { createOutputs, type Outputs } from "./outputs.ts";
import { dropPermissions } from "./permissions.ts";
import { createRuntime } from "./runtime.ts";
import { schedule, sleep } from "./schedule.ts";
import { shutDown } from "./shutdown.ts";
import { catchSignals } from "./signals.ts";
import { SocketReader } from "./socket_reader.ts";
import type { SocketPath } from "./socket_path.ts";
import { StartupError } from "./startup_failure.ts";

/** How wrapper mode extends the sidecar. */
export interface AdapterHooks {
  /** Which mode runs: the sidecar alone, or the wrapper with its child. */
  readonly mode: "sidecar" | "wrapper";
  /** The open-files limit raised at start, or why it was not (behaviour §5.6). */
  readonly openFilesLimit: OpenFilesLimit | Error;
  /** Wrapper mode: a signal the policy forwards. */
  readonly forward?: (signal: SignalName) => void;
  /** Wrapper mode: a signal the reducer sends the child (watchdog signal, SIGKILL). */
  readonly signalChild?: (signal: SignalName, reason: string) => void;
  /** Wrapper mode: ends the child if it still runs, and reports why it ended. */
  readonly stopChild?: (state: AdapterState) => Promise<void>;
}

/** A running adapter. */
export interface Adapter {
  /** Feeds one input to the reducer now. */
  dispatch(input: Input): void;
  /** Runs `action` once the datagrams the socket holds now have been judged. */
  afterQueued(action: () => void): void;
  /** The logger on stderr, silent when `ADAPTER_LOG` is false. */
  readonly logger: Logger;
  /** The HTTP address actually bound, e.g. `[::]:8089`. */
  readonly address: string;
  /** Resolves with the exit status once shutdown has finished (sockets closed, logs out). */
  readonly exited: Promise<number>;
}

/**
 * Binds the socket, then listens for HTTP; on failure closes what it opened, and throws a
 * `StartupError` that carries the log records already queued.
 */
async function openEndpoints(
  { config, effective }: LoadedConfig,
  socketPath: SocketPath | null,
  outputs: Outputs,
  handler: (request: HttpRequest) => HttpResponse,
  maxConnections: number,
): Promise<{ bound: BoundSocket; listener: HttpListener }> {
  const { logger } = outputs;
  let bound: BoundSocket;
  try {
    bound = await bindNotifySocket(config.notifySocket, socketPath, config.socketMode);
  } catch (error) {
    const { message, exitStatus } = error instanceof SocketSetupError
      ? error
      : { message: `Cannot start: ${errorText(error)}`, exitStatus: 1 };
    // The records already queued go out before the failure's own (fail() awaits them).
    throw new StartupError(message, exitStatus, {}, outputs.flush());
  }
  // The umask served its purpose.
  dropPermissions("sys");
  if (bound.replacedStale) {
    logger.log("info", "Stale socket replaced", { socket: config.notifySocket.text });
  }
  if (bound.file !== null && bound.file.mode !== config.socketMode) {
    logger.log("warning", "Socket mode differs from ADAPTER_SOCKET_MODE", {
      socket: config.notifySocket.text,
      mode: `0${bound.file.mode.toString(8)}`,
    });
  }
  try {
    const listener = listenHttp({
      host: config.host,
      defaultHost: effective.ADAPTER_HOST === "::",
      port: config.port,
      logger,
      schedule,
      handler,
      limits: { maxConnections },
    });
    return { bound, listener };
  } catch (error) {
    bound.conn.close();
    removeNotifySocket(bound.file);
    const message = `Cannot listen on ADAPTER_HOST ${config.host} ADAPTER_PORT ${config.port}: ${
      errorText(error)
    }`;
    throw new StartupError(message, 1, {}, outputs.flush());
  }
}

/**
 * Starts the adapter: logs the configuration, binds the socket (at `socketPath`, resolved and
 * checked against the permissions), listens for HTTP, then becomes healthy and reads
 * datagrams. Throws `StartupError` when it cannot start, with nothing left behind and the log
 * flushed.
 */
export async function startAdapter(
  loaded: LoadedConfig,
  socketPath: SocketPath | null,
  hooks: AdapterHooks,
): Promise<Adapter> {
  const { config } = loaded;
  const now = () => performance.now();
  const outputs = createOutputs(config, {
    stdout: Deno.stdout,
    stderr: Deno.stderr,
    schedule,
    batchWait: nextTurn,
  });
  const { logger } = outputs;
  logUnexpectedErrors(logger);
  logger.log("info", "Configuration", loaded.effective);
  for (const warning of loaded.warnings) logger.log("warning", warning, {});
  logOpenFilesLimit(logger, hooks.openFilesLimit);

  // Listeners first: a stop requested while binding is honoured once the adapter runs.
  let early: Input | undefined;
  let dispatch = (input: Input): void => {
    early ??= input;
  };
  catchSignals((signal) => {
    const action = signalAction(signal, hooks.mode);
    if (action === "stop") dispatch({ kind: "stop", reason: signal });
    else if (action === "forward") hooks.forward?.(signal);
    else if (action === "ignore") logger.log("info", "Signal ignored", { signal });
  });

  // The runtime's ports reach the socket, the listener and the reader opened below: its
  // effects run only once the adapter has started, when all of them exist.
  let resolveExited: (status: number) => void = () => {};
  const exited = new Promise<number>((resolve) => resolveExited = resolve);
  const timer = new DeadlineTimer(now, schedule, () => reader.requestTick());
  // Opened at the first flood that needs it, closed with the socket.
  let poller: SocketPoller | undefined;
  let socketClosed = false;
  const runtime = createRuntime(initialState(config), {
    now,
    echo: (lines) => outputs.echoLines(lines),
    logger,
    armTimer: (at) => timer.arm(at),
    signalChild: (signal, reason) => hooks.signalChild?.(signal, reason),
    shutdown: (exitStatus) => {
      void shutDown({
        closeSocket: () => {
          timer.arm(null);
          reader.close();
          socketClosed = true;
          poller?.close();
          removeNotifySocket(bound.file);
        },
        stopServer: () => listener.shutdown(),
        stopChild: () => hooks.stopChild?.(runtime.state) ?? Promise.resolve(),
        flushOutputs: () => outputs.flush(),
        sleep,
      }).then(() => resolveExited(exitStatus));
    },
  });
  const { bound, listener } = await openEndpoints(
    loaded,
    socketPath,
    outputs,
    (request) =>
      handleRequest(
        request,
        runtime.state,
        { wall: Date.now(), monotonic: now() },
        outputs.droppedLines(),
      ),
    connectionCap(hooks.openFilesLimit),
  );

  const parse = memoizedParser();
  const target = bound.file?.path ?? config.notifySocket.bindPath;
  const reader = new SocketReader(bound.conn, target, {
    datagram: (bytes) => runtime.dispatch({ kind: "datagram", message: parse(bytes) }),
    tick: () => runtime.dispatch({ kind: "tick" }),
    outputWait: () => outputs.outputWait(),
    yieldToLoop: () => socketClosed ? Promise.resolve() : (poller ??= openSocketPoller()).poll(),
    now,
    schedule,
    error: (error) => logger.log("error", "Socket receive failed", { error: errorText(error) }),
  });

  dispatch = (input) => runtime.dispatch(input);
  runtime.dispatch({
    kind: "started",
    socket: config.notifySocket.text,
    address: listener.address,
  });
  void reader.run();
  if (early !== undefined) runtime.dispatch(early);
  return {
    dispatch,
    afterQueued: (action) => reader.afterQueued(action),
    logger,
    address: listener.address,
    exited,
  };
}
