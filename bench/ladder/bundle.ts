/**
 * The adapter as a Pod runs it, evaluated and not run: the bundle `deno task start` runs
 * (build/sd-notify-adapter.js, one module), imported, so that it is not the main module and
 * starts nothing; bench/ladder/rung.ts answers `/healthz`.
 *
 * @module
 */

import "../../build/sd-notify-adapter.js";
import { runRung } from "./rung.ts";

await runRung();
