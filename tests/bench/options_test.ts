import assert from "node:assert/strict";
import { parseOptions, PARTS } from "../../bench/options.ts";

Deno.test("parseOptions() runs every part, 3 rounds and a 2-minute soak by default", () => {
  assert.deepEqual(parseOptions([]), {
    parts: PARTS,
    rounds: 3,
    soakMinutes: 2,
    binary: undefined,
    json: undefined,
    help: false,
  });
});

Deno.test("parseOptions() takes what deno task passes on after --", () => {
  const options = parseOptions([
    "--",
    "--only=soak,flood,footprint",
    "--rounds=5",
    "--soak-minutes=0.5",
    "--binary=dist/sd-notify-adapter",
    "--json=/tmp/figures.json",
  ]);
  assert.deepEqual(options, {
    parts: ["footprint", "flood", "soak"],
    rounds: 5,
    soakMinutes: 0.5,
    binary: "dist/sd-notify-adapter",
    json: "/tmp/figures.json",
    help: false,
  });
});

Deno.test("parseOptions() names the option, the value and what it expected", () => {
  const cases: [string, string][] = [
    [
      "--only=flood,nope",
      'Cannot parse --only "flood,nope": expected a comma-separated list of micro, footprint, ' +
      "flood, timers, breakdown, soak",
    ],
    [
      "--only=",
      'Cannot parse --only "": expected a comma-separated list of micro, footprint, ' +
      "flood, timers, breakdown, soak",
    ],
    ["--rounds=0", 'Cannot parse --rounds "0": expected a positive integer'],
    ["--rounds=2.5", 'Cannot parse --rounds "2.5": expected a positive integer'],
    ["--rounds", 'Cannot parse --rounds "": expected a positive integer'],
    [
      "--soak-minutes=-1",
      'Cannot parse --soak-minutes "-1": expected a positive number of minutes',
    ],
    ["--soak-minutes=0", 'Cannot parse --soak-minutes "0": expected a positive number of minutes'],
    ["--binary=", 'Cannot parse --binary "": expected the path of a compiled adapter'],
    ["--json", 'Cannot parse --json "": expected a file to write'],
    ["--runs=3", 'Unknown option "--runs=3": see --help'],
  ];
  for (const [arg, message] of cases) {
    assert.throws(() => parseOptions([arg]), { message }, arg);
  }
});
