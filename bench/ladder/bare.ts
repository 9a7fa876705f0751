/**
 * Rung 1 of the start-up ladder (bench/breakdown.ts): Deno itself, with nothing of the
 * adapter's; bench/ladder/rung.ts answers `/healthz`.
 *
 * @module
 */

import { runRung } from "./rung.ts";

await runRung();
