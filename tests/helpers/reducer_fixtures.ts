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
export const START = { kind: "started", socket: "@test", address: "[::]:8089" } as const;

/** A healthy adapter at monotonic time `at`, configured from `env`. */
export function running(env: Record<string, string> = {}, at = 1_000): AdapterState {
  return step(initialState(parseConfig(env).config), START, at).state;
}

/** A healthy wrapper at `at` whose child (`pid`) has started. */
export function wrapping(env: Record<string, string> = {}, at = 0, pid = 42): AdapterState {
  return step(running(env, at), { kind: "childStarted", pid }, at).state;
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
