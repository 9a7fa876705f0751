/**
 * The adapter's version: one source of truth, `deno.json`, embedded by `deno compile` too.
 *
 * @module
 */

import denoConfig from "../../deno.json" with { type: "json" };

/** The version in `deno.json`, e.g. `0.1.0`. */
export const VERSION: string = denoConfig.version;
