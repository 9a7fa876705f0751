import assert from "node:assert/strict";
import { ConfigError, parseConfig, SETTINGS, VARIABLE_NAMES } from "../../lib/core/config.ts";

function configError(env: Record<string, string>): ConfigError {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  assert.fail(`parseConfig(${JSON.stringify(env)}) did not throw`);
}

Deno.test("parseConfig() gives every behaviour §1 default on an empty environment", () => {
  const { config, effective, warnings } = parseConfig({});
  assert.deepEqual(config.notifySocket, {
    text: "/var/run/adapter/adapter.sock",
    bindPath: "/var/run/adapter/adapter.sock",
    abstract: false,
  });
  assert.equal(config.port, 8089);
  assert.equal(config.echo, true);
  assert.equal(config.log, true);
  assert.equal(config.channelSize, 256);
  assert.equal(config.initialLivez, false);
  assert.equal(config.initialReadyz, false);
  assert.equal(config.allowMessageWatchdogUsec, true);
  assert.equal(config.allowMessageExtendTimeoutUsec, true);
  assert.deepEqual([...config.livezTrue], ["ready", "watchdog"]);
  assert.deepEqual([...config.livezFalse], [
    "errno",
    "buserror",
    "watchdog_trigger",
    "watchdog_timeout",
    "start_timeout",
    "main_exited",
  ]);
  assert.deepEqual([...config.readyzTrue], ["ready", "watchdog"]);
  assert.deepEqual([...config.readyzFalse], [
    "reloading",
    "stopping",
    "errno",
    "buserror",
    "watchdog_trigger",
    "watchdog_timeout",
    "start_timeout",
    "main_exited",
  ]);
  assert.deepEqual([...config.shutdown], []);
  assert.equal(config.timeoutStartMs, 90_000);
  assert.equal(config.watchdogMs, 0);
  assert.equal(config.pidFile, null);
  assert.equal(config.host, "::");
  assert.equal(config.socketMode, 0o666);
  assert.equal(effective.ADAPTER_PORT, "8089");
  assert.equal(Object.keys(effective).length, VARIABLE_NAMES.length);
  assert.deepEqual(warnings, []);
  assert.ok(Object.isFrozen(config));
});

Deno.test("parseConfig() reads every variable of behaviour §1", () => {
  const { config } = parseConfig({
    NOTIFY_SOCKET: "@adapter",
    ADAPTER_PORT: "0",
    ADAPTER_ECHO: "off",
    ADAPTER_LOG: "No",
    ADAPTER_CHANNEL_SIZE: "1024",
    ADAPTER_INITIAL_LIVEZ: "YES",
    ADAPTER_INITIAL_READYZ: "1",
    ADAPTER_ALLOW_MESSAGE_WATCHDOG_USEC: "FALSE",
    ADAPTER_ALLOW_MESSAGE_EXTEND_TIMEOUT_USEC: "0",
    ADAPTER_STATUS_LIVEZ_TRUE: " ready , reloading ",
    ADAPTER_STATUS_LIVEZ_FALSE: "",
    ADAPTER_STATUS_READYZ_TRUE: "watchdog",
    ADAPTER_STATUS_READYZ_FALSE: "errno",
    ADAPTER_STATUS_SHUTDOWN: "stopping,start_timeout",
    ADAPTER_UNIT_TIMEOUT_START_SEC: "1min 30s",
    ADAPTER_UNIT_WATCHDOG_SEC: "500ms",
    ADAPTER_UNIT_PID_FILE: "/run/redis/redis-server.pid",
    ADAPTER_HOST: "127.0.0.1",
    ADAPTER_SOCKET_MODE: "660",
  });
  assert.deepEqual(config.notifySocket, {
    text: "@adapter",
    bindPath: "\0adapter",
    abstract: true,
  });
  assert.equal(config.port, 0);
  assert.equal(config.echo, false);
  assert.equal(config.log, false);
  assert.equal(config.channelSize, 1024);
  assert.equal(config.initialLivez, true);
  assert.equal(config.initialReadyz, true);
  assert.equal(config.allowMessageWatchdogUsec, false);
  assert.equal(config.allowMessageExtendTimeoutUsec, false);
  assert.deepEqual([...config.livezTrue], ["ready", "reloading"]);
  assert.deepEqual([...config.livezFalse], []);
  assert.deepEqual([...config.readyzTrue], ["watchdog"]);
  assert.deepEqual([...config.readyzFalse], ["errno"]);
  assert.deepEqual([...config.shutdown], ["stopping", "start_timeout"]);
  assert.equal(config.timeoutStartMs, 90_000);
  assert.equal(config.watchdogMs, 500);
  assert.equal(config.pidFile, "/run/redis/redis-server.pid");
  assert.equal(config.host, "127.0.0.1");
  assert.equal(config.socketMode, 0o660);
});

Deno.test("parseConfig() accepts each boolean word in any case", () => {
  for (const [text, value] of Object.entries({ TRUE: true, On: true, yes: true, "1": true })) {
    assert.equal(parseConfig({ ADAPTER_ECHO: text }).config.echo, value, text);
  }
  for (const [text, value] of Object.entries({ False: false, OFF: false, no: false, "0": false })) {
    assert.equal(parseConfig({ ADAPTER_ECHO: text }).config.echo, value, text);
  }
});

Deno.test("parseConfig() reads booleans in mixed case and leading zeros in integers", () => {
  assert.equal(parseConfig({ ADAPTER_LOG: "tRuE" }).config.log, true);
  assert.equal(parseConfig({ ADAPTER_LOG: "oFf" }).config.log, false);
  assert.equal(parseConfig({ ADAPTER_PORT: "08089" }).config.port, 8089);
  assert.equal(parseConfig({ ADAPTER_PORT: "65535" }).config.port, 65535);
  assert.equal(parseConfig({ ADAPTER_CHANNEL_SIZE: "1" }).config.channelSize, 1);
});

Deno.test("parseConfig() reads ADAPTER_UNIT_PID_FILE as a plain absolute path, empty = none", () => {
  assert.equal(parseConfig({ ADAPTER_UNIT_PID_FILE: "" }).config.pidFile, null);
  for (const text of ["run/x.pid", "/run/../etc/x.pid", "/run//x.pid", "/run/x/", "/run/\0"]) {
    assert.throws(() => parseConfig({ ADAPTER_UNIT_PID_FILE: text }), {
      name: "ConfigError",
      message: `Cannot parse ADAPTER_UNIT_PID_FILE ${JSON.stringify(text)}: expected an ` +
        "absolute file path without empty, . or .. components and without NUL, " +
        "or nothing to turn it off",
    });
  }
});

Deno.test("parseConfig() reads an event list of blanks as the empty list", () => {
  const { config } = parseConfig({ ADAPTER_STATUS_LIVEZ_TRUE: "  ", ADAPTER_STATUS_SHUTDOWN: "" });
  assert.deepEqual([...config.livezTrue], []);
  assert.deepEqual([...config.shutdown], []);
});

Deno.test("parseConfig() reads durations as systemd time spans in milliseconds", () => {
  const cases: [string, number][] = [
    ["1.5", 1_500],
    ["300ms", 300],
    ["2h30m", 9_000_000],
    ["1min 30s", 90_000],
    ["500000us", 500],
  ];
  for (const [text, milliseconds] of cases) {
    const { config } = parseConfig({
      ADAPTER_UNIT_TIMEOUT_START_SEC: text,
      ADAPTER_UNIT_WATCHDOG_SEC: text,
    });
    assert.equal(config.timeoutStartMs, milliseconds, text);
    assert.equal(config.watchdogMs, milliseconds, text);
  }
});

Deno.test("parseConfig() reads 0 and infinity as a disabled timer", () => {
  for (const text of ["0", "infinity", "0s"]) {
    const { config } = parseConfig({
      ADAPTER_UNIT_TIMEOUT_START_SEC: text,
      ADAPTER_UNIT_WATCHDOG_SEC: text,
    });
    assert.equal(config.timeoutStartMs, 0, text);
    assert.equal(config.watchdogMs, 0, text);
  }
});

Deno.test("parseConfig() names the variable, the value and the expectation of a bad value", () => {
  const error = configError({ ADAPTER_PORT: "abc" });
  assert.equal(error.variable, "ADAPTER_PORT");
  assert.equal(error.value, "abc");
  assert.equal(
    error.message,
    'Cannot parse ADAPTER_PORT "abc": expected an integer from 0 to 65535',
  );
});

Deno.test("parseConfig() rejects each invalid form of each kind of variable", () => {
  const invalid: [string, string, string][] = [
    ["NOTIFY_SOCKET", "relative/path", "an absolute path to a socket file, or @name"],
    ["NOTIFY_SOCKET", "", "an absolute path to a socket file, or @name"],
    ["NOTIFY_SOCKET", "@", "an absolute path to a socket file, or @name"],
    ["NOTIFY_SOCKET", "/tmp/x/newdir/", "an absolute path to a socket file, or @name"],
    ["NOTIFY_SOCKET", "/tmp/x/..", "an absolute path to a socket file, or @name"],
    ["NOTIFY_SOCKET", "/", "an absolute path to a socket file, or @name"],
    ["NOTIFY_SOCKET", `/${"x".repeat(107)}`, "of at most 107 bytes"],
    ["NOTIFY_SOCKET", "/run/a\0b", "without NUL"],
    ["ADAPTER_PORT", "65536", "an integer from 0 to 65535"],
    ["ADAPTER_PORT", "-1", "an integer from 0 to 65535"],
    ["ADAPTER_PORT", "80.5", "an integer from 0 to 65535"],
    ["ADAPTER_PORT", " 80", "an integer from 0 to 65535"],
    ["ADAPTER_PORT", "", "an integer from 0 to 65535"],
    ["ADAPTER_PORT", "0x50", "an integer from 0 to 65535"],
    ["ADAPTER_PORT", "+80", "an integer from 0 to 65535"],
    ["ADAPTER_PORT", "8e3", "an integer from 0 to 65535"],
    ["ADAPTER_PORT", "\u0668\u0660", "an integer from 0 to 65535"],
    ["ADAPTER_CHANNEL_SIZE", "abc", "an integer from 1 to 1000000"],
    ["ADAPTER_CHANNEL_SIZE", "1000001", "an integer from 1 to 1000000"],
    ["ADAPTER_CHANNEL_SIZE", "0", "an integer from 1 to 1000000"],
    ["ADAPTER_ECHO", "maybe", "a boolean"],
    ["ADAPTER_LOG", "", "a boolean"],
    ["ADAPTER_INITIAL_LIVEZ", "truee", "a boolean"],
    ["ADAPTER_INITIAL_READYZ", "2", "a boolean"],
    ["ADAPTER_ALLOW_MESSAGE_WATCHDOG_USEC", "y", "a boolean"],
    ["ADAPTER_ALLOW_MESSAGE_EXTEND_TIMEOUT_USEC", "enabled", "a boolean"],
    ["ADAPTER_STATUS_LIVEZ_TRUE", "ready,nope", '"nope" is not one of ready, reloading'],
    ["ADAPTER_STATUS_LIVEZ_FALSE", "READY", '"READY" is not one of'],
    ["ADAPTER_STATUS_READYZ_TRUE", "ready;watchdog", '"ready;watchdog" is not one of'],
    ["ADAPTER_STATUS_READYZ_FALSE", "timeout", '"timeout" is not one of'],
    ["ADAPTER_STATUS_SHUTDOWN", "nope", '"nope" is not one of'],
    ["ADAPTER_UNIT_TIMEOUT_START_SEC", "5parsecs", "a systemd time span"],
    ["ADAPTER_UNIT_TIMEOUT_START_SEC", "-5", "a systemd time span"],
    ["ADAPTER_UNIT_WATCHDOG_SEC", "", "a systemd time span"],
    ["ADAPTER_UNIT_WATCHDOG_SEC", "1.2.3", "a systemd time span"],
    ["ADAPTER_UNIT_WATCHDOG_SEC", "forever", "a systemd time span"],
    ["ADAPTER_ECHO", " true", "a boolean"],
    ["ADAPTER_STATUS_SHUTDOWN", "ready watchdog", '"ready watchdog" is not one of'],
    ["ADAPTER_HOST", "", "an IP address such as :: or 0.0.0.0 (not a host name)"],
    ["ADAPTER_HOST", "a b", "an IP address"],
    ["ADAPTER_HOST", "999.999.999.999", "an IP address"],
    ["ADAPTER_HOST", "localhost", "an IP address"],
    ["ADAPTER_HOST", "[::1]", "an IP address"],
    ["ADAPTER_HOST", "::1%eth0", "an IP address"],
    ["ADAPTER_HOST", "1.2.3", "an IP address"],
    ["ADAPTER_HOST", "01.2.3.4", "an IP address"],
    ["ADAPTER_PORT", "tcp://10.0.0.1:8089", "set enableServiceLinks: false in the Pod spec"],
    ["ADAPTER_WATCHDOG_SIGNAL", "SIGNOPE", "a signal name such as SIGABRT, ABRT or 6, or none"],
    ["ADAPTER_WATCHDOG_SIGNAL", "", "a signal name"],
    ["ADAPTER_WATCHDOG_SIGNAL", "99", "a signal name"],
    ["ADAPTER_TIMEOUT_ABORT_SEC", "soon", "a systemd time span"],
    ["ADAPTER_TERMINATION_MESSAGE_PATH", "termination-log", "an absolute file path"],
    ["ADAPTER_TERMINATION_MESSAGE_PATH", "/dev/", "an absolute file path"],
    ["ADAPTER_TERMINATION_MESSAGE_PATH", "/", "an absolute file path"],
    ["ADAPTER_TERMINATION_MESSAGE_PATH", "/tmp//x", "without empty, . or .. components"],
    ["ADAPTER_TERMINATION_MESSAGE_PATH", "/tmp/./x", "without empty, . or .. components"],
    ["ADAPTER_TERMINATION_MESSAGE_PATH", "/tmp/../etc/passwd", "without empty, . or .."],
    ["ADAPTER_TERMINATION_MESSAGE_PATH", "/tmp/x/..", "without empty, . or .. components"],
    ["ADAPTER_SOCKET_MODE", "999", "an octal file mode"],
    ["ADAPTER_SOCKET_MODE", "rw-rw-rw-", "an octal file mode"],
    ["ADAPTER_SOCKET_MODE", "07777", "an octal file mode"],
  ];
  for (const [variable, value, expected] of invalid) {
    const error = configError({ [variable]: value });
    assert.equal(error.variable, variable, `${variable}=${value}`);
    assert.equal(error.value, value);
    assert.ok(
      error.message.startsWith(`Cannot parse ${variable} ${JSON.stringify(value)}: expected `),
      error.message,
    );
    assert.ok(error.expected.includes(expected), `${error.expected} should say ${expected}`);
  }
});

Deno.test("parseConfig() reports the first bad variable in table order", () => {
  const error = configError({ ADAPTER_SOCKET_MODE: "x", ADAPTER_PORT: "x" });
  assert.equal(error.variable, "ADAPTER_PORT");
});

Deno.test("parseConfig() warns about unknown ADAPTER_* variables and ignores others", () => {
  const { warnings } = parseConfig({
    ADAPTER_PROT: "8089",
    ADAPTER_ECHO: "true",
    HOME: "/root",
    ADAPTERX: "1",
  });
  assert.deepEqual(warnings, ["Unknown variable ADAPTER_PROT is ignored: is it a typo?"]);
});

Deno.test("SETTINGS lists each variable once, and every default parses", () => {
  assert.equal(new Set(VARIABLE_NAMES).size, VARIABLE_NAMES.length);
  for (const setting of Object.values(SETTINGS)) {
    assert.ok("value" in setting.parse(setting.default), setting.variable);
  }
});

Deno.test("parseConfig() gives the wrapper's supervision settings their systemd defaults", () => {
  const { config } = parseConfig({});
  assert.equal(config.watchdogSignal, "SIGABRT");
  assert.equal(config.timeoutAbortMs, 90_000);
  assert.equal(config.terminationMessagePath, "/dev/termination-log");
});

Deno.test("parseConfig() reads signals and the abort timeout as systemd does; none and empty are off", () => {
  const read = (env: Record<string, string>) => parseConfig(env).config;
  assert.equal(read({ ADAPTER_WATCHDOG_SIGNAL: "none" }).watchdogSignal, null);
  assert.equal(read({ ADAPTER_WATCHDOG_SIGNAL: "QUIT" }).watchdogSignal, "SIGQUIT");
  assert.equal(read({ ADAPTER_WATCHDOG_SIGNAL: "9" }).watchdogSignal, "SIGKILL");
  assert.equal(read({ ADAPTER_WATCHDOG_SIGNAL: "SIGTERM" }).watchdogSignal, "SIGTERM");
  assert.equal(read({ ADAPTER_TIMEOUT_ABORT_SEC: "0" }).timeoutAbortMs, 0);
  assert.equal(read({ ADAPTER_TIMEOUT_ABORT_SEC: "infinity" }).timeoutAbortMs, Infinity);
  assert.equal(read({ ADAPTER_TIMEOUT_ABORT_SEC: "250ms" }).timeoutAbortMs, 250);
  assert.equal(read({ ADAPTER_TERMINATION_MESSAGE_PATH: "" }).terminationMessagePath, null);
  assert.equal(
    read({ ADAPTER_TERMINATION_MESSAGE_PATH: "/tmp/why" }).terminationMessagePath,
    "/tmp/why",
  );
  assert.equal(
    read({ ADAPTER_TERMINATION_MESSAGE_PATH: "/run/a..b/.x" }).terminationMessagePath,
    "/run/a..b/.x",
  );
});

Deno.test("parseConfig() counts durations in whole microseconds: below 1 µs is 0, off", () => {
  const watchdog = (text: string) => parseConfig({ ADAPTER_UNIT_WATCHDOG_SEC: text }).config;
  assert.equal(watchdog("0.4us").watchdogMs, 0);
  assert.equal(watchdog("0.999us").watchdogMs, 0);
  assert.equal(watchdog("1.9us").watchdogMs, 0.001);
  assert.equal(watchdog("0.3s").watchdogMs, 300);
  assert.equal(watchdog("1.1ms").watchdogMs, 1.1);
});

Deno.test("parseConfig() accepts IPv4 and IPv6 literals for ADAPTER_HOST", () => {
  for (
    const host of ["::", "0.0.0.0", "127.0.0.1", "::1", "fe80::1", "::ffff:10.0.0.1", "10.255.0.9"]
  ) {
    assert.equal(parseConfig({ ADAPTER_HOST: host }).config.host, host);
  }
});

Deno.test("parseConfig() refuses a value that is not UTF-8 instead of using the default", () => {
  let caught: unknown;
  try {
    parseConfig({ ADAPTER_UNIT_WATCHDOG_SEC: undefined }, ["ADAPTER_UNIT_WATCHDOG_SEC"]);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ConfigError);
  assert.equal(
    caught.message,
    'Cannot parse ADAPTER_UNIT_WATCHDOG_SEC "": expected valid UTF-8 (the value holds bytes ' +
      "that are not)",
  );
});

Deno.test("parseConfig() names Kubernetes service links in ADAPTER_PORT", () => {
  const error = configError({ ADAPTER_PORT: "tcp://10.0.0.1:8089" });
  assert.equal(
    error.message,
    'Cannot parse ADAPTER_PORT "tcp://10.0.0.1:8089": expected an integer from 0 to 65535; ' +
      'this value is what Kubernetes injects for a Service named "adapter" (service links): ' +
      "set enableServiceLinks: false in the Pod spec, or set ADAPTER_PORT explicitly",
  );
});
