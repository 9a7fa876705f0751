import { parseNotifyMessage } from "../lib/core/notify_message.ts";

const encode = (text: string) => new TextEncoder().encode(text);
const PING = encode("WATCHDOG=1");
const READY = encode("READY=1\nSTATUS=Processing requests…\nMAINPID=4242");
const INVALID = encode("READY=1\nWATCHDOG=yes\nNOPE=1\n\xff");
const LARGE = encode(`STATUS=${"x".repeat(4000)}`);

Deno.bench("parseNotifyMessage() WATCHDOG=1", { group: "parse", baseline: true }, () => {
  parseNotifyMessage(PING);
});

Deno.bench("parseNotifyMessage() READY=1, STATUS=, MAINPID=", { group: "parse" }, () => {
  parseNotifyMessage(READY);
});

Deno.bench("parseNotifyMessage() with rejected lines", { group: "parse" }, () => {
  parseNotifyMessage(INVALID);
});

Deno.bench("parseNotifyMessage() 4 kB STATUS=", { group: "parse" }, () => {
  parseNotifyMessage(LARGE);
});
