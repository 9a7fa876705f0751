/**
 * The running adapter, in three parts a reader follows top to bottom: start-up builds
 * everything in dependency order (the inbox, the state, the outputs, the signal listeners,
 * the socket and the HTTP listener), running wires the effects to what was built and feeds
 * the reducer, and shutdown closes the endpoints and, once the core says so, flushes and
 * ends. Every rule of behaviour lives in the core; what happens here is wiring.
 *
 * @module
 */

import type { LoadedConfig } from "../core/config.ts";
import { handleRequest, type HttpRequest } from "../core/http_handler.ts";
import type { HttpResponse } from "../core/http_response.ts";
import { memoizedParser } from "../core/notify_message.ts";
import type { ProcessEnd } from "../core/process_end.ts";
import { initialState, type Input } from "../core/reducer.ts";
import type { SignalName } from "../core/signals.ts";
import { watchAcceptQueue } from "./accept_queue.ts";
import { DeadlineTimer } from "./deadline_timer.ts";
import { type HttpListener, listenHttp } from "./http_server.ts";
import { reportUnexpectedErrors } from "./last_resort.ts";
import { type Libc, loadLibc } from "./libc.ts";
import { startMainWatch } from "./main_watch.ts";
import { errorText } from "./logging.ts";
import { Mailbox } from "./mailbox.ts";
import { type BatchWait, batchWait, openSocketPoller, type SocketPoller } from "./next_turn.ts";
import {
  bindNotifySocket,
  type BoundSocket,
  removeNotifySocket,
  SocketSetupError,
} from "./notify_socket.ts";
import {
  connectionCap,
  logOpenFilesLimit,
  type OpenFilesLimit,
  raiseOpenFilesLimit,
  withLimitFoundAtStart,
} from "./open_files_limit.ts";
import { createOutputs, type Outputs } from "./outputs.ts";
import { dropPermissions } from "./permissions.ts";
import { startReaper } from "./reaper.ts";
import { createRuntime, createStore, type Store } from "./runtime.ts";
import { schedule, sleep } from "./schedule.ts";
import { catchSignals } from "./signal_listeners.ts";
import { BLIND_SLICE_MS, SLICE_MS, SocketReader } from "./socket_reader.ts";
import type { SocketPath } from "./socket_path.ts";
import { StartupError } from "./startup_failure.ts";
import { writeTerminationLog } from "./termination_log.ts";

/** A process wrapper mode started: its ID, and how to signal it. */
export interface LaunchedProcess {
  /** The process ID. */
  readonly pid: number;
  /** Sends it a signal; a process that has just ended is no error. */
  kill(signal: SignalName): void;
}

/** Why `COMMAND` could not be started, with a shell's exit status for it. */
export interface LaunchFailure {
  /** 127 when it was not found, 126 when it cannot be executed. */
  readonly exitStatus: 126 | 127;
  /** The error record's message, naming the command and the reason. */
  readonly message: string;
}

/** Wrapper mode's part: `COMMAND`, and how to start it. The sidecar has none. */
export interface Launcher {
  /** `COMMAND` and its arguments, as given after `run --`. */
  readonly command: readonly string[];
  /**
   * Starts `COMMAND`; `ended` is called once, with its process ID and how it ended, or an
   * Error when the runtime could not say.
   */
  launch(ended: (pid: number, end: ProcessEnd | Error) => void): LaunchedProcess | LaunchFailure;
}

/** The HTTP server may finish the answers under way for this long after shutdown began. */
const SERVER_STOP_BUDGET_MS = 1_500;
/** The outputs may write what they hold for this long once the adapter is done. */
const FLUSH_BUDGET_MS = 300;

/** What start-up built, for running. */
interface Started {
  readonly loaded: LoadedConfig;
  readonly launcher: Launcher | null;
  readonly now: () => number;
  readonly mailbox: Mailbox<Input>;
  readonly store: Store;
  readonly outputs: Outputs;
  readonly batches: BatchWait;
  readonly libc: Libc | Error;
  readonly openFilesLimit: OpenFilesLimit | Error;
  readonly bound: BoundSocket;
  readonly listener: HttpListener;
}

/**
 * Runs the adapter until it exits, and resolves with its exit status. Throws `StartupError`
 * when it cannot start, with nothing left behind and the log flushed.
 */
export async function runAdapter(
  loaded: LoadedConfig,
  socketPath: SocketPath | null,
  launcher: Launcher | null,
): Promise<number> {
  return await run(await startUp(loaded, socketPath, launcher));
}

async function startUp(
  loaded: LoadedConfig,
  socketPath: SocketPath | null,
  launcher: Launcher | null,
): Promise<Started> {
  const { config } = loaded;
  const now = () => performance.now();
  const mailbox = new Mailbox<Input>();
  const store = createStore(initialState(config, launcher?.command ?? null));
  const batches = batchWait();
  const outputs = createOutputs(config, {
    stdout: Deno.stdout,
    stderr: Deno.stderr,
    schedule,
    batchWait: batches.wait,
  });
  const { logger } = outputs;
  reportUnexpectedErrors((error) => mailbox.post({ kind: "failed", error: errorText(error) }));
  logger.log("info", "Configuration", loaded.effective);
  for (const warning of loaded.warnings) logger.log("warning", warning, {});
  // Listeners first: a signal that comes while binding waits in the mailbox.
  catchSignals((signal) => mailbox.post({ kind: "signal", signal }));
  const libc = loadAdapterLibc(outputs, launcher !== null);
  // What the process can no longer load, an attacker in it cannot either.
  dropPermissions("ffi");
  // Every HTTP connection holds a descriptor: the soft limit goes up to the hard one (§5.6).
  const openFilesLimit = raiseOpenFilesLimit(libc);
  logOpenFilesLimit(logger, openFilesLimit);
  const { bound, listener } = await openEndpoints(
    loaded,
    socketPath,
    outputs,
    (request) =>
      handleRequest(
        request,
        store.state,
        { wall: Date.now(), monotonic: now(), origin: performance.timeOrigin },
        outputs.droppedLines(),
      ),
    connectionCap(openFilesLimit),
  );
  return {
    loaded,
    launcher,
    now,
    mailbox,
    store,
    outputs,
    batches,
    libc,
    openFilesLimit,
    bound,
    listener,
  };
}

// Wrapper mode reaps orphans as PID 1 and writes the termination message through libc; every
// mode follows a main process it did not start through it (the core warns when one is named).
function loadAdapterLibc({ logger }: Outputs, wrapper: boolean): Libc | Error {
  const opened = loadLibc();
  if (opened instanceof Error && wrapper) {
    logger.log(
      "warning",
      "libc not loaded: no reaping as PID 1, termination message through Deno",
      { error: opened.message },
    );
  }
  return opened;
}

/**
 * Binds the socket, then listens for HTTP; on failure closes what it opened, and throws a
 * `StartupError` that carries the log records already queued.
 */
async function openEndpoints(
  { config }: LoadedConfig,
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

/** Reads the socket and feeds the reducer until the core's `exit`; resolves with the status. */
function run(started: Started): Promise<number> {
  const { loaded: { config }, launcher, now, mailbox, store, outputs, batches, bound, listener } =
    started;
  const { openFilesLimit } = started;
  const libc = started.libc instanceof Error ? undefined : started.libc;
  const { logger } = outputs;
  const parse = memoizedParser();
  // Opened at the first flood that needs it, closed with the socket.
  let poller: SocketPoller | undefined;
  let socketClosed = false;
  const acceptQueue = libc === undefined ? undefined : watchAcceptQueue(libc, listener.port);
  const reader = new SocketReader(bound.conn, bound.file?.path ?? config.notifySocket.bindPath, {
    datagram: (bytes) => {
      // A flood's records are written a turn's worth at a time.
      batches.perTurn();
      mailbox.post({ kind: "datagram", message: parse(bytes) });
    },
    tick: () => mailbox.post({ kind: "tick" }),
    outputWait: () => outputs.outputWait(),
    yieldToLoop: () => socketClosed ? Promise.resolve() : (poller ??= openSocketPoller()).poll(),
    httpWaiting: () => listener.waiting() || (acceptQueue?.pending() ?? false),
    sliceMs: acceptQueue === undefined ? BLIND_SLICE_MS : SLICE_MS,
    now,
    schedule,
    error: (error) => logger.log("error", "Socket receive failed", { error: errorText(error) }),
  });
  const timer = new DeadlineTimer(now, schedule, () => reader.requestTick());
  const reaper = launcher !== null && libc !== undefined && Deno.pid === 1
    ? startReaper(libc, () => mainPids(store), schedule)
    : undefined;
  const mainWatch = startMainWatch({
    libc: started.libc,
    pidFile: config.pidFile,
    schedule,
    report: (input) => mailbox.post(input),
    // What it sent before it ended counts, as for the child.
    reportAfterQueued: (input) => reader.afterQueued(() => mailbox.post(input)),
  });
  // Wrapper mode: the process started, once it has been.
  let child: LaunchedProcess | undefined;
  const { promise: exited, resolve: exitWith, reject: failWith } = Promise.withResolvers<number>();
  const closing = shutDown(started, () => {
    reader.close();
    socketClosed = true;
    poller?.close();
    mainWatch.stop();
  });

  const dispatch = createRuntime(store, {
    now,
    echo: (lines) => outputs.echoLines(lines),
    logger,
    armTimer: (at) => timer.arm(at),
    spawn: () => {
      if (launcher === null) return;
      // The service gets the open-files limit the adapter found, not the one it raised (§5.6).
      const launched = withLimitFoundAtStart(
        libc,
        openFilesLimit,
        () =>
          launcher.launch((pid, end) => {
            // Its orphans may have ended with it: reap them before the adapter goes.
            reaper?.sweep();
            // What it sent before it ended counts, as systemd reads notifications before SIGCHLD.
            reader.afterQueued(() =>
              mailbox.post(
                end instanceof Error
                  ? { kind: "failed", error: errorText(end) }
                  : { kind: "exited", pid, end },
              )
            );
          }),
      );
      if ("exitStatus" in launched) {
        const { exitStatus, message } = launched;
        return mailbox.post({ kind: "spawnFailed", exitStatus, reason: message });
      }
      child = launched;
      mailbox.post({ kind: "spawned", pid: launched.pid });
    },
    signalChild: (signal) => child?.kill(signal),
    watchMain: (pid) => mainWatch.watch(pid),
    unwatchMain: () => mainWatch.unwatch(),
    readPidFile: () => mainWatch.readPidFile(),
    closeEndpoints: closing.closeEndpoints,
    writeTerminationMessage: (path, text) => closing.writeTerminationMessage(path, text, libc),
    exit: (exitStatus, startupFailure) => {
      reaper?.stop();
      closing.finish().then(() => {
        // Without the adapter's log, a failure to start is still reported (main writes it).
        if (startupFailure !== null && !config.log) {
          failWith(new StartupError(startupFailure, exitStatus));
        } else exitWith(exitStatus);
      });
    },
  });
  mailbox.open(dispatch);
  mailbox.post({
    kind: "started",
    socket: config.notifySocket.text,
    address: listener.address,
    pid: Deno.pid,
  });
  void reader.run();
  return exited;
}

function mainPids(store: Store): ReadonlySet<number> {
  const main = store.state.mainProcess;
  return new Set(main?.phase === "running" ? [main.pid] : []);
}

/**
 * The shell's half of a shutdown (behaviour §7.2): the endpoints close as soon as it begins;
 * the end waits for the HTTP answers under way (within the server's budget), the termination
 * message, and the outputs (within theirs).
 */
function shutDown(started: Started, stopReading: () => void) {
  const { outputs, bound, listener } = started;
  let serverStopped: Promise<void> = Promise.resolve();
  let budget: Promise<void> = Promise.resolve();
  let messageWritten: Promise<void> = Promise.resolve();
  return {
    closeEndpoints: () => {
      stopReading();
      removeNotifySocket(bound.file);
      budget = sleep(SERVER_STOP_BUDGET_MS);
      serverStopped = listener.shutdown();
    },
    writeTerminationMessage: (path: string, text: string, libc: Libc | undefined) => {
      messageWritten = writeTerminationLog(path, text, outputs.logger, libc);
    },
    finish: async () => {
      await Promise.race([serverStopped, budget]);
      await messageWritten;
      await Promise.race([outputs.flush(), sleep(FLUSH_BUDGET_MS)]);
    },
  };
}
