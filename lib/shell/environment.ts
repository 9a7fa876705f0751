/**
 * The one place the environment is read (behaviour §1): every variable Deno can decode, and
 * the names of the adapter's own variables that are set to bytes that are not UTF-8 (Deno
 * leaves those out of `toObject()` and throws when asked for them), so that such a value is
 * refused rather than quietly replaced by the default.
 *
 * @module
 */

import type { EnvironmentValues } from "../core/config.ts";

/** The environment as read. */
export interface Environment {
  /** Every variable Deno could decode, by name. */
  readonly values: EnvironmentValues;
  /** Names among those asked for whose value is not UTF-8. */
  readonly notUtf8: readonly string[];
}

/** Reads the environment, and checks each of `names` for a value that is not UTF-8. */
export function readEnvironment(names: readonly string[]): Environment {
  const values: Record<string, string> = {};
  try {
    Object.assign(values, Deno.env.toObject());
  } catch {
    // Permission for named variables only: those are read one by one below.
  }
  const notUtf8: string[] = [];
  for (const name of names) {
    try {
      const value = Deno.env.get(name);
      if (value !== undefined) values[name] = value;
    } catch (error) {
      if (!(error instanceof Deno.errors.InvalidData)) throw error;
      notUtf8.push(name);
    }
  }
  return { values, notUtf8 };
}
