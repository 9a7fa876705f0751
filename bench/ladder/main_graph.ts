/**
 * The sidecar's modules as main.ts brings them: main.ts itself (not run: it is not the main
 * module) and lib/commands/sidecar.ts, evaluated. main.ts's dynamic imports name the other
 * commands' modules too, so Deno reads them into the module graph at start-up, though the
 * sidecar never evaluates them.
 *
 * @module
 */

import "../../main.ts";
import "../../lib/commands/sidecar.ts";
import { runRung } from "./rung.ts";

await runRung();
