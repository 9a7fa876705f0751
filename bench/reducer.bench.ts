import { parseConfig } from "../lib/core/config.ts";
import { parseNotifyMessage } from "../lib/core/notify_message.ts";
import {
  type AdapterState,
  generalStep,
  initialState,
  type Input,
  step,
} from "../lib/core/reducer.ts";

const datagram = (text: string): Input => ({
  kind: "datagram",
  message: parseNotifyMessage(new TextEncoder().encode(text)),
});

const PING = datagram("WATCHDOG=1");
const STATUS = datagram("STATUS=Processing requests…");
const READY = datagram("READY=1\nSTATUS=up\nMAINPID=4242");

function running(env: Record<string, string>): AdapterState {
  const config = parseConfig(env).config;
  const started = step(initialState(config), {
    kind: "started",
    socket: "@b",
    address: "x",
    pid: 7,
  }, 0);
  return step(started.state, READY, 1).state;
}

const plain = running({});
const watched = running({ ADAPTER_UNIT_WATCHDOG_SEC: "10" });
let now = 2;

Deno.bench("step() WATCHDOG=1, no watchdog configured", { group: "step", baseline: true }, () => {
  step(plain, PING, now++);
});

Deno.bench("step() WATCHDOG=1, watchdog armed", { group: "step" }, () => {
  step(watched, PING, now++);
});

Deno.bench("generalStep() WATCHDOG=1, watchdog armed: no shortcut", { group: "step" }, () => {
  generalStep(watched, PING, now++);
});

Deno.bench("step() STATUS= (no event)", { group: "step" }, () => {
  step(plain, STATUS, now++);
});

Deno.bench("step() READY=1, STATUS=, MAINPID=", { group: "step" }, () => {
  step(plain, READY, now++);
});

Deno.bench("step() tick with nothing due", { group: "step" }, () => {
  step(watched, { kind: "tick" }, now++);
});
