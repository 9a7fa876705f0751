/**
 * The modules the sidecar evaluates, evaluated and not run: what main.ts imports, and
 * lib/commands/sidecar.ts, which it imports once the command line says "sidecar". A test
 * (tests/bench/ladder_test.ts) keeps this list equal to main.ts's.
 *
 * @module
 */

import "../../lib/commands/cli.ts";
import "../../lib/core/config.ts";
import "../../lib/core/version.ts";
import "../../lib/shell/environment.ts";
import "../../lib/shell/permissions.ts";
import "../../lib/shell/socket_path.ts";
import "../../lib/shell/startup_failure.ts";
import "../../lib/shell/logging.ts";
import "../../lib/commands/sidecar.ts";
import { runRung } from "./rung.ts";

await runRung();
