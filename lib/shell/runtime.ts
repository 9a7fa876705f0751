/**
 * The runtime: the one place where the reducer meets the world. The store holds the state and
 * steps it; the runtime feeds it each input at the clock's time and carries out each effect
 * through a narrow port, in one exhaustive `switch` (the Elm architecture's runtime, as raj's
 * 34 lines do it).
 *
 * @module
 */

import type { Effect } from "../core/effects.ts";
import { errorText } from "../core/error_text.ts";
import { type AdapterState, type Input, type Step, step } from "../core/reducer.ts";
import type { SignalName } from "../core/signals.ts";
import type { Logger } from "./logging.ts";

/** What the effects reach: the outputs, the one timer, the main process, the endpoints, exit. */
export interface RuntimePorts {
  /** Monotonic milliseconds, the reducer's clock. */
  readonly now: () => number;
  /** Writes accepted lines to stdout: the `echo` effect. */
  readonly echo: (lines: readonly string[]) => void;
  /** Writes log records: the `log` effect. */
  readonly logger: Logger;
  /** Sets the one timer to this monotonic time, or cancels it. */
  readonly armTimer: (at: number | null) => void;
  /** Wrapper mode: starts `COMMAND`, and reports `spawned` or `spawnFailed`. */
  readonly spawn: (command: readonly string[]) => void;
  /** Wrapper mode: sends the main process a signal. */
  readonly signalChild: (signal: SignalName) => void;
  /** Watches a learned main process instead of any before; reports its end (behaviour §11). */
  readonly watchMain: (pid: number) => void;
  /** Stops watching the learned main process. */
  readonly unwatchMain: () => void;
  /** Reads `ADAPTER_UNIT_PID_FILE` and reports what it holds. */
  readonly readPidFile: () => void;
  /** Closes the socket and stops the HTTP server: shutdown began. */
  readonly closeEndpoints: () => void;
  /** Wrapper mode: writes the termination message over the file at `path`. */
  readonly writeTerminationMessage: (path: string, text: string) => void;
  /** Flushes the outputs and ends the adapter with this status. */
  readonly exit: (exitStatus: number, startupFailure: string | null) => void;
}

/** The state and the reducer: what the probes read, and what an input changes. */
export interface Store {
  /** The current state, as the probes see it. */
  readonly state: AdapterState;
  /** Applies one input at `now` and returns what the shell must do. */
  step(input: Input, now: number): readonly Effect[];
}

/**
 * Holds the state from `initial` on, and steps it; a step that throws (a bug) changes nothing
 * and becomes the input `failed`, which the core judges like any other.
 */
export function createStore(initial: AdapterState): Store {
  let state = initial;
  const apply = (input: Input, now: number): readonly Effect[] => {
    let result: Step;
    try {
      result = step(state, input, now);
    } catch (error) {
      // The core failing on its own report of a failure has nothing left to tell it.
      if (input.kind === "failed") return [];
      return apply({ kind: "failed", error: errorText(error) }, now);
    }
    state = result.state;
    return result.effects;
  };
  return {
    get state() {
      return state;
    },
    step: apply,
  };
}

/**
 * The consumer of the mailbox: each input through the store, each effect carried out; an
 * effect that throws becomes the input `failed` once the others have run.
 */
export function createRuntime(store: Store, ports: RuntimePorts): (input: Input) => void {
  const perform = (effect: Effect) => {
    switch (effect.kind) {
      case "echo":
        return ports.echo(effect.lines);
      case "log":
        return ports.logger.log(effect.level, effect.message, effect.fields);
      case "armTimer":
        return ports.armTimer(effect.at);
      case "spawn":
        return ports.spawn(effect.command);
      case "signalChild":
        return ports.signalChild(effect.signal);
      case "watchMain":
        return ports.watchMain(effect.pid);
      case "unwatchMain":
        return ports.unwatchMain();
      case "readPidFile":
        return ports.readPidFile();
      case "shutdown":
        return ports.closeEndpoints();
      case "writeTerminationMessage":
        return ports.writeTerminationMessage(effect.path, effect.text);
      case "exit":
        return ports.exit(effect.exitStatus, effect.startupFailure);
      default:
        effect satisfies never;
    }
  };
  const dispatch = (input: Input): void => {
    const effects = store.step(input, ports.now());
    // Allocated only when an effect throws: this runs once per datagram of a flood.
    let failures: unknown[] | undefined;
    for (let index = 0; index < effects.length; index++) {
      try {
        perform(effects[index]);
      } catch (error) {
        (failures ??= []).push(error);
      }
    }
    if (failures !== undefined) {
      for (const error of failures) dispatch({ kind: "failed", error: errorText(error) });
    }
  };
  return dispatch;
}
