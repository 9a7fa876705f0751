/**
 * Fixtures for driving the reducer in unit tests with explicit times: a healthy adapter from
 * an environment, a datagram from text, a tick, and views of the effects.
 *
 * @module
 */

import { parseConfig } from "../../lib/core/config.ts";
import type { Effect } from "../../lib/core/effects.ts";
import { parseNotifyMessage } from "../../lib/core/notify_message.ts";
import { type AdapterState, initialState, type Step, step } from "../../lib/core/reducer.ts";

/** The input that makes the adapter healthy. */
export const START = {
  kind: "started",
  socket: "@test",
  address: "[::]:8089",
  pid: 7,
} as const;

/** A healthy adapter at monotonic time `at`, configured from `env`. */
export function running(env: Record<string, string> = {}, at = 1_000): AdapterState {
  return step(initialState(parseConfig(env).config), START, at).state;
}

/** The command the wrapper fixtures start. */
export const COMMAND: readonly string[] = Object.freeze(["service", "--flag"]);

/** A healthy wrapper at `at` whose main process (`pid`) has started. */
export function wrapping(env: Record<string, string> = {}, at = 0, pid = 42): AdapterState {
  const initial = initialState(parseConfig(env).config, COMMAND);
  const started = step(initial, START, at).state;
  return step(started, { kind: "spawned", pid }, at).state;
}

/** The step for one datagram of `text` at `now`. */
export function send(state: AdapterState, text: string, now: number): Step {
  const message = parseNotifyMessage(new TextEncoder().encode(text));
  return step(state, { kind: "datagram", message }, now);
}

/** The step for the timer firing at `now`. */
export function tick(state: AdapterState, now: number): Step {
  return step(state, { kind: "tick" }, now);
}

/** The three probe values. */
export function probes({ healthz, livez, readyz }: AdapterState) {
  return { healthz, livez, readyz };
}

/** The effects of one kind. */
export function ofKind<K extends Effect["kind"]>(
  effects: readonly Effect[],
  kind: K,
): Extract<Effect, { kind: K }>[] {
  return effects.filter((effect): effect is Extract<Effect, { kind: K }> => effect.kind === kind);
}

/** The event names the effects log, in order. */
export function events(effects: readonly Effect[]): unknown[] {
  return ofKind(effects, "log").filter((log) => log.message === "Event").map((log) =>
    log.fields.event
  );
}

/** The shutdown a step began, as its exit status and reason: one entry, or none. */
export function shutdownsBegun({ state, effects }: Step): { exitStatus: number; reason: string }[] {
  if (ofKind(effects, "shutdown").length === 0 || state.ending === null) return [];
  return [{ exitStatus: state.ending.exitStatus, reason: state.ending.reason }];
}
