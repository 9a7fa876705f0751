/**
 * The runtime: the one place where the reducer meets the world. `dispatch` feeds an input to
 * `step` at the clock's time and carries out each effect through a narrow port, in one
 * exhaustive `switch` (the Elm architecture's runtime, as raj's 34 lines do it).
 *
 * @module
 */

import type { Effect } from "../core/effects.ts";
import { type AdapterState, type Input, step } from "../core/reducer.ts";
import type { SignalName } from "../core/signals.ts";
import type { Logger } from "./logging.ts";

/** What the effects reach: the outputs, the one timer, the child, shutdown. */
export interface RuntimePorts {
  /** Monotonic milliseconds, the reducer's clock. */
  readonly now: () => number;
  /** Writes accepted lines to stdout: the `echo` effect. */
  readonly echo: (lines: readonly string[]) => void;
  /** Writes log records: the `log` effect. */
  readonly logger: Logger;
  /** Sets the one timer to this monotonic time, or cancels it. */
  readonly armTimer: (at: number | null) => void;
  /** Wrapper mode: sends the service process a signal, the `signalChild` effect. */
  readonly signalChild: (signal: SignalName, reason: string) => void;
  /** Begins graceful shutdown with this exit status: the `shutdown` effect. */
  readonly shutdown: (exitStatus: number, reason: string) => void;
}

/** A running reducer. */
export interface Runtime {
  /** Applies one input now and carries out what it asks. */
  dispatch(input: Input): void;
  /** The current state, as the probes see it. */
  readonly state: AdapterState;
}

/** Starts a runtime from `initial`. */
export function createRuntime(initial: AdapterState, ports: RuntimePorts): Runtime {
  let state = initial;
  const perform = (effect: Effect) => {
    switch (effect.kind) {
      case "echo":
        return ports.echo(effect.lines);
      case "log":
        return ports.logger.log(effect.level, effect.message, effect.fields);
      case "armTimer":
        return ports.armTimer(effect.at);
      case "signalChild":
        return ports.signalChild(effect.signal, effect.reason);
      case "shutdown":
        return ports.shutdown(effect.exitStatus, effect.reason);
      default:
        effect satisfies never;
    }
  };
  return {
    dispatch(input) {
      const result = step(state, input, ports.now());
      state = result.state;
      for (const effect of result.effects) perform(effect);
    },
    get state() {
      return state;
    },
  };
}
