/**
 * The modules wrapper mode evaluates and the sidecar does not (lib/commands/wrapper/),
 * evaluated beside the sidecar's: what wrapper mode's code adds before it starts its child.
 *
 * @module
 */

import "../../main.ts";
import "../../lib/commands/sidecar.ts";
import "../../lib/commands/wrapper/wrapper.ts";
import { runRung } from "./rung.ts";

await runRung();
