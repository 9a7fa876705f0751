var __defProp = Object.defineProperty;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __esm = (fn, res) => function __init() {
  return fn && (res = (0, fn[__getOwnPropNames(fn)[0]])(fn = 0)), res;
};
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};

// lib/core/errno_names.ts
var ERRNO_NAMES;
var init_errno_names = __esm({
  "lib/core/errno_names.ts"() {
    ERRNO_NAMES = Object.freeze({
      EPERM: 1,
      ENOENT: 2,
      ESRCH: 3,
      EINTR: 4,
      EIO: 5,
      ENXIO: 6,
      E2BIG: 7,
      ENOEXEC: 8,
      EBADF: 9,
      ECHILD: 10,
      EAGAIN: 11,
      EWOULDBLOCK: 11,
      ENOMEM: 12,
      EACCES: 13,
      EFAULT: 14,
      ENOTBLK: 15,
      EBUSY: 16,
      EEXIST: 17,
      EXDEV: 18,
      ENODEV: 19,
      ENOTDIR: 20,
      EISDIR: 21,
      EINVAL: 22,
      ENFILE: 23,
      EMFILE: 24,
      ENOTTY: 25,
      ETXTBSY: 26,
      EFBIG: 27,
      ENOSPC: 28,
      ESPIPE: 29,
      EROFS: 30,
      EMLINK: 31,
      EPIPE: 32,
      EDOM: 33,
      ERANGE: 34,
      EDEADLK: 35,
      EDEADLOCK: 35,
      ENAMETOOLONG: 36,
      ENOLCK: 37,
      ENOSYS: 38,
      ENOTEMPTY: 39,
      ELOOP: 40,
      ENOMSG: 42,
      EIDRM: 43,
      ECHRNG: 44,
      EL2NSYNC: 45,
      EL3HLT: 46,
      EL3RST: 47,
      ELNRNG: 48,
      EUNATCH: 49,
      ENOCSI: 50,
      EL2HLT: 51,
      EBADE: 52,
      EBADR: 53,
      EXFULL: 54,
      ENOANO: 55,
      EBADRQC: 56,
      EBADSLT: 57,
      EBFONT: 59,
      ENOSTR: 60,
      ENODATA: 61,
      ETIME: 62,
      ENOSR: 63,
      ENONET: 64,
      ENOPKG: 65,
      EREMOTE: 66,
      ENOLINK: 67,
      EADV: 68,
      ESRMNT: 69,
      ECOMM: 70,
      EPROTO: 71,
      EMULTIHOP: 72,
      EDOTDOT: 73,
      EBADMSG: 74,
      EOVERFLOW: 75,
      ENOTUNIQ: 76,
      EBADFD: 77,
      EREMCHG: 78,
      ELIBACC: 79,
      ELIBBAD: 80,
      ELIBSCN: 81,
      ELIBMAX: 82,
      ELIBEXEC: 83,
      EILSEQ: 84,
      ERESTART: 85,
      ESTRPIPE: 86,
      EUSERS: 87,
      ENOTSOCK: 88,
      EDESTADDRREQ: 89,
      EMSGSIZE: 90,
      EPROTOTYPE: 91,
      ENOPROTOOPT: 92,
      EPROTONOSUPPORT: 93,
      ESOCKTNOSUPPORT: 94,
      ENOTSUP: 95,
      EOPNOTSUPP: 95,
      EPFNOSUPPORT: 96,
      EAFNOSUPPORT: 97,
      EADDRINUSE: 98,
      EADDRNOTAVAIL: 99,
      ENETDOWN: 100,
      ENETUNREACH: 101,
      ENETRESET: 102,
      ECONNABORTED: 103,
      ECONNRESET: 104,
      ENOBUFS: 105,
      EISCONN: 106,
      ENOTCONN: 107,
      ESHUTDOWN: 108,
      ETOOMANYREFS: 109,
      ETIMEDOUT: 110,
      ECONNREFUSED: 111,
      EHOSTDOWN: 112,
      EHOSTUNREACH: 113,
      EALREADY: 114,
      EINPROGRESS: 115,
      ESTALE: 116,
      EUCLEAN: 117,
      ENOTNAM: 118,
      ENAVAIL: 119,
      EISNAM: 120,
      EREMOTEIO: 121,
      EDQUOT: 122,
      ENOMEDIUM: 123,
      EMEDIUMTYPE: 124,
      ECANCELED: 125,
      ENOKEY: 126,
      EKEYEXPIRED: 127,
      EKEYREVOKED: 128,
      EKEYREJECTED: 129,
      EOWNERDEAD: 130,
      ENOTRECOVERABLE: 131,
      ERFKILL: 132
    });
  }
});

// lib/core/assignments.ts
function parsePid(value) {
  return /^\d{1,10}$/.test(value) && Number(value) >= 1 && Number(value) <= 2147483647 ? Number(value) : void 0;
}
function isWellKnownKey(key) {
  return Object.hasOwn(WELL_KNOWN_ASSIGNMENTS, key);
}
function isWellKnownLine(line) {
  return isWellKnownKey(line.key);
}
function acceptLine(key, text, line) {
  if (isWellKnownKey(key)) return acceptWellKnown(key, text, line);
  if (isExtensionKey(key)) return {
    key,
    value: text,
    line
  };
  return "unknown_key";
}
function acceptWellKnown(key, text, line) {
  const parse = WELL_KNOWN_ASSIGNMENTS[key];
  const value = parse(text);
  if (value === void 0) return "invalid_value";
  return {
    key,
    value,
    line
  };
}
function isExtensionKey(key) {
  return key.startsWith("X_");
}
var USEC_INFINITY_TEXT, U64_MAX, u64, one, zero, anyText, watchdog, notifyAccess, errno, safeAscii, pid, exitStatus, fdName, WELL_KNOWN_ASSIGNMENTS;
var init_assignments = __esm({
  "lib/core/assignments.ts"() {
    init_errno_names();
    USEC_INFINITY_TEXT = "18446744073709551615";
    U64_MAX = 18446744073709551615n;
    u64 = (value) => {
      if (!/^\d{1,20}$/.test(value)) return void 0;
      if (value.length < 16) return Number(value);
      if (BigInt(value) > U64_MAX) return void 0;
      return value === USEC_INFINITY_TEXT ? Infinity : Number(value);
    };
    one = (value) => value === "1" ? true : void 0;
    zero = (value) => value === "0" ? true : void 0;
    anyText = (value) => value;
    watchdog = (value) => value === "1" || value === "trigger" ? value : void 0;
    notifyAccess = (value) => [
      "none",
      "all",
      "main",
      "exec"
    ].includes(value) ? value : void 0;
    errno = (value) => {
      if (Object.hasOwn(ERRNO_NAMES, value)) return ERRNO_NAMES[value];
      return /^\d{1,4}$/.test(value) && Number(value) <= 4095 ? Number(value) : void 0;
    };
    safeAscii = (value) => /^[\x20-\x7e]*$/.test(value) ? value : void 0;
    pid = parsePid;
    exitStatus = (value) => /^\d{1,3}$/.test(value) && Number(value) <= 255 ? Number(value) : void 0;
    fdName = (value) => /^[\x20-\x39\x3b-\x7e]{0,255}$/.test(value) ? value : void 0;
    WELL_KNOWN_ASSIGNMENTS = Object.freeze({
      READY: one,
      RELOADING: one,
      STOPPING: one,
      ERRNO: errno,
      BUSERROR: safeAscii,
      VARLINKERROR: safeAscii,
      WATCHDOG: watchdog,
      WATCHDOG_USEC: u64,
      EXTEND_TIMEOUT_USEC: u64,
      STATUS: anyText,
      MAINPID: pid,
      MAINPIDFDID: u64,
      MAINPIDFD: one,
      EXIT_STATUS: exitStatus,
      MONOTONIC_USEC: u64,
      NOTIFYACCESS: notifyAccess,
      FDSTORE: one,
      FDSTOREREMOVE: one,
      FDNAME: fdName,
      FDPOLL: zero,
      RESTART_RESET: one,
      BARRIER: one
    });
  }
});

// lib/core/probes.ts
function isProbeName(name) {
  return PROBE_NAMES.includes(name);
}
var PROBE_NAMES;
var init_probes = __esm({
  "lib/core/probes.ts"() {
    PROBE_NAMES = Object.freeze([
      "healthz",
      "livez",
      "readyz"
    ]);
  }
});

// lib/core/events.ts
function isEventName(name) {
  return Object.hasOwn(EVENT_EXIT_STATUS, name);
}
function react(current, events2, trueSet, falseSet) {
  let becomesTrue = false;
  for (const event of events2) {
    if (falseSet.has(event)) return false;
    if (trueSet.has(event)) becomesTrue = true;
  }
  return becomesTrue || current;
}
function isFailureEvent(name) {
  return EVENT_EXIT_STATUS[name] === 1;
}
function shutdownExitStatus(events2) {
  return events2.some(isFailureEvent) ? 1 : 0;
}
var EVENT_EXIT_STATUS, EVENT_NAMES;
var init_events = __esm({
  "lib/core/events.ts"() {
    EVENT_EXIT_STATUS = Object.freeze({
      ready: 0,
      reloading: 0,
      stopping: 0,
      errno: 1,
      buserror: 1,
      watchdog: 0,
      watchdog_trigger: 1,
      watchdog_timeout: 1,
      start_timeout: 1,
      main_exited: 1
    });
    EVENT_NAMES = Object.freeze(Object.keys(EVENT_EXIT_STATUS));
  }
});

// lib/core/signals.ts
function isSignalName(name) {
  return Object.hasOwn(SIGNAL_NUMBERS, name);
}
function parseSignal(text) {
  const name = text.startsWith("SIG") ? text : `SIG${text}`;
  if (isSignalName(name)) return name;
  if (!/^\d{1,2}$/.test(text)) return void 0;
  const number = Number(text);
  return Object.keys(SIGNAL_NUMBERS).find((key) => SIGNAL_NUMBERS[key] === number);
}
function signalName(number) {
  const name = NAMES_BY_NUMBER.get(number);
  if (name !== void 0) return name;
  if (number === SIGRTMAX) return "SIGRTMAX";
  if (number === SIGRTMIN) return "SIGRTMIN";
  if (number > SIGRTMIN && number < SIGRTMAX) return `SIGRTMIN+${number - SIGRTMIN}`;
  return `signal ${number}`;
}
var SIGNAL_NUMBERS, SIGRTMIN, SIGRTMAX, NAMES_BY_NUMBER;
var init_signals = __esm({
  "lib/core/signals.ts"() {
    SIGNAL_NUMBERS = Object.freeze({
      SIGHUP: 1,
      SIGINT: 2,
      SIGQUIT: 3,
      SIGILL: 4,
      SIGTRAP: 5,
      SIGABRT: 6,
      SIGBUS: 7,
      SIGFPE: 8,
      SIGKILL: 9,
      SIGUSR1: 10,
      SIGSEGV: 11,
      SIGUSR2: 12,
      SIGPIPE: 13,
      SIGALRM: 14,
      SIGTERM: 15,
      SIGSTKFLT: 16,
      SIGCHLD: 17,
      SIGCONT: 18,
      SIGSTOP: 19,
      SIGTSTP: 20,
      SIGTTIN: 21,
      SIGTTOU: 22,
      SIGURG: 23,
      SIGXCPU: 24,
      SIGXFSZ: 25,
      SIGVTALRM: 26,
      SIGPROF: 27,
      SIGWINCH: 28,
      SIGIO: 29,
      SIGPOLL: 29,
      SIGPWR: 30,
      SIGSYS: 31
    });
    SIGRTMIN = 34;
    SIGRTMAX = 64;
    NAMES_BY_NUMBER = new Map(Object.entries(SIGNAL_NUMBERS).filter(([name]) => name !== "SIGPOLL").map(([name, number]) => [
      number,
      name
    ]));
  }
});

// lib/core/timespan.ts
function parseTimeSpan(text) {
  const trimmed = text.trim();
  if (trimmed === "infinity") return Infinity;
  if (trimmed === "") return void 0;
  let total2 = 0;
  let position = 0;
  while (position < trimmed.length) {
    COMPONENT.lastIndex = position;
    const match = COMPONENT.exec(trimmed);
    if (match === null || match[0].length === 0) return void 0;
    const [, amount, unit] = match;
    const perUnit = unit === "" ? TIME_SPAN_UNITS.s : TIME_SPAN_UNITS[unit];
    if (perUnit === void 0) return void 0;
    total2 += Number(amount) * perUnit;
    position = COMPONENT.lastIndex;
    if (unit === "" && position < trimmed.length && !/\s/.test(trimmed[position - 1])) {
      return void 0;
    }
  }
  return Number.isFinite(total2) ? total2 : void 0;
}
function formatTimeSpan(milliseconds) {
  if (milliseconds === Infinity) return "infinity";
  let left = Math.round(milliseconds * 1e3);
  if (left <= 0) return "0";
  const parts = [];
  for (const [unit, perUnit] of FORMAT_UNITS) {
    const micros = Math.round(perUnit * 1e3);
    const count = Math.floor(left / micros);
    if (count === 0) continue;
    parts.push(`${count}${unit}`);
    left -= count * micros;
  }
  return parts.join(" ");
}
var TIME_SPAN_UNITS, COMPONENT, FORMAT_UNITS;
var init_timespan = __esm({
  "lib/core/timespan.ts"() {
    TIME_SPAN_UNITS = Object.freeze({
      us: 1e-3,
      usec: 1e-3,
      ms: 1,
      msec: 1,
      s: 1e3,
      sec: 1e3,
      second: 1e3,
      seconds: 1e3,
      m: 6e4,
      min: 6e4,
      minute: 6e4,
      minutes: 6e4,
      h: 36e5,
      hr: 36e5,
      hour: 36e5,
      hours: 36e5,
      d: 864e5,
      day: 864e5,
      days: 864e5,
      w: 6048e5,
      week: 6048e5,
      weeks: 6048e5
    });
    COMPONENT = /\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)/y;
    FORMAT_UNITS = [
      [
        "d",
        864e5
      ],
      [
        "h",
        36e5
      ],
      [
        "min",
        6e4
      ],
      [
        "s",
        1e3
      ],
      [
        "ms",
        1
      ],
      [
        "us",
        1e-3
      ]
    ];
  }
});

// lib/core/setting_values.ts
function boolean(text) {
  const value = BOOLEAN_WORDS[text.toLowerCase()];
  return value === void 0 ? {
    expected: "a boolean (true/false, 1/0, yes/no, on/off)"
  } : {
    value
  };
}
function integer(min, max) {
  return (text) => {
    const value = /^\d+$/.test(text) ? Number(text) : NaN;
    return value >= min && value <= max ? {
      value
    } : {
      expected: `an integer from ${min} to ${max}`
    };
  };
}
function port(text) {
  const parsed = integer(0, 65535)(text);
  if ("value" in parsed || !SERVICE_LINK.test(text)) return parsed;
  return {
    expected: `${parsed.expected}; this value is what Kubernetes injects for a Service named "adapter" (service links): set enableServiceLinks: false in the Pod spec, or set ADAPTER_PORT explicitly`
  };
}
function eventList(text) {
  const names = text.split(",").map((name) => name.trim()).filter((name) => name !== "");
  const unknown = names.find((name) => !isEventName(name));
  if (unknown !== void 0) {
    return {
      expected: `a comma-separated list of events, and "${unknown}" is not one of ${EVENT_NAMES.join(", ")}`
    };
  }
  return {
    value: new Set(names.filter(isEventName))
  };
}
function duration(text) {
  const milliseconds = parseTimeSpan(text);
  if (milliseconds === void 0) {
    return {
      expected: 'a systemd time span such as "90", "1.5s", "1min 30s" or "infinity"'
    };
  }
  if (milliseconds === Infinity) return {
    value: 0
  };
  return {
    value: Math.floor(milliseconds * 1e3 + 1e-6) / 1e3
  };
}
function durationOrNever(text) {
  if (parseTimeSpan(text) === Infinity) return {
    value: Infinity
  };
  return duration(text);
}
function socketAddress(text) {
  const expected = `an absolute path to a socket file, or @name, of at most ${SUN_PATH_MAX} bytes, without NUL`;
  const length = new TextEncoder().encode(text).length;
  if (text.includes("\0") || length > SUN_PATH_MAX) return {
    expected
  };
  if (text.startsWith("@") && length > 1) {
    return {
      value: {
        text,
        bindPath: `\0${text.slice(1)}`,
        abstract: true
      }
    };
  }
  const name = text.slice(text.lastIndexOf("/") + 1);
  if (!text.startsWith("/") || name === "" || name === "." || name === "..") return {
    expected
  };
  return {
    value: {
      text,
      bindPath: text,
      abstract: false
    }
  };
}
function isIpLiteral(text) {
  if (IPV4.test(text)) return true;
  if (!text.includes(":") || !/^[0-9A-Fa-f:.]+$/.test(text)) return false;
  try {
    new URL(`http://[${text}]/`);
    return true;
  } catch {
    return false;
  }
}
function ipAddress(text) {
  return isIpLiteral(text) ? {
    value: text
  } : {
    expected: "an IP address such as :: or 0.0.0.0 (not a host name)"
  };
}
function fileMode(text) {
  return /^0?[0-7]{3}$/.test(text) ? {
    value: parseInt(text, 8)
  } : {
    expected: "an octal file mode such as 0666 or 0660"
  };
}
function signalOrNone(text) {
  if (text === "none") return {
    value: null
  };
  const signal = parseSignal(text);
  return signal === void 0 ? {
    expected: "a signal name such as SIGABRT, ABRT or 6, or none"
  } : {
    value: signal
  };
}
function pathOrOff(text) {
  if (text === "") return {
    value: null
  };
  const [root, ...components] = text.split("/");
  const plain = root === "" && components.every((name) => name !== "" && name !== "." && name !== "..");
  return plain && !text.includes("\0") ? {
    value: text
  } : {
    expected: "an absolute file path without empty, . or .. components and without NUL, or nothing to turn it off"
  };
}
var BOOLEAN_WORDS, SERVICE_LINK, SUN_PATH_MAX, IPV4;
var init_setting_values = __esm({
  "lib/core/setting_values.ts"() {
    init_events();
    init_signals();
    init_timespan();
    BOOLEAN_WORDS = {
      true: true,
      "1": true,
      yes: true,
      on: true,
      false: false,
      "0": false,
      no: false,
      off: false
    };
    SERVICE_LINK = /^tcp:\/\/[^/]+:\d+$/;
    SUN_PATH_MAX = 107;
    IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
  }
});

// lib/core/config.ts
function readSetting(setting, values, notUtf8, effective) {
  if (notUtf8.includes(setting.variable)) {
    throw new ConfigError(setting.variable, values[setting.variable] ?? "", NOT_UTF8);
  }
  const text = values[setting.variable] ?? setting.default;
  const parsed = setting.parse(text);
  if ("expected" in parsed) throw new ConfigError(setting.variable, text, parsed.expected);
  effective[setting.variable] = text;
  return parsed.value;
}
function parseConfig(values, notUtf8 = []) {
  const effective = {};
  const read = (key) => readSetting(SETTINGS[key], values, notUtf8, effective);
  const config = {
    notifySocket: read("notifySocket"),
    port: read("port"),
    echo: read("echo"),
    log: read("log"),
    channelSize: read("channelSize"),
    initialLivez: read("initialLivez"),
    initialReadyz: read("initialReadyz"),
    allowMessageWatchdogUsec: read("allowMessageWatchdogUsec"),
    allowMessageExtendTimeoutUsec: read("allowMessageExtendTimeoutUsec"),
    livezTrue: read("livezTrue"),
    livezFalse: read("livezFalse"),
    readyzTrue: read("readyzTrue"),
    readyzFalse: read("readyzFalse"),
    shutdown: read("shutdown"),
    timeoutStartMs: read("timeoutStartMs"),
    watchdogMs: read("watchdogMs"),
    pidFile: read("pidFile"),
    host: read("host"),
    socketMode: read("socketMode"),
    watchdogSignal: read("watchdogSignal"),
    timeoutAbortMs: read("timeoutAbortMs"),
    terminationMessagePath: read("terminationMessagePath")
  };
  const unknown = Object.keys(values).filter((name) => name.startsWith("ADAPTER_") && !VARIABLE_NAMES.includes(name)).sort();
  return {
    config: Object.freeze(config),
    effective: Object.freeze(effective),
    warnings: unknown.map((name) => `Unknown variable ${name} is ignored: is it a typo?`)
  };
}
var SETTINGS, VARIABLE_NAMES, ConfigError, NOT_UTF8;
var init_config = __esm({
  "lib/core/config.ts"() {
    init_setting_values();
    SETTINGS = Object.freeze({
      notifySocket: {
        variable: "NOTIFY_SOCKET",
        default: "/var/run/adapter/adapter.sock",
        meaning: "socket to create: an absolute path, or `@name` for a Linux abstract socket",
        parse: socketAddress
      },
      port: {
        variable: "ADAPTER_PORT",
        default: "8089",
        meaning: "HTTP port (0 = any free port, announced in the log)",
        parse: port
      },
      echo: {
        variable: "ADAPTER_ECHO",
        default: "true",
        meaning: "re-serialise every accepted message line to stdout",
        parse: boolean
      },
      log: {
        variable: "ADAPTER_LOG",
        default: "true",
        meaning: "JSON Lines records on stderr; `false` = nothing at all on stderr",
        parse: boolean
      },
      channelSize: {
        variable: "ADAPTER_CHANNEL_SIZE",
        default: "256",
        meaning: "lines that may wait for each output (stdout, stderr); beyond it lines are dropped",
        parse: integer(1, 1e6)
      },
      initialLivez: {
        variable: "ADAPTER_INITIAL_LIVEZ",
        default: "false",
        meaning: "`/livez` value until an event changes it",
        parse: boolean
      },
      initialReadyz: {
        variable: "ADAPTER_INITIAL_READYZ",
        default: "false",
        meaning: "`/readyz` value until an event changes it",
        parse: boolean
      },
      allowMessageWatchdogUsec: {
        variable: "ADAPTER_ALLOW_MESSAGE_WATCHDOG_USEC",
        default: "true",
        meaning: "honour `WATCHDOG_USEC=`",
        parse: boolean
      },
      allowMessageExtendTimeoutUsec: {
        variable: "ADAPTER_ALLOW_MESSAGE_EXTEND_TIMEOUT_USEC",
        default: "true",
        meaning: "honour `EXTEND_TIMEOUT_USEC=`",
        parse: boolean
      },
      livezTrue: {
        variable: "ADAPTER_STATUS_LIVEZ_TRUE",
        default: "ready,watchdog",
        meaning: "events that set live",
        parse: eventList
      },
      livezFalse: {
        variable: "ADAPTER_STATUS_LIVEZ_FALSE",
        default: "errno,buserror,watchdog_trigger,watchdog_timeout,start_timeout,main_exited",
        meaning: "events that clear live",
        parse: eventList
      },
      readyzTrue: {
        variable: "ADAPTER_STATUS_READYZ_TRUE",
        default: "ready,watchdog",
        meaning: "events that set ready",
        parse: eventList
      },
      readyzFalse: {
        variable: "ADAPTER_STATUS_READYZ_FALSE",
        default: "reloading,stopping,errno,buserror,watchdog_trigger,watchdog_timeout,start_timeout,main_exited",
        meaning: "events that clear ready",
        parse: eventList
      },
      shutdown: {
        variable: "ADAPTER_STATUS_SHUTDOWN",
        default: "",
        meaning: "events that shut the adapter down",
        parse: eventList
      },
      timeoutStartMs: {
        variable: "ADAPTER_UNIT_TIMEOUT_START_SEC",
        default: "90",
        meaning: "like `TimeoutStartSec=`; `0` or `infinity` = off",
        parse: duration
      },
      watchdogMs: {
        variable: "ADAPTER_UNIT_WATCHDOG_SEC",
        default: "0",
        meaning: "like `WatchdogSec=`; `0` or `infinity` = off",
        parse: duration
      },
      pidFile: {
        variable: "ADAPTER_UNIT_PID_FILE",
        default: "",
        meaning: "like `PIDFile=`: the service's PID file, under `/run`, `/var/run` or `/tmp`, whose process is followed as its main process; empty = none",
        parse: pathOrOff
      },
      host: {
        variable: "ADAPTER_HOST",
        default: "::",
        meaning: "HTTP listen address, an IP literal (the default falls back to `0.0.0.0` without IPv6)",
        parse: ipAddress
      },
      socketMode: {
        variable: "ADAPTER_SOCKET_MODE",
        default: "0666",
        meaning: "file mode of a path socket: `0666` lets every user send, `0660` a shared group (in Kubernetes the Pod's `fsGroup`), `0600` the adapter's user only",
        parse: fileMode
      },
      watchdogSignal: {
        variable: "ADAPTER_WATCHDOG_SIGNAL",
        default: "SIGABRT",
        meaning: "wrapper mode: like `WatchdogSignal=`, sent to the service on a watchdog timeout; `none` = off",
        parse: signalOrNone
      },
      timeoutAbortMs: {
        variable: "ADAPTER_TIMEOUT_ABORT_SEC",
        default: "90s",
        meaning: "wrapper mode: like `TimeoutAbortSec=`, SIGKILL this long after the watchdog signal; `0` = at once, `infinity` = never",
        parse: durationOrNever
      },
      terminationMessagePath: {
        variable: "ADAPTER_TERMINATION_MESSAGE_PATH",
        default: "/dev/termination-log",
        meaning: "wrapper mode: termination message file, `/dev/termination-log` or under `/run`, `/var/run`, `/tmp`; empty = off",
        parse: pathOrOff
      }
    });
    VARIABLE_NAMES = Object.freeze(Object.values(SETTINGS).map((setting) => setting.variable));
    ConfigError = class extends Error {
      variable;
      value;
      expected;
      /** Builds the message in the project's form: `Cannot parse NAME "value": expected …`. */
      constructor(variable, value, expected) {
        super(`Cannot parse ${variable} ${JSON.stringify(value)}: expected ${expected}`), this.variable = variable, this.value = value, this.expected = expected;
        this.name = "ConfigError";
      }
    };
    NOT_UTF8 = "valid UTF-8 (the value holds bytes that are not)";
  }
});

// deno.json
var deno_default;
var init_deno = __esm({
  "deno.json"() {
    deno_default = {
      name: "@sd-notify-adapter/sd-notify-adapter",
      version: "0.1.0",
      license: "Apache-2.0",
      exports: "./main.ts",
      unstable: [
        "net"
      ],
      nodeModulesDir: "none",
      lock: {
        frozen: true
      },
      permissions: {
        adapter: {
          env: true,
          net: true,
          read: [
            "/run",
            "/var/run",
            "/tmp"
          ],
          write: [
            "/run",
            "/var/run",
            "/tmp",
            "/dev/termination-log"
          ],
          run: true,
          sys: true,
          ffi: [
            "/lib/x86_64-linux-gnu/libc.so.6",
            "/lib/aarch64-linux-gnu/libc.so.6",
            "/lib64/libc.so.6",
            "/usr/lib64/libc.so.6"
          ]
        }
      },
      tasks: {
        start: "deno run --quiet --no-prompt --v8-flags=--max-semi-space-size=1 -P=adapter build/sd-notify-adapter.js",
        bundle: "deno bundle --quiet --output build/sd-notify-adapter.js main.ts",
        test: "deno run --quiet --allow-all --no-prompt scripts/test_tools.ts && deno test --config tests/deno.json --quiet --allow-all --no-prompt tests/",
        check: "deno fmt --check && deno lint && deno doc --lint main.ts lib/ && deno check main.ts lib/ scripts/ bench/ && deno check --config tests/deno.json tests/ && deno test --doc --quiet --no-prompt lib/ bench/",
        bench: "deno run --quiet --allow-all --no-prompt bench/main.ts",
        compile: "deno run --quiet --no-prompt --allow-read --allow-write=dist --allow-env=DENORT_BIN --allow-run scripts/compile.ts",
        fuzz: "deno run --config tests/deno.json --quiet --allow-all --no-prompt tests/tools/fuzz.ts"
      },
      fmt: {
        lineWidth: 100
      },
      exclude: [
        "dist/",
        "build/"
      ]
    };
  }
});

// lib/core/version.ts
var VERSION;
var init_version = __esm({
  "lib/core/version.ts"() {
    init_deno();
    VERSION = deno_default.version;
  }
});

// lib/shell/environment.ts
function readEnvironment(names) {
  const values = {};
  try {
    Object.assign(values, Deno.env.toObject());
  } catch {
  }
  const notUtf8 = [];
  for (const name of names) {
    try {
      const value = Deno.env.get(name);
      if (value !== void 0) values[name] = value;
    } catch (error) {
      if (!(error instanceof Deno.errors.InvalidData)) throw error;
      notUtf8.push(name);
    }
  }
  return {
    values,
    notUtf8
  };
}
var init_environment = __esm({
  "lib/shell/environment.ts"() {
  }
});

// lib/shell/permissions.ts
function socketPathProblem(text, realPath, state = query) {
  const allowed = [
    "read",
    "write"
  ].every((name) => state({
    name,
    path: realPath
  }) === "granted");
  if (allowed) return void 0;
  const real = realPath === text ? "" : ` (really ${JSON.stringify(realPath)})`;
  return `Cannot use NOTIFY_SOCKET ${JSON.stringify(text)}${real}: the adapter's permissions allow sockets only under ${SOCKET_DIRECTORIES.join(", ")}, or an abstract socket @name`;
}
function terminationPathProblem(path, state = query) {
  if (path === null || state({
    name: "write",
    path
  }) === "granted") return void 0;
  const directories = `${SOCKET_DIRECTORIES.slice(0, -1).join(", ")} or ${SOCKET_DIRECTORIES.at(-1)}`;
  return `Cannot use ADAPTER_TERMINATION_MESSAGE_PATH ${JSON.stringify(path)}: the adapter may write only ${TERMINATION_LOG_PATH} or a file under ${directories}`;
}
function pidFilePathProblem(path, state = query) {
  if (path === null || state({
    name: "read",
    path
  }) === "granted") return void 0;
  return `Cannot use ADAPTER_UNIT_PID_FILE ${JSON.stringify(path)}: the adapter may read only files under ${SOCKET_DIRECTORIES.slice(0, -1).join(", ")} or ${SOCKET_DIRECTORIES.at(-1)}`;
}
function dropPermissions(...names) {
  for (const name of names) Deno.permissions.revokeSync({
    name
  });
}
var SOCKET_DIRECTORIES, TERMINATION_LOG_PATH, LIBC_PATHS, query;
var init_permissions = __esm({
  "lib/shell/permissions.ts"() {
    SOCKET_DIRECTORIES = Object.freeze([
      "/run",
      "/var/run",
      "/tmp"
    ]);
    TERMINATION_LOG_PATH = "/dev/termination-log";
    LIBC_PATHS = Object.freeze([
      "/lib/x86_64-linux-gnu/libc.so.6",
      "/lib/aarch64-linux-gnu/libc.so.6",
      "/lib64/libc.so.6",
      "/usr/lib64/libc.so.6"
    ]);
    query = (descriptor) => Deno.permissions.querySync(descriptor).state;
  }
});

// lib/core/printable.ts
function escapeCodePoint(character) {
  const code = character.codePointAt(0) ?? 0;
  return code < 256 ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`;
}
function printable(text) {
  return MAYBE_UNSAFE.test(text) ? text.replace(UNSAFE_ALL, escapeCodePoint) : text;
}
function echoLine(accepted) {
  return printable(accepted.line);
}
function printableJson(json2) {
  return JSON_UNSAFE.test(json2) ? json2.replace(JSON_UNSAFE_ALL, (character) => `\\u${hex(character.charCodeAt(0), 4)}`) : json2;
}
function cutCodePoints(text, max) {
  if (text.length <= max) return text;
  let units = 0;
  for (let count = 0; count < max && units < text.length; count++) {
    units += (text.codePointAt(units) ?? 0) > 65535 ? 2 : 1;
  }
  return units >= text.length ? text : `${text.slice(0, units)}\u2026`;
}
function fitUtf8(text, maxBytes) {
  const { read } = encoder.encodeInto(text, new Uint8Array(maxBytes));
  return read >= text.length ? text : text.slice(0, read);
}
var UNSAFE_ALL, MAYBE_UNSAFE, JSON_UNSAFE, JSON_UNSAFE_ALL, hex, encoder;
var init_printable = __esm({
  "lib/core/printable.ts"() {
    UNSAFE_ALL = /[\0-\x08\n-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069\ud800-\udfff]/gu;
    MAYBE_UNSAFE = new RegExp(UNSAFE_ALL.source);
    JSON_UNSAFE = /[\x7f-\x9f\u2028-\u202e\u2066-\u2069]/;
    JSON_UNSAFE_ALL = new RegExp(JSON_UNSAFE.source, "g");
    hex = (code, digits) => code.toString(16).padStart(digits, "0");
    encoder = new TextEncoder();
  }
});

// lib/core/timestamp.ts
function rfc3339(wallMilliseconds) {
  const ms = Math.trunc(wallMilliseconds);
  const days = Math.floor(ms / MS_PER_DAY);
  let rest = ms - days * MS_PER_DAY;
  const [year, month, day] = civilFromDays(days);
  const hours = Math.floor(rest / 36e5);
  rest -= hours * 36e5;
  const minutes = Math.floor(rest / 6e4);
  rest -= minutes * 6e4;
  const seconds2 = Math.floor(rest / 1e3);
  return `${four(year)}-${two(month)}-${two(day)}T${two(hours)}:${two(minutes)}:${two(seconds2)}.${three(rest - seconds2 * 1e3)}+00:00`;
}
function httpDate(wallMilliseconds) {
  const seconds2 = Math.floor(wallMilliseconds / 1e3);
  const days = Math.floor(seconds2 / 86400);
  const rest = seconds2 - days * 86400;
  const [year, month, day] = civilFromDays(days);
  const weekday = WEEKDAYS[((days + 4) % 7 + 7) % 7];
  return `${weekday}, ${two(day)} ${MONTHS[month - 1]} ${four(year)} ${two(Math.floor(rest / 3600))}:${two(Math.floor(rest / 60) % 60)}:${two(rest % 60)} GMT`;
}
function civilFromDays(days) {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [
    yoe + era * 400 + (month <= 2 ? 1 : 0),
    month,
    day
  ];
}
var MS_PER_DAY, TWO_DIGITS, two, three, four, WEEKDAYS, MONTHS;
var init_timestamp = __esm({
  "lib/core/timestamp.ts"() {
    MS_PER_DAY = 864e5;
    TWO_DIGITS = Array.from({
      length: 100
    }, (_, n) => String.fromCharCode(48 + Math.floor(n / 10), 48 + n % 10));
    two = (n) => TWO_DIGITS[n];
    three = (n) => String.fromCharCode(48 + Math.floor(n / 100)) + TWO_DIGITS[n % 100];
    four = (n) => TWO_DIGITS[Math.floor(n / 100)] + TWO_DIGITS[n % 100];
    WEEKDAYS = [
      "Sun",
      "Mon",
      "Tue",
      "Wed",
      "Thu",
      "Fri",
      "Sat"
    ];
    MONTHS = [
      "Jan",
      "Feb",
      "Mar",
      "Apr",
      "May",
      "Jun",
      "Jul",
      "Aug",
      "Sep",
      "Oct",
      "Nov",
      "Dec"
    ];
  }
});

// lib/core/json_line.ts
function formatJsonLine(wallMs, level, message, fields) {
  if ("timestamp" in fields || "level" in fields || "message" in fields) {
    return printableJson(JSON.stringify({
      timestamp: rfc3339(wallMs),
      level,
      message,
      ...fields
    })) + "\n";
  }
  const head = `{"timestamp":"${rfc3339(wallMs)}","level":"${level}","message":${printableJson(JSON.stringify(message))}`;
  const rest = printableJson(JSON.stringify(fields));
  return rest === "{}" ? `${head}}
` : `${head},${rest.slice(1)}
`;
}
var init_json_line = __esm({
  "lib/core/json_line.ts"() {
    init_printable();
    init_timestamp();
  }
});

// lib/shell/schedule.ts
function hold(timer) {
  if (timer.held) return;
  timer.held = true;
  timer.signal.addEventListener("abort", timer.onAbort, {
    once: true
  });
}
function release(timer) {
  if (!timer.held) return;
  timer.held = false;
  timer.signal.removeEventListener("abort", timer.onAbort);
}
function fired(timer) {
  timer.held = false;
  if (armed === timer) armed = void 0;
  const now = performance.now();
  while (queue.length > 0 && (queue[0].cancelled || queue[0].at <= now)) {
    const entry = queue.shift();
    if (entry.cancelled) continue;
    try {
      entry.fire();
    } catch (error) {
      reportError(error);
    }
  }
  arm();
}
function arm() {
  while (queue.length > 0 && queue[0].cancelled) queue.shift();
  if (queue.length === 0) return;
  const at = queue[0].at;
  if (armed?.signal.aborted) armed = void 0;
  if (armed !== void 0 && armed.at <= at) return hold(armed);
  if (armed !== void 0) release(armed);
  const signal = AbortSignal.timeout(Math.max(0, Math.ceil(at - performance.now())));
  const timer = {
    at,
    signal,
    onAbort: () => fired(timer),
    held: false
  };
  armed = timer;
  hold(timer);
}
function sleep(delayMs) {
  return new Promise((resolve) => schedule(delayMs, resolve));
}
var queue, armed, schedule;
var init_schedule = __esm({
  "lib/shell/schedule.ts"() {
    queue = [];
    schedule = (delayMs, fire) => {
      const entry = {
        at: performance.now() + delayMs,
        fire,
        cancelled: false
      };
      let index = queue.length;
      while (index > 0 && queue[index - 1].at > entry.at) index--;
      queue.splice(index, 0, entry);
      arm();
      return () => {
        if (entry.cancelled) return;
        entry.cancelled = true;
        while (queue.length > 0 && queue[queue.length - 1].cancelled) queue.pop();
        if (queue.length === 0 && armed !== void 0) release(armed);
      };
    };
  }
});

// lib/shell/startup_failure.ts
async function writeAll(bytes) {
  while (bytes.length > 0) bytes = bytes.subarray(await Deno.stderr.write(bytes));
}
async function fail(message, exitStatus2, fields = {}, pending = Promise.resolve()) {
  const line = formatJsonLine(Date.now(), "error", message, {
    ...fields,
    exitStatus: exitStatus2
  });
  const written = pending.then(() => writeAll(new TextEncoder().encode(line)));
  await Promise.race([
    written.catch(() => {
    }),
    sleep(WRITE_BUDGET_MS)
  ]);
  Deno.exit(exitStatus2);
}
var StartupError, WRITE_BUDGET_MS;
var init_startup_failure = __esm({
  "lib/shell/startup_failure.ts"() {
    init_json_line();
    init_schedule();
    StartupError = class extends Error {
      exitStatus;
      fields;
      pending;
      /**
       * `exitStatus` follows behaviour §7.4: 2 for configuration, 1 for the rest; `pending` is
       * the adapter's log still being written, which the failure's record must follow.
       */
      constructor(message, exitStatus2, fields = {}, pending = Promise.resolve()) {
        super(message), this.exitStatus = exitStatus2, this.fields = fields, this.pending = pending;
        this.name = "StartupError";
      }
    };
    WRITE_BUDGET_MS = 1e3;
  }
});

// lib/core/error_text.ts
function errorText(error) {
  return error instanceof Error ? error.message : String(error);
}
var init_error_text = __esm({
  "lib/core/error_text.ts"() {
  }
});

// lib/shell/logging.ts
function createLogger(sink, wallClock = Date.now) {
  let last = {
    wallMs: Number.NaN,
    level: "",
    message: "",
    fields: {},
    line: ""
  };
  return {
    log(level, message, fields) {
      const wallMs = wallClock();
      if (wallMs !== last.wallMs || fields !== last.fields || message !== last.message || level !== last.level || !Object.isFrozen(fields)) {
        last = {
          wallMs,
          level,
          message,
          fields,
          line: formatJsonLine(wallMs, level, message, fields)
        };
      }
      sink.write(last.line);
    }
  };
}
var SILENT;
var init_logging = __esm({
  "lib/shell/logging.ts"() {
    init_json_line();
    init_error_text();
    SILENT = Object.freeze({
      log: () => {
      }
    });
  }
});

// lib/core/counters.ts
function zeros(keys) {
  return Object.fromEntries(keys.map((key) => [
    key,
    0
  ]));
}
function emptyCounters() {
  return {
    datagrams: 0,
    lines: zeros([
      ...Object.keys(WELL_KNOWN_ASSIGNMENTS),
      EXTENSION_KEY
    ]),
    events: zeros(EVENT_NAMES),
    rejected: zeros(REJECTION_REASONS)
  };
}
function countMessage(counters, message) {
  let { lines, rejected } = counters;
  if (message.accepted.length > 0) {
    const next = {
      ...lines
    };
    for (const { key } of message.accepted) {
      const bucket = key in next ? key : EXTENSION_KEY;
      next[bucket]++;
    }
    lines = next;
  }
  if (message.rejected.length > 0) {
    const next = {
      ...rejected
    };
    for (const { reason } of message.rejected) next[reason]++;
    rejected = next;
  }
  return {
    ...counters,
    datagrams: counters.datagrams + 1,
    lines,
    rejected
  };
}
function countPing(counters) {
  const { lines, events: events2 } = counters;
  return {
    datagrams: counters.datagrams + 1,
    lines: {
      ...lines,
      WATCHDOG: lines.WATCHDOG + 1
    },
    events: {
      ...events2,
      watchdog: events2.watchdog + 1
    },
    rejected: counters.rejected
  };
}
function countEvents(counters, events2) {
  const next = {
    ...counters.events
  };
  for (const event of events2) next[event]++;
  return {
    ...counters,
    events: next
  };
}
function total(counts) {
  let sum = 0;
  for (const key in counts) sum += counts[key];
  return sum;
}
var REJECTION_REASONS, EXTENSION_KEY;
var init_counters = __esm({
  "lib/core/counters.ts"() {
    init_assignments();
    init_events();
    REJECTION_REASONS = Object.freeze([
      "oversize",
      "nul_byte",
      "barrier_with_other_lines",
      "invalid_utf8",
      "no_equals",
      "unknown_key",
      "invalid_value",
      "duplicate_key"
    ]);
    EXTENSION_KEY = "X_*";
  }
});

// lib/core/draft.ts
function draftOf(state, now) {
  return {
    config: state.config,
    command: state.command,
    phase: state.phase,
    healthz: state.healthz,
    livez: state.livez,
    readyz: state.readyz,
    startedAtMs: state.startedAtMs,
    earlyStop: state.earlyStop,
    readySeen: state.readySeen,
    startDeadlineMs: state.startDeadlineMs,
    watchdogTimeoutMs: state.watchdogTimeoutMs,
    watchdogDeadlineMs: state.watchdogDeadlineMs,
    statusText: state.statusText,
    mainPid: state.mainPid,
    exitStatus: state.exitStatus,
    errno: state.errno,
    busError: state.busError,
    lastEvent: state.lastEvent,
    lastFailure: state.lastFailure,
    mainProcess: state.mainProcess,
    abort: state.abort,
    adapterPid: state.adapterPid,
    learnedMain: state.learnedMain,
    lastUnseen: state.lastUnseen,
    warnedUnseen: state.warnedUnseen,
    pidFileProblem: state.pidFileProblem,
    ending: state.ending,
    counters: state.counters,
    watchdogMargin: state.watchdogMargin,
    now,
    events: [],
    effects: []
  };
}
function stateOf(draft) {
  return copyOf(draft);
}
function copyOf(source) {
  return {
    config: source.config,
    command: source.command,
    phase: source.phase,
    healthz: source.healthz,
    livez: source.livez,
    readyz: source.readyz,
    startedAtMs: source.startedAtMs,
    earlyStop: source.earlyStop,
    readySeen: source.readySeen,
    startDeadlineMs: source.startDeadlineMs,
    watchdogTimeoutMs: source.watchdogTimeoutMs,
    watchdogDeadlineMs: source.watchdogDeadlineMs,
    statusText: source.statusText,
    mainPid: source.mainPid,
    exitStatus: source.exitStatus,
    errno: source.errno,
    busError: source.busError,
    lastEvent: source.lastEvent,
    lastFailure: source.lastFailure,
    mainProcess: source.mainProcess,
    abort: source.abort,
    adapterPid: source.adapterPid,
    learnedMain: source.learnedMain,
    lastUnseen: source.lastUnseen,
    warnedUnseen: source.warnedUnseen,
    pidFileProblem: source.pidFileProblem,
    ending: source.ending,
    counters: source.counters,
    watchdogMargin: source.watchdogMargin
  };
}
function log(draft, level, message, fields) {
  draft.effects.push({
    kind: "log",
    level,
    message,
    fields
  });
}
var init_draft = __esm({
  "lib/core/draft.ts"() {
  }
});

// lib/core/process_end.ts
function processEnd(code, signal) {
  if (signal === null) return {
    kind: "exited",
    code
  };
  return {
    kind: "killed",
    signal: SIGNAL_NUMBERS[signal] ?? code - 128
  };
}
function exitStatusOf(end) {
  return end.kind === "exited" ? end.code : 128 + end.signal;
}
function endReason(end) {
  return end.kind === "exited" ? `child exited with status ${end.code}` : `child killed by ${signalName(end.signal)}`;
}
function describeEnd(end) {
  return end.kind === "exited" ? `exited with status ${end.code}` : `ended by ${signalName(end.signal)} (exit status ${exitStatusOf(end)})`;
}
var init_process_end = __esm({
  "lib/core/process_end.ts"() {
    init_signals();
  }
});

// lib/core/main_process.ts
function waitingMainProcess() {
  return {
    phase: "waiting",
    pendingSignals: []
  };
}
function sigkillAtMs(main) {
  return main.phase === "running" ? main.sigkillAtMs : null;
}
function mayRun(main) {
  return main !== null && (main.phase === "spawning" || main.phase === "running");
}
function followedMainProcess(state) {
  if (state.learnedMain !== null) return state.learnedMain;
  const main = state.mainProcess;
  return main?.phase === "running" ? {
    pid: main.pid,
    origin: "child"
  } : null;
}
function requestSpawn(draft) {
  const main = draft.mainProcess;
  if (main?.phase !== "waiting" || draft.command === null) return;
  draft.mainProcess = {
    phase: "spawning",
    pendingSignals: main.pendingSignals
  };
  draft.effects.push({
    kind: "spawn",
    command: draft.command
  });
}
function sendSignal(draft, pid2, sent, level, message, reason, logged) {
  log(draft, level, message, logged ? {
    pid: pid2,
    signal: sent,
    reason
  } : {
    pid: pid2,
    signal: sent
  });
  draft.effects.push({
    kind: "signalChild",
    signal: sent,
    reason
  });
}
function spawned(draft, pid2) {
  const main = draft.mainProcess;
  if (main?.phase !== "spawning") return;
  draft.mainProcess = {
    phase: "running",
    pid: pid2,
    sigkillAtMs: null
  };
  const [program, ...args] = draft.command ?? [];
  log(draft, "info", "Child started", {
    command: program,
    args,
    pid: pid2
  });
  for (const pending of main.pendingSignals) forwardSignal(draft, pending);
  if (draft.phase === "stopping") stopMainProcess(draft);
}
function spawnFailed(draft, exitStatus2, reason) {
  if (draft.mainProcess?.phase !== "spawning") return;
  draft.mainProcess = {
    phase: "failed",
    exitStatus: exitStatus2,
    reason
  };
  log(draft, "error", reason, {
    command: draft.command?.[0],
    exitStatus: exitStatus2
  });
}
function exited(draft, pid2, end) {
  const main = draft.mainProcess;
  if (main?.phase !== "running" || main.pid !== pid2) return false;
  draft.mainProcess = {
    phase: "ended",
    pid: pid2,
    end
  };
  const exitStatus2 = exitStatusOf(end);
  log(draft, exitStatus2 === 0 ? "info" : "warning", "Child exited", {
    pid: pid2,
    code: end.kind === "exited" ? end.code : null,
    signal: end.kind === "killed" ? signalName(end.signal) : null,
    exitStatus: exitStatus2
  });
  return true;
}
function forwardSignal(draft, sent) {
  const main = draft.mainProcess;
  if (main?.phase === "running") {
    sendSignal(draft, main.pid, sent, "info", "Signal forwarded", "forwarded", false);
  } else if (main?.phase === "waiting" || main?.phase === "spawning") {
    if (!main.pendingSignals.includes(sent)) {
      draft.mainProcess = {
        ...main,
        pendingSignals: [
          ...main.pendingSignals,
          sent
        ]
      };
    }
  } else {
    log(draft, "info", "Signal ignored", {
      signal: sent
    });
  }
}
function stopMainProcess(draft) {
  const main = draft.mainProcess;
  if (main?.phase !== "running") return;
  draft.mainProcess = {
    ...main,
    sigkillAtMs: draft.now + STOP_GRACE_MS
  };
  sendSignal(draft, main.pid, "SIGTERM", "info", "Stopping child", "shutdown", false);
}
function expireSigkill(draft) {
  const main = draft.mainProcess;
  if (main?.phase !== "running" || main.sigkillAtMs === null) return;
  if (draft.now < main.sigkillAtMs) return;
  draft.mainProcess = {
    ...main,
    sigkillAtMs: null
  };
  if (draft.phase === "running" && draft.abort !== null) {
    const reason = `no exit within ADAPTER_TIMEOUT_ABORT_SEC after ${draft.abort.signal}`;
    sendSignal(draft, main.pid, "SIGKILL", "warning", "Killing child", reason, true);
  } else {
    sendSignal(draft, main.pid, "SIGKILL", "warning", "Stopping child", "shutdown", false);
  }
}
function giveUpMainProcess(draft) {
  const main = draft.mainProcess;
  if (main?.phase !== "running") return;
  draft.mainProcess = {
    phase: "lost",
    pid: main.pid
  };
  log(draft, "error", "Child not reported as ended: exiting without it", {
    pid: main.pid
  });
}
var STOP_GRACE_MS;
var init_main_process = __esm({
  "lib/core/main_process.ts"() {
    init_draft();
    init_process_end();
    init_signals();
    STOP_GRACE_MS = 1e3;
  }
});

// lib/core/watchdog_margin.ts
function observeRatio(histogram, ratio) {
  let bucket = 0;
  while (bucket < WATCHDOG_RATIO_BOUNDS.length && ratio > WATCHDOG_RATIO_BOUNDS[bucket]) bucket++;
  const counts = histogram.counts.slice();
  counts[bucket]++;
  return {
    counts,
    sum: histogram.sum + ratio
  };
}
function observeWatchdogPing(target, now) {
  const { watchdogTimeoutMs: timeoutMs, watchdogDeadlineMs: deadline, watchdogMargin } = target;
  if (timeoutMs === 0) return;
  const { since } = watchdogMargin;
  if (since === null) {
    target.watchdogMargin = {
      ...watchdogMargin,
      since: now
    };
    return;
  }
  const intervalMs = now - since;
  const marginMs = deadline === null ? 0 : Math.max(0, deadline - now);
  target.watchdogMargin = {
    since: now,
    last: {
      intervalMs,
      marginMs,
      timeoutMs
    },
    interval: observeRatio(watchdogMargin.interval, intervalMs / timeoutMs),
    margin: observeRatio(watchdogMargin.margin, marginMs / timeoutMs)
  };
}
function measureFromNow(draft) {
  const since = draft.watchdogTimeoutMs === 0 ? null : draft.now;
  if (draft.watchdogMargin.since !== since) {
    draft.watchdogMargin = {
      ...draft.watchdogMargin,
      since
    };
  }
}
function stopMeasuring(draft) {
  if (draft.watchdogMargin.since !== null) {
    draft.watchdogMargin = {
      ...draft.watchdogMargin,
      since: null
    };
  }
}
var WATCHDOG_RATIO_BOUNDS, EMPTY_HISTOGRAM, NO_WATCHDOG_MARGIN;
var init_watchdog_margin = __esm({
  "lib/core/watchdog_margin.ts"() {
    WATCHDOG_RATIO_BOUNDS = [
      0,
      0.05,
      0.1,
      0.25,
      0.5,
      0.75,
      0.9,
      0.95,
      1
    ];
    EMPTY_HISTOGRAM = Object.freeze({
      counts: WATCHDOG_RATIO_BOUNDS.map(() => 0).concat(0),
      sum: 0
    });
    NO_WATCHDOG_MARGIN = Object.freeze({
      since: null,
      last: null,
      interval: EMPTY_HISTOGRAM,
      margin: EMPTY_HISTOGRAM
    });
  }
});

// lib/core/metrics.ts
function labelSet(label, value) {
  let byValue = labelSets.get(label);
  if (byValue === void 0) labelSets.set(label, byValue = /* @__PURE__ */ new Map());
  let text = byValue.get(value);
  if (text === void 0) byValue.set(value, text = `{${label}="${escapeLabel(value)}"}`);
  return text;
}
function histogramSamples(emit, histogram) {
  let count = 0;
  histogram.counts.forEach((observations, bucket) => {
    count += observations;
    emit(BUCKET_LABELS[bucket], count, "_bucket");
  });
  emit("", histogram.sum, "_sum");
  emit("", count, "_count");
}
function escapeLabel(value) {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}
function renderMetrics(state, clock, dropped = NO_DROPPED_LINES) {
  let text = "";
  let name = "";
  const emit = (labels, value, suffix = "") => {
    text += `${name}${suffix}${labels} ${JSON.stringify(value)}
`;
  };
  for (let index = 0; index < FAMILIES.length; index++) {
    name = NAMES[index];
    text += HEADERS[index];
    FAMILIES[index].samples(emit, state, clock, dropped);
  }
  return text;
}
var METRIC_PREFIX, METRICS_CONTENT_TYPE, NO_DROPPED_LINES, labelSets, labelled, flag, secondsUntil, BUCKET_LABELS, FAMILIES, NAMES, HEADERS;
var init_metrics = __esm({
  "lib/core/metrics.ts"() {
    init_version();
    init_watchdog_margin();
    METRIC_PREFIX = "sd_notify_adapter_";
    METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    NO_DROPPED_LINES = Object.freeze({
      stdout: 0,
      stderr: 0
    });
    labelSets = /* @__PURE__ */ new Map();
    labelled = (emit, label, counts) => {
      for (const value in counts) emit(labelSet(label, value), counts[value]);
    };
    flag = (emit, value) => emit("", value ? 1 : 0);
    secondsUntil = (emit, deadline, clock) => {
      if (deadline !== null) emit("", Math.max(0, deadline - clock.monotonic) / 1e3);
    };
    BUCKET_LABELS = [
      ...WATCHDOG_RATIO_BOUNDS.map(String),
      "+Inf"
    ].map((le) => labelSet("le", le));
    FAMILIES = Object.freeze([
      {
        name: "info",
        type: "gauge",
        help: "Always 1; the version label says which adapter answers.",
        samples: (emit) => emit(labelSet("version", VERSION), 1)
      },
      {
        name: "start_time_seconds",
        type: "gauge",
        help: "Unix time at which the adapter became healthy (socket bound, HTTP listening).",
        samples: (emit, state, clock) => {
          if (state.startedAtMs !== null) {
            emit("", Math.round(clock.origin + state.startedAtMs) / 1e3);
          }
        }
      },
      {
        name: "datagrams_total",
        type: "counter",
        help: "Datagrams received on NOTIFY_SOCKET.",
        samples: (emit, state) => emit("", state.counters.datagrams)
      },
      {
        name: "lines_total",
        type: "counter",
        help: "Accepted message lines by key (X_* for every extension key).",
        samples: (emit, state) => labelled(emit, "key", state.counters.lines)
      },
      {
        name: "events_total",
        type: "counter",
        help: "Events by name.",
        samples: (emit, state) => labelled(emit, "event", state.counters.events)
      },
      {
        name: "rejected_total",
        type: "counter",
        help: "Rejected input (whole datagrams or lines) by reason.",
        samples: (emit, state) => labelled(emit, "reason", state.counters.rejected)
      },
      {
        name: "output_dropped_lines_total",
        type: "counter",
        help: "Echo (stdout) and log (stderr) lines dropped because the output did not keep up.",
        samples: (emit, _state, _clock, dropped) => {
          emit(labelSet("output", "stdout"), dropped.stdout);
          emit(labelSet("output", "stderr"), dropped.stderr);
        }
      },
      {
        name: "healthz",
        type: "gauge",
        help: "1 when /healthz answers 200.",
        samples: (emit, state) => flag(emit, state.healthz)
      },
      {
        name: "livez",
        type: "gauge",
        help: "1 when /livez answers 200.",
        samples: (emit, state) => flag(emit, state.livez)
      },
      {
        name: "readyz",
        type: "gauge",
        help: "1 when /readyz answers 200.",
        samples: (emit, state) => flag(emit, state.readyz)
      },
      {
        name: "watchdog_timeout_seconds",
        type: "gauge",
        help: "The watchdog timeout in force; 0 when there is no watchdog.",
        samples: (emit, state) => emit("", state.watchdogTimeoutMs / 1e3)
      },
      {
        name: "watchdog_deadline_seconds",
        type: "gauge",
        help: "Seconds until the watchdog expires; absent while it is not armed.",
        samples: (emit, state, clock) => secondsUntil(emit, state.watchdogDeadlineMs, clock)
      },
      {
        name: "watchdog_ping_interval_ratio",
        type: "histogram",
        help: "At each measured WATCHDOG=1, the time since the watchdog last started (the previous ping, or the READY=1 or WATCHDOG_USEC= that armed it), over the timeout.",
        samples: (emit, state) => histogramSamples(emit, state.watchdogMargin.interval)
      },
      {
        name: "watchdog_margin_ratio",
        type: "histogram",
        help: "At each measured WATCHDOG=1, the time that was left before the watchdog deadline, over the timeout; 0 when the deadline had passed.",
        samples: (emit, state) => histogramSamples(emit, state.watchdogMargin.margin)
      },
      {
        name: "start_deadline_seconds",
        type: "gauge",
        help: "Seconds until the start timeout; absent once READY=1 came or with no start timeout.",
        samples: (emit, state, clock) => secondsUntil(emit, state.startDeadlineMs, clock)
      }
    ]);
    NAMES = FAMILIES.map((family) => METRIC_PREFIX + family.name);
    HEADERS = FAMILIES.map(({ help, type }, index) => `# HELP ${NAMES[index]} ${help}
# TYPE ${NAMES[index]} ${type}
`);
  }
});

// lib/core/request_path.ts
function requestPath(target) {
  let pathStart = 0;
  if (target[0] !== "/") {
    const schemeEnd = target.indexOf("://");
    if (schemeEnd === -1) return target;
    pathStart = schemeEnd + 3;
    while (pathStart < target.length && !"/?#".includes(target[pathStart])) pathStart++;
    if (target[pathStart] !== "/") return "/";
  }
  let end = pathStart;
  while (end < target.length && target[end] !== "?" && target[end] !== "#") end++;
  return pathStart === 0 && end === target.length ? target : target.slice(pathStart, end);
}
var init_request_path = __esm({
  "lib/core/request_path.ts"() {
  }
});

// lib/core/http_handler.ts
function json(body, status, headers = JSON_HEADERS) {
  return {
    status,
    headers,
    body: JSON.stringify(body)
  };
}
function probeBody(state, clock) {
  return {
    timestamp: rfc3339(clock.wall),
    healthz: state.healthz,
    livez: state.livez,
    readyz: state.readyz
  };
}
function statusBody(state, clock, dropped) {
  const { counters } = state;
  return {
    ...probeBody(state, clock),
    version: VERSION,
    uptimeSeconds: state.startedAtMs === null ? 0 : roundedSeconds(clock.monotonic - state.startedAtMs),
    statusText: state.statusText,
    mainPid: state.mainPid,
    mainProcess: {
      ...followedMainProcess(state) ?? {
        pid: null,
        origin: null
      },
      exits: state.counters.events.main_exited
    },
    errno: state.errno,
    busError: state.busError,
    exitStatus: state.exitStatus,
    lastEvent: state.lastEvent === null ? null : {
      name: state.lastEvent.name,
      timestamp: rfc3339(clock.wall - (clock.monotonic - state.lastEvent.atMs))
    },
    watchdog: {
      enabled: state.watchdogTimeoutMs > 0,
      timeoutSeconds: seconds(state.watchdogTimeoutMs),
      armed: state.watchdogDeadlineMs !== null,
      secondsUntilDeadline: secondsUntil2(state.watchdogDeadlineMs, clock),
      lastPing: lastPing(state.watchdogMargin.last)
    },
    startTimer: {
      pending: state.startDeadlineMs !== null,
      secondsUntilDeadline: secondsUntil2(state.startDeadlineMs, clock)
    },
    counters: {
      datagrams: counters.datagrams,
      lines: total(counters.lines),
      events: total(counters.events),
      rejected: total(counters.rejected),
      linesByKey: counters.lines,
      eventsByName: counters.events,
      rejectedByReason: counters.rejected,
      droppedOutputLines: dropped
    }
  };
}
function handleRequest(request, state, clock, dropped = NO_DROPPED_LINES) {
  const path = requestPath(request.target);
  const route = Object.hasOwn(ROUTES, path) ? ROUTES[path] : void 0;
  if (route === void 0) return json({
    error: "Not found",
    path
  }, 404);
  if (request.method !== "GET" && request.method !== "HEAD") {
    return json({
      error: "Method not allowed",
      method: request.method
    }, 405, METHOD_NOT_ALLOWED_HEADERS);
  }
  return route(state, clock, dropped);
}
function refusal(status) {
  return json({
    error: REFUSALS[status] ?? "Bad request"
  }, status);
}
var JSON_HEADERS, METHOD_NOT_ALLOWED_HEADERS, METRICS_HEADERS, seconds, roundedSeconds, secondsUntil2, rounded, lastPing, probe, ROUTES, REFUSALS;
var init_http_handler = __esm({
  "lib/core/http_handler.ts"() {
    init_counters();
    init_main_process();
    init_metrics();
    init_probes();
    init_request_path();
    init_timestamp();
    init_version();
    JSON_HEADERS = Object.freeze({
      "content-type": "application/json",
      "cache-control": "no-store"
    });
    METHOD_NOT_ALLOWED_HEADERS = Object.freeze({
      ...JSON_HEADERS,
      allow: "GET, HEAD"
    });
    METRICS_HEADERS = Object.freeze({
      "content-type": METRICS_CONTENT_TYPE,
      "cache-control": "no-store"
    });
    seconds = (milliseconds) => milliseconds / 1e3;
    roundedSeconds = (milliseconds) => Math.round(milliseconds) / 1e3;
    secondsUntil2 = (deadline, clock) => deadline === null ? null : seconds(Math.max(0, deadline - clock.monotonic));
    rounded = (ratio) => Math.round(ratio * 1e4) / 1e4;
    lastPing = (ping) => ping === null ? null : {
      intervalSeconds: roundedSeconds(ping.intervalMs),
      marginSeconds: roundedSeconds(ping.marginMs),
      intervalRatio: rounded(ping.intervalMs / ping.timeoutMs),
      marginRatio: rounded(ping.marginMs / ping.timeoutMs)
    };
    probe = (name) => (state, clock) => json(probeBody(state, clock), state[name] ? 200 : 503);
    ROUTES = Object.freeze({
      ...Object.fromEntries(PROBE_NAMES.map((name) => [
        `/${name}`,
        probe(name)
      ])),
      "/status": (state, clock, dropped) => json(statusBody(state, clock, dropped), 200),
      "/metrics": (state, clock, dropped) => ({
        status: 200,
        headers: METRICS_HEADERS,
        body: renderMetrics(state, clock, dropped)
      })
    });
    REFUSALS = Object.freeze({
      400: "Bad request",
      414: "Request target too long",
      431: "Request header too large",
      500: "Internal error",
      505: "HTTP version not supported"
    });
  }
});

// lib/core/notify_message.ts
function excerptOf(text) {
  return text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH)}\u2026` : text;
}
function excerptOfBytes(bytes) {
  return excerptOf(lenientDecoder.decode(bytes.subarray(0, EXCERPT_LENGTH * 4)));
}
function rejectWhole(reason, bytes) {
  return {
    accepted: NOTHING,
    rejected: [
      {
        reason,
        excerpt: excerptOfBytes(bytes)
      }
    ]
  };
}
function asciiText(bytes) {
  if (bytes.length > ASCII_FAST_PATH_MAX) return void 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] > 127) return void 0;
  return Reflect.apply(String.fromCharCode, null, bytes);
}
function splitLines(bytes) {
  try {
    const text = asciiText(bytes) ?? strictDecoder.decode(bytes);
    return LINE_BREAK.test(text) ? text.split(LINE_BREAK) : [
      text
    ];
  } catch {
  }
  const lines = [];
  let start2 = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== LF && bytes[i] !== CR) continue;
    const lineBytes = bytes.subarray(start2, i);
    try {
      lines.push(strictDecoder.decode(lineBytes));
    } catch {
      lines.push({
        excerpt: excerptOfBytes(lineBytes)
      });
    }
    start2 = i + 1;
  }
  return lines;
}
function parseNotifyMessage(datagram) {
  if (datagram.length > NOTIFY_BUFFER_MAX) return rejectWhole("oversize", datagram);
  const bytes = datagram.length > 0 && datagram[datagram.length - 1] === NUL ? datagram.subarray(0, datagram.length - 1) : datagram;
  if (bytes.indexOf(NUL) !== -1) return rejectWhole("nul_byte", datagram);
  const lines = splitLines(bytes).filter((line) => line !== "");
  if (lines.length > 1 && lines.includes("BARRIER=1")) {
    return rejectWhole("barrier_with_other_lines", bytes);
  }
  const acceptedLines = [];
  let rejected;
  let seenKeys;
  const reject = (reason, excerpt) => (rejected ??= []).push({
    reason,
    excerpt: excerptOf(excerpt)
  });
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (typeof line !== "string") {
      reject("invalid_utf8", line.excerpt);
      continue;
    }
    const equals = line.indexOf("=");
    if (equals === -1) {
      reject("no_equals", line);
      continue;
    }
    const key = line.slice(0, equals);
    if (lines.length > 1) {
      seenKeys ??= /* @__PURE__ */ new Set();
      if (seenKeys.has(key)) {
        reject("duplicate_key", line);
        continue;
      }
      seenKeys.add(key);
    }
    const accepted = acceptLine(key, line.slice(equals + 1), line);
    if (typeof accepted === "string") reject(accepted, line);
    else acceptedLines.push(accepted);
  }
  return {
    accepted: acceptedLines,
    rejected: rejected ?? NOTHING
  };
}
function memoizedParser() {
  let lastBytes = new Uint8Array(0);
  let lastMessage;
  return (datagram) => {
    if (lastMessage !== void 0 && sameBytes(datagram, lastBytes)) return lastMessage;
    const message = parseNotifyMessage(datagram);
    if (datagram.length > MEMO_MAX) return message;
    lastBytes = datagram.slice();
    lastMessage = deepFreeze(message);
    return message;
  };
}
function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
function deepFreeze(message) {
  for (const line of message.accepted) Object.freeze(line);
  for (const rejection of message.rejected) Object.freeze(rejection);
  Object.freeze(message.accepted);
  Object.freeze(message.rejected);
  return Object.freeze(message);
}
var NOTIFY_BUFFER_MAX, EXCERPT_LENGTH, NUL, LF, CR, strictDecoder, lenientDecoder, NOTHING, ASCII_FAST_PATH_MAX, LINE_BREAK, MEMO_MAX;
var init_notify_message = __esm({
  "lib/core/notify_message.ts"() {
    init_assignments();
    NOTIFY_BUFFER_MAX = 4096;
    EXCERPT_LENGTH = 64;
    NUL = 0;
    LF = 10;
    CR = 13;
    strictDecoder = new TextDecoder("utf-8", {
      fatal: true,
      ignoreBOM: true
    });
    lenientDecoder = new TextDecoder("utf-8", {
      ignoreBOM: true
    });
    NOTHING = Object.freeze([]);
    ASCII_FAST_PATH_MAX = 256;
    LINE_BREAK = /[\n\r]/;
    MEMO_MAX = 256;
  }
});

// lib/core/extend_timeout.ts
function extendTimeout(draft, usec) {
  if (!draft.config.allowMessageExtendTimeoutUsec) {
    log(draft, "info", "Assignment ignored by configuration", {
      key: "EXTEND_TIMEOUT_USEC",
      variable: "ADAPTER_ALLOW_MESSAGE_EXTEND_TIMEOUT_USEC"
    });
    return;
  }
  if (usec === 0 || usec === Infinity) return;
  const extended = draft.now + usec / 1e3;
  if (draft.startDeadlineMs !== null) {
    draft.startDeadlineMs = Math.max(draft.startDeadlineMs, extended);
  }
  if (draft.watchdogDeadlineMs !== null) {
    draft.watchdogDeadlineMs = Math.max(draft.watchdogDeadlineMs, extended);
  }
  const main = draft.mainProcess;
  if (draft.abort !== null && main?.phase === "running" && main.sigkillAtMs !== null) {
    draft.mainProcess = {
      ...main,
      sigkillAtMs: Math.max(main.sigkillAtMs, extended)
    };
  }
  log(draft, "info", "Timeout extended", {
    extendMs: usec / 1e3
  });
}
var init_extend_timeout = __esm({
  "lib/core/extend_timeout.ts"() {
    init_draft();
  }
});

// lib/core/pid_file.ts
function pidInFile(text) {
  const first = text.split("\n", 1)[0].replace(/^[ \t]+|[ \t\r]+$/g, "");
  if (first === "") return {
    problem: text === "" ? "is empty" : "its first line is empty"
  };
  const pid2 = parsePid(first);
  if (pid2 !== void 0) return {
    pid: pid2
  };
  const excerpt = [
    ...first
  ].length > EXCERPT_MAX ? `${[
    ...first
  ].slice(0, EXCERPT_MAX).join("")}\u2026` : first;
  return {
    problem: `its first line ${JSON.stringify(printable(excerpt))} is not a PID`
  };
}
var PID_FILE_MAX_BYTES, PID_FILE_MISSING, EXCERPT_MAX;
var init_pid_file = __esm({
  "lib/core/pid_file.ts"() {
    init_assignments();
    init_printable();
    PID_FILE_MAX_BYTES = 4096;
    PID_FILE_MISSING = "does not exist";
    EXCERPT_MAX = 16;
  }
});

// lib/core/start_timer.ts
function armStartTimer(draft) {
  const timeoutMs = draft.config.timeoutStartMs;
  if (timeoutMs === 0) return;
  draft.startDeadlineMs = draft.now + timeoutMs;
  log(draft, "info", "Timer armed", {
    timer: "start",
    timeoutMs
  });
}
function completeStartup(draft) {
  if (draft.readySeen) return;
  draft.readySeen = true;
  if (draft.startDeadlineMs === null) return;
  draft.startDeadlineMs = null;
  log(draft, "info", "Timer stopped", {
    timer: "start",
    cause: "READY=1"
  });
}
function expireStartTimer(draft) {
  if (draft.startDeadlineMs === null || draft.now < draft.startDeadlineMs) return;
  draft.lastFailure = {
    event: "start_timeout",
    atMs: draft.now,
    timeoutMs: draft.config.timeoutStartMs
  };
  draft.startDeadlineMs = null;
  log(draft, "warning", "Timer expired", {
    timer: "start"
  });
  draft.events.push("start_timeout");
}
var init_start_timer = __esm({
  "lib/core/start_timer.ts"() {
    init_draft();
  }
});

// lib/core/watchdog.ts
function arm2(draft, cause) {
  if (draft.watchdogTimeoutMs === 0) {
    draft.watchdogDeadlineMs = null;
    return;
  }
  const wasArmed = draft.watchdogDeadlineMs !== null;
  draft.watchdogDeadlineMs = draft.now + draft.watchdogTimeoutMs;
  if (!wasArmed) {
    log(draft, "info", "Timer armed", {
      timer: "watchdog",
      cause,
      timeoutMs: draft.watchdogTimeoutMs
    });
  }
}
function disarmWatchdog(draft, cause) {
  stopMeasuring(draft);
  if (draft.watchdogDeadlineMs === null) return;
  draft.watchdogDeadlineMs = null;
  log(draft, "info", "Timer disarmed", {
    timer: "watchdog",
    cause
  });
}
function watchdogOnReady(draft, completesStartup) {
  if (completesStartup || draft.watchdogDeadlineMs === null) {
    arm2(draft, "READY=1");
    measureFromNow(draft);
  }
}
function watchdogPing(draft, value) {
  if (value === "trigger") {
    draft.lastFailure = {
      event: "watchdog_trigger",
      atMs: draft.now,
      timeoutMs: 0
    };
    draft.events.push("watchdog_trigger");
    disarmWatchdog(draft, "WATCHDOG=trigger");
    return;
  }
  draft.events.push("watchdog");
  observeWatchdogPing(draft, draft.now);
  arm2(draft, "WATCHDOG=1");
}
function watchdogUsec(draft, usec) {
  if (!draft.config.allowMessageWatchdogUsec) {
    log(draft, "info", "Assignment ignored by configuration", {
      key: "WATCHDOG_USEC",
      variable: "ADAPTER_ALLOW_MESSAGE_WATCHDOG_USEC"
    });
    return;
  }
  draft.watchdogTimeoutMs = usec === Infinity ? 0 : usec / 1e3;
  log(draft, "info", "Watchdog timeout changed", {
    timeoutMs: draft.watchdogTimeoutMs
  });
  if (draft.watchdogTimeoutMs === 0) {
    disarmWatchdog(draft, "WATCHDOG_USEC=0");
    return;
  }
  draft.watchdogDeadlineMs = null;
  arm2(draft, "WATCHDOG_USEC");
  measureFromNow(draft);
}
function expireWatchdog(draft) {
  if (draft.watchdogDeadlineMs === null || draft.now < draft.watchdogDeadlineMs) return;
  draft.watchdogDeadlineMs = null;
  draft.lastFailure = {
    event: "watchdog_timeout",
    atMs: draft.now,
    timeoutMs: draft.watchdogTimeoutMs
  };
  log(draft, "warning", "Timer expired", {
    timer: "watchdog"
  });
  draft.events.push("watchdog_timeout");
}
var init_watchdog = __esm({
  "lib/core/watchdog.ts"() {
    init_draft();
    init_watchdog_margin();
  }
});

// lib/core/followed_main.ts
function notFollowed(draft, pid2, origin, reason, detail) {
  const last = draft.lastUnseen;
  if (last !== null && last.pid === pid2 && last.reason === reason) return;
  draft.lastUnseen = {
    pid: pid2,
    reason
  };
  let level = "info";
  if (!draft.warnedUnseen.includes(reason)) {
    draft.warnedUnseen = [
      ...draft.warnedUnseen,
      reason
    ];
    level = "warning";
  }
  const { why, fix } = UNSEEN[reason];
  log(draft, level, "Main process not followed", {
    pid: pid2,
    origin,
    ...origin === "PID file" ? {
      variable: PID_FILE_VARIABLE
    } : {},
    reason: why(pid2, detail),
    ...fix === void 0 ? {} : {
      fix
    }
  });
}
function learnMainProcess(draft, pid2, origin) {
  if (followedMainProcess(draft)?.pid === pid2) return;
  const main = draft.mainProcess;
  if (main?.phase === "running" && main.pid === pid2) {
    draft.learnedMain = null;
    draft.effects.push({
      kind: "unwatchMain"
    });
    log(draft, "info", "Main process followed", {
      pid: pid2,
      origin: "child"
    });
    return;
  }
  if (pid2 === draft.adapterPid) return notFollowed(draft, pid2, origin, "adapter", "");
  if (pid2 === 1) return notFollowed(draft, pid2, origin, "init", "");
  draft.learnedMain = {
    pid: pid2,
    origin
  };
  draft.lastUnseen = null;
  log(draft, "info", "Main process followed", {
    pid: pid2,
    origin
  });
  draft.effects.push({
    kind: "watchMain",
    pid: pid2
  });
}
function mainUnseen(draft, pid2, reason, detail) {
  const learned = draft.learnedMain;
  if (learned?.pid !== pid2) return;
  draft.learnedMain = null;
  notFollowed(draft, pid2, learned.origin, reason, detail);
}
function mainExited(draft, pid2) {
  const learned = draft.learnedMain;
  if (learned?.pid !== pid2) return false;
  draft.learnedMain = null;
  log(draft, "warning", "Main process exited", {
    pid: pid2,
    origin: learned.origin
  });
  draft.events.push("main_exited");
  draft.readySeen = false;
  armStartTimer(draft);
  disarmWatchdog(draft, "main process exited");
  return true;
}
function requestPidFile(draft) {
  if (draft.config.pidFile !== null) draft.effects.push({
    kind: "readPidFile"
  });
}
function pidFileRead(draft, cause, read) {
  const path = draft.config.pidFile;
  if (path === null) return;
  const named = "problem" in read ? read : pidInFile(read.text);
  if ("pid" in named) {
    draft.pidFileProblem = null;
    learnMainProcess(draft, named.pid, "PID file");
    return;
  }
  if (cause === "change" && named.problem === PID_FILE_MISSING) return;
  if (draft.pidFileProblem === named.problem) return;
  draft.pidFileProblem = named.problem;
  log(draft, "warning", "PID file not used", {
    variable: PID_FILE_VARIABLE,
    path,
    reason: named.problem
  });
}
var SHARE_NAMESPACE, UNSEEN, PID_FILE_VARIABLE;
var init_followed_main = __esm({
  "lib/core/followed_main.ts"() {
    init_draft();
    init_main_process();
    init_pid_file();
    init_start_timer();
    init_watchdog();
    SHARE_NAMESPACE = "share the Pod's PID namespace with the service: shareProcessNamespace: true in the Pod spec";
    UNSEEN = Object.freeze({
      absent: {
        why: (pid2) => `no process ${pid2} is in the adapter's PID namespace`,
        fix: SHARE_NAMESPACE
      },
      thread: {
        why: (pid2) => `${pid2} is the ID of a thread, not of a process, in the adapter's PID namespace`,
        fix: SHARE_NAMESPACE
      },
      ended: {
        why: (pid2) => `process ${pid2} had already ended`
      },
      init: {
        why: () => "PID 1 is the init of the adapter's PID namespace, not the service",
        fix: SHARE_NAMESPACE
      },
      adapter: {
        why: (pid2) => `PID ${pid2} is the adapter itself`,
        fix: SHARE_NAMESPACE
      },
      error: {
        why: (_pid, detail) => `the adapter cannot watch it: ${detail}`
      }
    });
    PID_FILE_VARIABLE = "ADAPTER_UNIT_PID_FILE";
  }
});

// lib/core/assignment_handlers.ts
function hasHandler(line) {
  return ORDER.has(line.key);
}
function byHandlerOrder(a, b) {
  return (ORDER.get(a.key) ?? 0) - (ORDER.get(b.key) ?? 0);
}
function applyLine(draft, line) {
  const handler = HANDLERS[line.key];
  handler?.(draft, line.value);
}
var HANDLERS, ORDER;
var init_assignment_handlers = __esm({
  "lib/core/assignment_handlers.ts"() {
    init_extend_timeout();
    init_followed_main();
    init_start_timer();
    init_watchdog();
    HANDLERS = Object.freeze({
      MAINPID: (draft, pid2) => {
        draft.mainPid = pid2;
        learnMainProcess(draft, pid2, "MAINPID");
      },
      READY: (draft) => {
        draft.events.push("ready");
        const completesStartup = !draft.readySeen;
        completeStartup(draft);
        watchdogOnReady(draft, completesStartup);
        requestPidFile(draft);
      },
      RELOADING: (draft) => {
        draft.events.push("reloading");
      },
      STATUS: (draft, text) => {
        draft.statusText = text === "" ? null : text;
      },
      ERRNO: (draft, errno2) => {
        draft.errno = errno2;
        draft.events.push("errno");
      },
      BUSERROR: (draft, name) => {
        draft.busError = name === "" ? null : name;
        if (name !== "") draft.events.push("buserror");
      },
      EXIT_STATUS: (draft, status) => {
        draft.exitStatus = status;
      },
      EXTEND_TIMEOUT_USEC: extendTimeout,
      WATCHDOG: watchdogPing,
      WATCHDOG_USEC: watchdogUsec,
      STOPPING: (draft) => {
        draft.events.push("stopping");
        disarmWatchdog(draft, "STOPPING=1");
      }
    });
    ORDER = new Map(Object.keys(HANDLERS).map((key, index) => [
      key,
      index
    ]));
  }
});

// lib/core/probe_state.ts
function setProbe(draft, probe3, value) {
  if (draft[probe3] === value) return;
  log(draft, "info", "Probe state changed", {
    probe: probe3,
    from: draft[probe3],
    to: value
  });
  draft[probe3] = value;
}
function applyEvents(draft) {
  const { events: events2, config } = draft;
  if (events2.length === 0) return;
  for (const event of events2) {
    log(draft, isFailureEvent(event) ? "warning" : "info", "Event", EVENT_FIELDS.get(event));
  }
  draft.lastEvent = {
    name: events2[events2.length - 1],
    atMs: draft.now
  };
  draft.counters = countEvents(draft.counters, events2);
  const livez = react(draft.livez, events2, config.livezTrue, config.livezFalse);
  const readyz = react(draft.readyz, events2, config.readyzTrue, config.readyzFalse);
  setProbe(draft, "livez", livez);
  setProbe(draft, "readyz", readyz);
}
var EVENT_FIELDS;
var init_probe_state = __esm({
  "lib/core/probe_state.ts"() {
    init_counters();
    init_draft();
    init_events();
    EVENT_FIELDS = new Map(EVENT_NAMES.map((event) => [
      event,
      Object.freeze({
        event
      })
    ]));
  }
});

// lib/core/termination_message.ts
function ended(main) {
  switch (main?.phase) {
    case "ended":
      return describeEnd(main.end);
    case "lost":
      return "was not reported to end after SIGKILL";
    default:
      return "did not start";
  }
}
function failureText(failure) {
  switch (failure.event) {
    case "watchdog_timeout":
      return `watchdog timeout: no WATCHDOG=1 within ${formatTimeSpan(failure.timeoutMs)}`;
    case "watchdog_trigger":
      return "watchdog triggered by the service (WATCHDOG=trigger)";
    case "start_timeout":
      return `start timeout: no READY=1 within ${formatTimeSpan(failure.timeoutMs)}`;
  }
}
function headline(state) {
  const { abort, ending, mainProcess } = state;
  const service = ended(mainProcess);
  if (abort !== null) {
    return `${failureText(abort.cause)}; the service was sent ${abort.signal} and ${service}`;
  }
  if (ending?.cause === "events") {
    return `the adapter stopped on ${ending.reason} (ADAPTER_STATUS_SHUTDOWN); the service ${service}`;
  }
  if (ending?.cause === "error") {
    return `the adapter stopped on an ${ending.reason}; the service ${service}`;
  }
  if (mainProcess?.phase === "failed") return `the service did not start: ${mainProcess.reason}`;
  return `the service ${service}`;
}
function errnoText(errno2) {
  const name = Object.keys(ERRNO_NAMES).find((key) => ERRNO_NAMES[key] === errno2);
  return name === void 0 ? String(errno2) : `${errno2} (${name})`;
}
function terminationMessage(state) {
  const lines = [
    headline(state)
  ];
  const failure = state.lastFailure;
  if (failure !== null && failure !== state.abort?.cause) lines.push(failureText(failure));
  if (state.statusText !== null) {
    lines.push(`status: ${cutCodePoints(state.statusText, FIELD_MAX)}`);
  }
  if (state.errno !== null) lines.push(`errno: ${errnoText(state.errno)}`);
  if (state.busError !== null) {
    lines.push(`buserror: ${cutCodePoints(state.busError, FIELD_MAX)}`);
  }
  if (state.exitStatus !== null) lines.push(`exit_status: ${state.exitStatus}`);
  return fitUtf8(lines.map(printableLine).join("\n") + "\n", TERMINATION_MESSAGE_MAX);
}
var TERMINATION_MESSAGE_MAX, FIELD_MAX, printableLine;
var init_termination_message = __esm({
  "lib/core/termination_message.ts"() {
    init_errno_names();
    init_process_end();
    init_printable();
    init_timespan();
    TERMINATION_MESSAGE_MAX = 4096;
    FIELD_MAX = 1024;
    printableLine = (line) => printable(line.replace(/[\r\n]+/g, " "));
  }
});

// lib/core/lifecycle.ts
function start(draft, socket, address, pid2) {
  draft.phase = "running";
  draft.adapterPid = pid2;
  draft.healthz = true;
  draft.startedAtMs = draft.now;
  log(draft, "info", "Adapter ready", {
    socket,
    address
  });
  log(draft, "info", "Probe state changed", {
    probe: "healthz",
    from: false,
    to: true
  });
  armStartTimer(draft);
  requestSpawn(draft);
  if (draft.earlyStop !== null) beginShutdown(draft, "signal", draft.earlyStop, 0);
}
function beginShutdown(draft, cause, reason, exitStatus2) {
  if (draft.phase !== "running") return;
  draft.phase = "stopping";
  draft.startDeadlineMs = null;
  draft.watchdogDeadlineMs = null;
  draft.ending = {
    cause,
    reason,
    exitStatus: exitStatus2,
    giveUpAtMs: draft.now + STOP_GRACE_MS + REAP_WAIT_MS
  };
  log(draft, exitStatus2 === 0 ? "info" : "warning", "Shutting down", {
    reason,
    exitStatus: exitStatus2
  });
  draft.healthz = false;
  log(draft, "info", "Probe state changed", {
    probe: "healthz",
    from: true,
    to: false
  });
  stopMainProcess(draft);
  draft.effects.push({
    kind: "shutdown"
  });
}
function shutDownOnEvents(draft) {
  const { shutdown } = draft.config;
  if (shutdown.size === 0) return;
  const stopping = draft.events.filter((event) => shutdown.has(event));
  if (stopping.length === 0) return;
  beginShutdown(draft, "events", `event ${stopping.join(",")}`, shutdownExitStatus(stopping));
}
function serviceEnded(draft, reason, exitStatus2) {
  if (draft.phase !== "running") return;
  setProbe(draft, "livez", false);
  setProbe(draft, "readyz", false);
  beginShutdown(draft, "main process", reason, exitStatus2);
}
function finishShutdown(draft) {
  const { ending } = draft;
  if (draft.phase !== "stopping" || ending === null) return;
  if (mayRun(draft.mainProcess)) {
    if (draft.now < ending.giveUpAtMs) return;
    giveUpMainProcess(draft);
  }
  draft.phase = "exiting";
  const path = draft.config.terminationMessagePath;
  if (draft.command !== null && path !== null) {
    draft.effects.push({
      kind: "writeTerminationMessage",
      path,
      text: terminationMessage(draft)
    });
  }
  draft.effects.push({
    kind: "exit",
    exitStatus: ending.exitStatus,
    startupFailure: startupFailure(ending, draft.mainProcess)
  });
}
function startupFailure(ending, main) {
  return ending.cause === "main process" && main?.phase === "failed" ? main.reason : null;
}
var REAP_WAIT_MS;
var init_lifecycle = __esm({
  "lib/core/lifecycle.ts"() {
    init_draft();
    init_events();
    init_main_process();
    init_probe_state();
    init_start_timer();
    init_termination_message();
    REAP_WAIT_MS = 500;
  }
});

// lib/core/signal_policy.ts
function signalAction(signal, mode) {
  return (mode === "sidecar" ? SIDECAR : WRAPPER)[signal] ?? "ignore";
}
function receiveSignal(draft, signal) {
  switch (signalAction(signal, draft.command === null ? "sidecar" : "wrapper")) {
    case "stop":
      if (draft.phase === "starting") draft.earlyStop ??= signal;
      else beginShutdown(draft, "signal", signal, 0);
      return;
    case "forward":
      return forwardSignal(draft, signal);
    case "ignore":
      return log(draft, "info", "Signal ignored", {
        signal
      });
    case "quiet":
      return;
  }
}
var CAUGHT_SIGNALS, SIDECAR, WRAPPER;
var init_signal_policy = __esm({
  "lib/core/signal_policy.ts"() {
    init_draft();
    init_lifecycle();
    init_main_process();
    CAUGHT_SIGNALS = Object.freeze([
      "SIGTERM",
      "SIGINT",
      "SIGHUP",
      "SIGQUIT",
      "SIGUSR1",
      "SIGUSR2",
      "SIGALRM",
      "SIGVTALRM",
      "SIGPROF",
      "SIGPWR",
      "SIGXCPU",
      "SIGXFSZ",
      "SIGIO",
      "SIGSTKFLT",
      "SIGTRAP",
      "SIGABRT",
      "SIGSYS",
      "SIGTSTP",
      "SIGTTIN",
      "SIGTTOU"
    ]);
    SIDECAR = {
      SIGTERM: "stop",
      SIGINT: "stop",
      // A file that grew past RLIMIT_FSIZE: the write fails with EFBIG and says so in the log.
      SIGXFSZ: "quiet"
    };
    WRAPPER = {
      SIGTERM: "forward",
      SIGINT: "forward",
      SIGHUP: "forward",
      SIGQUIT: "forward",
      SIGUSR1: "forward",
      SIGUSR2: "forward",
      SIGXFSZ: "quiet"
    };
  }
});

// lib/core/state.ts
function initialState(config, command = null) {
  return {
    config,
    command,
    phase: "starting",
    healthz: false,
    livez: config.initialLivez,
    readyz: config.initialReadyz,
    startedAtMs: null,
    earlyStop: null,
    readySeen: false,
    startDeadlineMs: null,
    watchdogTimeoutMs: config.watchdogMs,
    watchdogDeadlineMs: null,
    statusText: null,
    mainPid: null,
    exitStatus: null,
    errno: null,
    busError: null,
    lastEvent: null,
    lastFailure: null,
    mainProcess: command === null ? null : waitingMainProcess(),
    abort: null,
    adapterPid: null,
    learnedMain: null,
    lastUnseen: null,
    warnedUnseen: [],
    pidFileProblem: null,
    ending: null,
    counters: emptyCounters(),
    watchdogMargin: NO_WATCHDOG_MARGIN
  };
}
function earlier(a, b) {
  if (a === null) return b;
  return b === null || a <= b ? a : b;
}
function nextDeadline(state) {
  const timers = earlier(state.startDeadlineMs, state.watchdogDeadlineMs);
  const kill = state.mainProcess === null ? null : sigkillAtMs(state.mainProcess);
  const giveUp = state.phase === "stopping" ? state.ending?.giveUpAtMs ?? null : null;
  return earlier(earlier(timers, kill), giveUp);
}
var init_state = __esm({
  "lib/core/state.ts"() {
    init_counters();
    init_main_process();
    init_watchdog_margin();
  }
});

// lib/core/supervision.ts
function superviseMainProcess(draft) {
  const { mainProcess: main, abort, lastFailure, config, events: events2 } = draft;
  if (main?.phase !== "running" || abort !== null || lastFailure === null) return;
  if (!events2.includes("watchdog_timeout") && !events2.includes("watchdog_trigger")) return;
  const signal = config.watchdogSignal;
  if (signal === null) return;
  const abortMs = config.timeoutAbortMs;
  const sigkillAtMs2 = abortMs === Infinity ? null : draft.now + abortMs;
  draft.abort = {
    signal,
    cause: lastFailure
  };
  draft.mainProcess = {
    ...main,
    sigkillAtMs: sigkillAtMs2
  };
  const reason = lastFailure.event;
  log(draft, "warning", "Aborting child", {
    pid: main.pid,
    signal,
    reason
  });
  draft.effects.push({
    kind: "signalChild",
    signal,
    reason
  });
}
var init_supervision = __esm({
  "lib/core/supervision.ts"() {
    init_draft();
  }
});

// lib/core/reducer.ts
function receive(draft, message) {
  draft.counters = countMessage(draft.counters, message);
  for (const { reason, excerpt } of message.rejected) {
    log(draft, "warning", "Input rejected", {
      reason,
      excerpt
    });
  }
  const { accepted } = message;
  if (accepted.length === 0) return;
  if (draft.config.echo) draft.effects.push({
    kind: "echo",
    lines: accepted.map(echoLine)
  });
  const handled = [];
  for (const line of accepted) if (isWellKnownLine(line) && hasHandler(line)) handled.push(line);
  if (handled.length > 1) handled.sort(byHandlerOrder);
  for (const line of handled) applyLine(draft, line);
}
function judge(draft) {
  applyEvents(draft);
  shutDownOnEvents(draft);
  if (draft.phase === "running") superviseMainProcess(draft);
}
function unexpected(draft, error) {
  log(draft, "error", "Unexpected error", {
    error
  });
  if (draft.command !== null) beginShutdown(draft, "error", `unexpected error: ${error}`, 1);
}
function handle(draft, input) {
  const handler = PHASES[draft.phase][input.kind];
  handler?.(draft, input);
}
function step(state, input, now) {
  if (input.kind === "datagram") {
    const routine = routinePing(state, input.message, now);
    if (routine !== void 0) return routine;
  }
  return generalStep(state, input, now);
}
function generalStep(state, input, now) {
  if (PHASES[state.phase][input.kind] === void 0) return {
    state,
    effects: []
  };
  const draft = draftOf(state, now);
  handle(draft, input);
  finishShutdown(draft);
  const next = stateOf(draft);
  const { effects } = draft;
  const after = nextDeadline(next);
  if (input.kind === "tick" || after !== nextDeadline(state)) {
    effects.push({
      kind: "armTimer",
      at: after
    });
  }
  return {
    state: next,
    effects
  };
}
function routinePing(state, message, now) {
  const { accepted } = message;
  if (state.phase !== "running" || accepted.length !== 1 || message.rejected.length !== 0) return;
  const { key, value } = accepted[0];
  if (key !== "WATCHDOG" || value !== "1") return;
  const { config, watchdogTimeoutMs } = state;
  if (watchdogTimeoutMs !== 0 && state.watchdogDeadlineMs === null) return;
  if (config.shutdown.has("watchdog")) return;
  if (react(state.livez, PING_EVENTS, config.livezTrue, config.livezFalse) !== state.livez) return;
  if (react(state.readyz, PING_EVENTS, config.readyzTrue, config.readyzFalse) !== state.readyz) {
    return;
  }
  const next = copyOf(state);
  observeWatchdogPing(next, now);
  next.watchdogDeadlineMs = watchdogTimeoutMs === 0 ? null : now + watchdogTimeoutMs;
  next.lastEvent = {
    name: "watchdog",
    atMs: now
  };
  next.counters = countPing(state.counters);
  const effects = config.echo ? [
    PING_ECHO,
    PING_LOG
  ] : [
    PING_LOG
  ];
  const after = nextDeadline(next);
  if (after !== nextDeadline(state)) effects.push({
    kind: "armTimer",
    at: after
  });
  return {
    state: next,
    effects
  };
}
var STARTING, RUNNING, STOPPING, PHASES, PING_EVENTS, PING_ECHO, PING_LOG;
var init_reducer = __esm({
  "lib/core/reducer.ts"() {
    init_assignment_handlers();
    init_assignments();
    init_counters();
    init_draft();
    init_events();
    init_lifecycle();
    init_followed_main();
    init_main_process();
    init_process_end();
    init_probe_state();
    init_signal_policy();
    init_start_timer();
    init_state();
    init_supervision();
    init_printable();
    init_watchdog();
    init_watchdog_margin();
    init_state();
    STARTING = {
      started: (draft, { socket, address, pid: pid2 }) => start(draft, socket, address, pid2),
      signal: (draft, { signal }) => receiveSignal(draft, signal),
      failed: (draft, { error }) => unexpected(draft, error)
    };
    RUNNING = {
      datagram: (draft, { message }) => {
        receive(draft, message);
        judge(draft);
      },
      tick: (draft) => {
        expireStartTimer(draft);
        expireWatchdog(draft);
        expireSigkill(draft);
        judge(draft);
      },
      signal: (draft, { signal }) => receiveSignal(draft, signal),
      spawned: (draft, { pid: pid2 }) => spawned(draft, pid2),
      spawnFailed: (draft, { exitStatus: exitStatus2, reason }) => {
        spawnFailed(draft, exitStatus2, reason);
        serviceEnded(draft, reason, exitStatus2);
      },
      exited: (draft, { pid: pid2, end }) => {
        if (exited(draft, pid2, end)) serviceEnded(draft, endReason(end), exitStatusOf(end));
      },
      mainUnseen: (draft, { pid: pid2, reason, detail }) => mainUnseen(draft, pid2, reason, detail),
      mainExited: (draft, { pid: pid2 }) => {
        if (mainExited(draft, pid2)) judge(draft);
      },
      pidFile: (draft, { cause, read }) => pidFileRead(draft, cause, read),
      failed: (draft, { error }) => unexpected(draft, error)
    };
    STOPPING = {
      tick: (draft) => expireSigkill(draft),
      signal: (draft, { signal }) => receiveSignal(draft, signal),
      spawned: (draft, { pid: pid2 }) => spawned(draft, pid2),
      spawnFailed: (draft, { exitStatus: exitStatus2, reason }) => spawnFailed(draft, exitStatus2, reason),
      exited: (draft, { pid: pid2, end }) => void exited(draft, pid2, end),
      failed: (draft, { error }) => unexpected(draft, error)
    };
    PHASES = Object.freeze({
      starting: STARTING,
      running: RUNNING,
      stopping: STOPPING,
      // The shell is flushing its outputs on the way out; nothing changes any more.
      exiting: {}
    });
    PING_EVENTS = Object.freeze([
      "watchdog"
    ]);
    PING_ECHO = Object.freeze({
      kind: "echo",
      lines: Object.freeze([
        "WATCHDOG=1"
      ])
    });
    PING_LOG = Object.freeze({
      kind: "log",
      level: "info",
      message: "Event",
      fields: EVENT_FIELDS.get("watchdog")
    });
  }
});

// lib/shell/deadline_timer.ts
var MAX_DELAY_MS, DeadlineTimer;
var init_deadline_timer = __esm({
  "lib/shell/deadline_timer.ts"() {
    MAX_DELAY_MS = 2 ** 31 - 1;
    DeadlineTimer = class {
      #now;
      #schedule;
      #onDue;
      #at = null;
      #cancel;
      /** `onDue` runs once the armed deadline is reached on the monotonic clock `now`. */
      constructor(now, schedule2, onDue) {
        this.#now = now;
        this.#schedule = schedule2;
        this.#onDue = onDue;
      }
      /** The armed deadline, if any. */
      get at() {
        return this.#at;
      }
      /** Arms the timer for `at`, or cancels it (`null`). */
      arm(at) {
        if (at !== null && this.#at !== null && this.#at <= at) return;
        this.#cancel?.();
        this.#cancel = void 0;
        this.#at = at;
        if (at !== null) this.#wait(at);
      }
      #wait(at) {
        const delay = Math.min(MAX_DELAY_MS, Math.max(0, Math.ceil(at - this.#now())));
        this.#cancel = this.#schedule(delay, () => {
          this.#cancel = void 0;
          if (this.#now() < at) return this.#wait(at);
          this.#at = null;
          this.#onDue();
        });
      }
    };
  }
});

// lib/core/http_response.ts
function responseHead(response, framing) {
  let head = `HTTP/1.1 ${response.status} ${REASON_PHRASES[response.status] ?? ""}\r
`;
  for (const name in response.headers) head += `${name}: ${response.headers[name]}\r
`;
  head += `content-length: ${framing.contentLength}\r
date: ${framing.date}\r
`;
  return framing.close ? `${head}connection: close\r
\r
` : `${head}\r
`;
}
var REASON_PHRASES;
var init_http_response = __esm({
  "lib/core/http_response.ts"() {
    REASON_PHRASES = Object.freeze({
      200: "OK",
      400: "Bad Request",
      404: "Not Found",
      405: "Method Not Allowed",
      414: "URI Too Long",
      431: "Request Header Fields Too Large",
      500: "Internal Server Error",
      503: "Service Unavailable",
      505: "HTTP Version Not Supported"
    });
  }
});

// lib/core/request_head.ts
function headEnd(bytes, from = 0) {
  for (let index = bytes.indexOf(LF2, from); index !== -1; index = bytes.indexOf(LF2, index + 1)) {
    if (bytes[index + 1] === LF2) return index + 2;
    if (bytes[index + 1] === CR2 && bytes[index + 2] === LF2) return index + 3;
  }
  return -1;
}
function readRequestHead(bytes) {
  const start2 = bytes[0] === LF2 ? 1 : bytes[0] === CR2 && bytes[1] === LF2 ? 2 : 0;
  const end = headEnd(bytes, start2);
  if (end === -1) {
    if (bytes.length < MAX_HEAD_BYTES) return INCOMPLETE;
    return {
      kind: "refused",
      status: bytes.indexOf(LF2, start2) === -1 ? 414 : 431
    };
  }
  if (end > MAX_HEAD_BYTES) return {
    kind: "refused",
    status: 431
  };
  const lines = latin1.decode(bytes.subarray(start2, end)).split("\n");
  lines.length -= 2;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    if (line.endsWith("\r")) lines[index] = line.slice(0, -1);
  }
  const request = REQUEST_LINE.exec(lines[0]);
  if (request === null) return REFUSED_400;
  const [, method, target, major, minor] = request;
  if (major !== "1") return {
    kind: "refused",
    status: 505
  };
  let keepAlive = minor !== "0";
  let hasBody = false;
  let contentLength;
  for (let index = 1; index < lines.length; index++) {
    const line = lines[index];
    const field = FIELD_LINE.exec(line);
    if (field === null || CONTROL.test(field[2])) return REFUSED_400;
    switch (field[1].toLowerCase()) {
      case "connection":
        for (const option of field[2].toLowerCase().split(",")) {
          const token = option.trim();
          if (token === "close") keepAlive = false;
        }
        break;
      case "content-length":
        for (const value of field[2].split(",")) {
          const length = value.trim();
          if (!DIGITS.test(length) || contentLength !== void 0 && contentLength !== length) {
            return REFUSED_400;
          }
          contentLength = length;
        }
        if (/[1-9]/.test(contentLength)) hasBody = true;
        break;
      case "transfer-encoding":
        hasBody = true;
        break;
    }
  }
  return {
    kind: "complete",
    head: {
      method,
      target,
      keepAlive,
      hasBody
    },
    length: end
  };
}
var MAX_HEAD_BYTES, LF2, CR2, TOKEN, REQUEST_LINE, FIELD_LINE, CONTROL, DIGITS, REFUSED_400, INCOMPLETE, latin1;
var init_request_head = __esm({
  "lib/core/request_head.ts"() {
    MAX_HEAD_BYTES = 8 * 1024;
    LF2 = 10;
    CR2 = 13;
    TOKEN = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+";
    REQUEST_LINE = new RegExp(`^(${TOKEN}) ([\\x21-\\x7e]+) HTTP/(\\d)\\.(\\d)$`);
    FIELD_LINE = new RegExp(`^(${TOKEN}):[\\t ]*(.*?)[\\t ]*$`);
    CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;
    DIGITS = /^\d+$/;
    REFUSED_400 = {
      kind: "refused",
      status: 400
    };
    INCOMPLETE = {
      kind: "incomplete"
    };
    latin1 = new TextDecoder("latin1");
  }
});

// lib/shell/http_connection.ts
function enter(tracked, phase, ports, timeoutMs) {
  tracked.phase = phase;
  tracked.deadline = ports.now() + timeoutMs;
  ports.watch(tracked.deadline);
}
function answerBytes(response, head, date, close) {
  const body = encoder2.encode(response.body);
  const text = responseHead(response, {
    contentLength: body.length,
    date,
    close
  });
  const bytes = new Uint8Array(text.length + (head ? 0 : body.length));
  encoder2.encodeInto(text, bytes);
  if (!head) bytes.set(body, text.length);
  return bytes;
}
async function writeAll2(conn, bytes) {
  for (let written = 0; written < bytes.length; ) {
    written += await conn.write(bytes.subarray(written));
  }
}
async function linger(tracked, ports, lingerMs) {
  enter(tracked, "linger", ports, lingerMs);
  await tracked.conn.closeWrite();
  const sink = new Uint8Array(4096);
  for (let drained = 0; drained < MAX_LINGER_BYTES; ) {
    const count = await tracked.conn.read(sink);
    if (count === null) return;
    drained += count;
  }
}
async function serveConnection(tracked, ports, timeouts) {
  const { conn } = tracked;
  let buffer = new Uint8Array(INITIAL_BUFFER_BYTES);
  let length = 0;
  let searched = 0;
  let kept = false;
  for (; ; ) {
    const end = length === 0 ? -1 : headEnd(buffer.subarray(0, length), searched);
    const reading = end === -1 && length < MAX_HEAD_BYTES ? void 0 : readRequestHead(buffer.subarray(0, length));
    if (reading === void 0 || reading.kind === "incomplete") {
      if (kept && length > 0) {
        kept = false;
        enter(tracked, "head", ports, timeouts.headTimeoutMs);
      }
      if (length === buffer.length) {
        const grown = new Uint8Array(Math.min(MAX_HEAD_BYTES, buffer.length * 2));
        grown.set(buffer);
        buffer = grown;
      }
      const count = await conn.read(buffer.subarray(length));
      if (count === null) return;
      searched = Math.max(0, length - 2);
      length += count;
      continue;
    }
    if (reading.kind === "refused") {
      enter(tracked, "answer", ports, timeouts.answerTimeoutMs);
      await writeAll2(conn, answerBytes(ports.refuse(reading.status), false, ports.date(), true));
      tracked.answered++;
      return await linger(tracked, ports, timeouts.lingerMs);
    }
    const { head } = reading;
    const close = !head.keepAlive || head.hasBody || ports.stopping();
    enter(tracked, "answer", ports, timeouts.answerTimeoutMs);
    const response = ports.answer(head);
    await writeAll2(conn, answerBytes(response, head.method === "HEAD", ports.date(), close));
    tracked.answered++;
    if (head.hasBody) return await linger(tracked, ports, timeouts.lingerMs);
    if (close || ports.stopping()) return;
    buffer.copyWithin(0, reading.length, length);
    length -= reading.length;
    searched = 0;
    kept = length === 0;
    enter(tracked, "head", ports, kept ? timeouts.idleTimeoutMs : timeouts.headTimeoutMs);
  }
}
var INITIAL_BUFFER_BYTES, MAX_LINGER_BYTES, encoder2;
var init_http_connection = __esm({
  "lib/shell/http_connection.ts"() {
    init_http_response();
    init_request_head();
    INITIAL_BUFFER_BYTES = 1024;
    MAX_LINGER_BYTES = 64 * 1024;
    encoder2 = new TextEncoder();
  }
});

// lib/shell/listen_plan.ts
function listenHosts(host) {
  return host === "::" ? [
    "::",
    "0.0.0.0"
  ] : [
    host
  ];
}
function listenOnFirst(hosts, listen2) {
  let failure;
  for (const hostname of hosts) {
    try {
      return listen2(hostname);
    } catch (error) {
      failure = error;
      if (error instanceof Deno.errors.AddrInUse) break;
    }
  }
  throw failure;
}
var init_listen_plan = __esm({
  "lib/shell/listen_plan.ts"() {
  }
});

// lib/shell/http_server.ts
function formatAddress({ hostname, port: port2 }) {
  return hostname.includes(":") ? `[${hostname}]:${port2}` : `${hostname}:${port2}`;
}
function evictionCandidate(connections, spared) {
  let chosen;
  for (const tracked of connections) {
    if (tracked === spared) continue;
    if (chosen === void 0 || rank(tracked) < rank(chosen)) chosen = tracked;
    if (rank(chosen) === 0) break;
  }
  return chosen;
}
function listenHttp(options) {
  const { handler, logger, schedule: schedule2 } = options;
  const limits = {
    ...HTTP_LIMITS,
    ...options.limits
  };
  const listener = listenOnFirst(listenHosts(options.host), (hostname) => Deno.listen({
    hostname,
    port: options.port,
    transport: "tcp"
  }));
  const address = formatAddress(listener.addr);
  const now = () => performance.now();
  const open2 = /* @__PURE__ */ new Map();
  let stopping = false;
  let drained;
  const close = (tracked) => {
    if (!open2.delete(tracked)) return;
    try {
      tracked.conn.close();
    } catch {
    }
    if (stopping && open2.size === 0) drained?.();
  };
  const evict = async (spared) => {
    const candidate = evictionCandidate(open2.keys(), spared);
    if (candidate === void 0) return false;
    const ended2 = open2.get(candidate);
    close(candidate);
    let cancel = () => {
    };
    await Promise.race([
      ended2,
      new Promise((resolve) => cancel = schedule2(EVICTION_WAIT_MS, resolve))
    ]);
    cancel();
    return true;
  };
  let sweepAt = Number.POSITIVE_INFINITY;
  let cancelSweep;
  const armSweep = (at) => {
    cancelSweep?.();
    sweepAt = at;
    cancelSweep = schedule2(Math.max(0, Math.ceil(at - now())), sweep);
  };
  const sweep = () => {
    sweepAt = Number.POSITIVE_INFINITY;
    cancelSweep = void 0;
    const at = now();
    let earliest = Number.POSITIVE_INFINITY;
    for (const tracked of open2.keys()) {
      if (tracked.deadline <= at) close(tracked);
      else earliest = Math.min(earliest, tracked.deadline);
    }
    if (earliest !== Number.POSITIVE_INFINITY) armSweep(Math.max(earliest, at + limits.sweepMs));
  };
  const watch = (deadline) => {
    if (deadline + limits.sweepMs < sweepAt) armSweep(deadline);
  };
  const ports = {
    answer: (request) => {
      try {
        return handler(request);
      } catch (error) {
        logger.log("error", "HTTP handler failed", {
          error: errorText(error)
        });
        return refusal(500);
      }
    },
    refuse: refusal,
    date: currentDate,
    now,
    watch,
    stopping: () => stopping
  };
  const admit = (conn) => {
    const tracked = {
      conn,
      phase: "head",
      answered: 0,
      deadline: now() + limits.headTimeoutMs
    };
    watch(tracked.deadline);
    try {
      conn.setNoDelay(true);
    } catch {
    }
    const ended2 = serveConnection(tracked, ports, limits).catch(() => {
    }).finally(() => close(tracked));
    open2.set(tracked, ended2);
    return tracked;
  };
  let failures = 0;
  let lastFailure = Number.NEGATIVE_INFINITY;
  const accepted = async () => {
    for (; ; ) {
      let conn;
      try {
        conn = await listener.accept();
      } catch (error) {
        if (stopping) return;
        if (failures === 0) {
          logger.log("error", "Accept failed", {
            error: errorText(error),
            address
          });
        }
        const delay = ACCEPT_RETRY_DELAYS_MS[Math.min(failures, ACCEPT_RETRY_DELAYS_MS.length - 1)];
        failures++;
        lastFailure = now();
        if (!await evict()) await new Promise((resolve) => schedule2(delay, resolve));
        continue;
      }
      if (failures > 0 && now() - lastFailure >= RESTORED_AFTER_MS) {
        logger.log("info", "Accepting again", {
          address,
          failures
        });
        failures = 0;
      }
      if (stopping) {
        conn.close();
        continue;
      }
      const admitted = admit(conn);
      if (open2.size >= limits.maxConnections) await evict(admitted);
    }
  };
  void accepted();
  return {
    address,
    shutdown: () => {
      stopping = true;
      cancelSweep?.();
      try {
        listener.close();
      } catch {
      }
      for (const tracked of open2.keys()) if (tracked.phase !== "answer") close(tracked);
      if (open2.size === 0) return Promise.resolve();
      return new Promise((resolve) => drained = resolve);
    }
  };
}
var HTTP_LIMITS, ACCEPT_RETRY_DELAYS_MS, EVICTION_WAIT_MS, RESTORED_AFTER_MS, EVICTION_RANK, rank, currentDate;
var init_http_server = __esm({
  "lib/shell/http_server.ts"() {
    init_http_handler();
    init_timestamp();
    init_http_connection();
    init_listen_plan();
    init_logging();
    HTTP_LIMITS = Object.freeze({
      maxConnections: 256,
      headTimeoutMs: 1e4,
      idleTimeoutMs: 3e4,
      // As long as the idle timeout: the deadline of an answer then never comes before the sweep
      // a kept connection has armed, and a steady client arms no timer per request (issue 20).
      answerTimeoutMs: 3e4,
      lingerMs: 2e3,
      sweepMs: 1e3
    });
    ACCEPT_RETRY_DELAYS_MS = Object.freeze([
      50,
      100,
      200,
      400
    ]);
    EVICTION_WAIT_MS = 100;
    RESTORED_AFTER_MS = 1e3;
    EVICTION_RANK = {
      linger: 0,
      head: 1,
      answer: 3
    };
    rank = (tracked) => tracked.phase === "head" && tracked.answered > 0 ? 2 : EVICTION_RANK[tracked.phase];
    currentDate = () => httpDate(Date.now());
  }
});

// lib/shell/last_resort.ts
function reportUnexpectedErrors(report) {
  globalThis.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    report(event.reason);
  });
  globalThis.addEventListener("error", (event) => {
    event.preventDefault();
    report(event.error ?? event.message);
  });
}
var init_last_resort = __esm({
  "lib/shell/last_resort.ts"() {
  }
});

// lib/shell/libc.ts
function loadLibc() {
  const failures = [];
  for (const path of LIBC_PATHS) {
    try {
      return Deno.dlopen(path, LIBC_SYMBOLS).symbols;
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error));
    }
  }
  return new Error(failures.at(-1) ?? "no path to try");
}
function errnoName(libc) {
  const bytes = new Uint8Array(4);
  libc.memcpy(bytes, libc.__errno_location(), 4n);
  const errno2 = new DataView(bytes.buffer).getInt32(0, true);
  return Object.keys(ERRNO_NAMES).find((name) => ERRNO_NAMES[name] === errno2) ?? `errno ${errno2}`;
}
function statusAt(libc, dirfd, name, flags) {
  const buffer = new Uint8Array(STATX_SIZE);
  const mask = LINUX.STATX_TYPE | LINUX.STATX_NLINK | LINUX.STATX_INO;
  if (libc.statx(dirfd, cString(name), flags, mask, buffer) !== 0) return errnoName(libc);
  const view = new DataView(buffer.buffer);
  if ((view.getUint32(STATX_MASK_AT, true) & mask) !== mask) return "no type, links or inode";
  return {
    mode: view.getUint16(STATX_MODE_AT, true),
    links: view.getUint32(STATX_NLINK_AT, true),
    device: `${view.getUint32(STATX_DEV_MAJOR_AT, true)}:${view.getUint32(STATX_DEV_MINOR_AT, true)}`,
    inode: view.getBigUint64(STATX_INO_AT, true)
  };
}
function cString(text) {
  return new TextEncoder().encode(`${text}\0`);
}
var LIBC_SYMBOLS, OPEN_FLAGS_BY_ARCH, LINUX, STATX_SIZE, STATX_MASK_AT, STATX_NLINK_AT, STATX_MODE_AT, STATX_INO_AT, STATX_DEV_MAJOR_AT, STATX_DEV_MINOR_AT;
var init_libc = __esm({
  "lib/shell/libc.ts"() {
    init_errno_names();
    init_permissions();
    LIBC_SYMBOLS = {
      // Every adapter mode: raising the open-files limit at start (open_files_limit.ts).
      getrlimit: {
        parameters: [
          "i32",
          "buffer"
        ],
        result: "i32"
      },
      setrlimit: {
        parameters: [
          "i32",
          "buffer"
        ],
        result: "i32"
      },
      waitid: {
        parameters: [
          "i32",
          "u32",
          "buffer",
          "i32"
        ],
        result: "i32"
      },
      waitpid: {
        parameters: [
          "i32",
          "buffer",
          "i32"
        ],
        result: "i32"
      },
      // openat() takes a mode after the flags only with O_CREAT, which the adapter never passes.
      openat: {
        parameters: [
          "i32",
          "buffer",
          "i32"
        ],
        result: "i32"
      },
      statx: {
        parameters: [
          "i32",
          "buffer",
          "i32",
          "u32",
          "buffer"
        ],
        result: "i32"
      },
      ftruncate: {
        parameters: [
          "i32",
          "i64"
        ],
        result: "i32"
      },
      write: {
        parameters: [
          "i32",
          "buffer",
          "usize"
        ],
        result: "isize"
      },
      close: {
        parameters: [
          "i32"
        ],
        result: "i32"
      },
      __errno_location: {
        parameters: [],
        result: "pointer"
      },
      memcpy: {
        parameters: [
          "buffer",
          "pointer",
          "usize"
        ],
        result: "pointer"
      },
      // Following a main process the adapter did not start (behaviour §11): a pidfd, polled.
      // glibc exports pidfd_open from 2.36 on; where it does not, the symbol is null.
      pidfd_open: {
        parameters: [
          "i32",
          "u32"
        ],
        result: "i32",
        optional: true
      },
      poll: {
        parameters: [
          "buffer",
          "usize",
          "i32"
        ],
        result: "i32"
      },
      read: {
        parameters: [
          "i32",
          "buffer",
          "usize"
        ],
        result: "isize"
      }
    };
    OPEN_FLAGS_BY_ARCH = Object.freeze({
      // include/uapi/asm-generic/fcntl.h, which x86-64 uses as it is
      x86_64: Object.freeze({
        O_DIRECTORY: 65536,
        O_NOFOLLOW: 131072
      }),
      // arch/arm64/include/uapi/asm/fcntl.h overrides these two (and O_DIRECT, O_LARGEFILE)
      aarch64: Object.freeze({
        O_DIRECTORY: 16384,
        O_NOFOLLOW: 32768
      })
    });
    LINUX = Object.freeze({
      O_RDONLY: 0,
      O_WRONLY: 1,
      O_NOCTTY: 256,
      O_NONBLOCK: 2048,
      O_CLOEXEC: 524288,
      O_PATH: 2097152,
      ...OPEN_FLAGS_BY_ARCH[Deno.build.arch],
      AT_FDCWD: -100,
      AT_SYMLINK_NOFOLLOW: 256,
      AT_EMPTY_PATH: 4096,
      STATX_TYPE: 1,
      STATX_NLINK: 4,
      STATX_INO: 256
    });
    STATX_SIZE = 256;
    STATX_MASK_AT = 0;
    STATX_NLINK_AT = 16;
    STATX_MODE_AT = 28;
    STATX_INO_AT = 32;
    STATX_DEV_MAJOR_AT = 136;
    STATX_DEV_MINOR_AT = 140;
  }
});

// lib/core/file_type.ts
function fileType(mode) {
  const type = mode & S_IFMT;
  return FILE_TYPES[type] ?? `a file of type 0o${type.toString(8)}`;
}
function messageFileProblem(mode, links) {
  const type = mode & S_IFMT;
  if (type === S_IFLNK) return "is a symbolic link";
  if (type !== S_IFREG) return `is ${fileType(mode)}, not a regular file`;
  if (links !== 1) return `has ${links} hard links, not 1`;
  return void 0;
}
var S_IFMT, S_IFREG, S_IFDIR, S_IFLNK, FILE_TYPES;
var init_file_type = __esm({
  "lib/core/file_type.ts"() {
    S_IFMT = 61440;
    S_IFREG = 32768;
    S_IFDIR = 16384;
    S_IFLNK = 40960;
    FILE_TYPES = Object.freeze({
      [S_IFREG]: "a regular file",
      [S_IFDIR]: "a directory",
      [S_IFLNK]: "a symbolic link",
      49152: "a socket",
      24576: "a block device",
      8192: "a character device",
      4096: "a FIFO"
    });
  }
});

// lib/shell/overwrite_file.ts
function split2(path) {
  const names = path.split("/").slice(1);
  const name = names.pop() ?? "";
  return {
    directories: names.map((_, i) => `/${names.slice(0, i + 1).join("/")}`),
    name
  };
}
function directoryProblem(directory, mode) {
  const type = mode & S_IFMT;
  if (type === S_IFDIR) return void 0;
  if (type === S_IFLNK) return `a directory on the path is a symbolic link: ${directory}`;
  return `a directory on the path is ${fileType(mode)}: ${directory}`;
}
function whyNotOpened(libc, dirfd, name, directory) {
  const errno2 = errnoName(libc);
  const status = statusAt(libc, dirfd, name, AT_SYMLINK_NOFOLLOW);
  const problem = typeof status === "string" ? void 0 : directoryProblem(directory, status.mode);
  return problem ?? `cannot open the directory ${directory}: ${errno2}`;
}
function writeAll3(libc, fd, bytes) {
  if (libc.ftruncate(fd, 0n) !== 0) throw new Error(`cannot truncate: ${errnoName(libc)}`);
  while (bytes.length > 0) {
    const written = Number(libc.write(fd, bytes, BigInt(bytes.length)));
    if (written < 0) throw new Error(`cannot write: ${errnoName(libc)}`);
    if (written === 0) throw new Error("cannot write: no progress");
    bytes = bytes.subarray(written);
  }
}
function openDirectoryOf(libc, path) {
  const { directories, name } = split2(path);
  let dirfd = libc.openat(AT_FDCWD, cString("/"), DIRECTORY_FLAGS);
  if (dirfd < 0) throw new Error(`cannot open the directory /: ${errnoName(libc)}`);
  try {
    for (const directory of directories) {
      const component = directory.slice(directory.lastIndexOf("/") + 1);
      const next = libc.openat(dirfd, cString(component), DIRECTORY_FLAGS);
      if (next < 0) throw new Error(whyNotOpened(libc, dirfd, component, directory));
      libc.close(dirfd);
      dirfd = next;
    }
  } catch (error) {
    libc.close(dirfd);
    throw error;
  }
  return {
    dirfd,
    name
  };
}
function overwriteFile(libc, path, bytes) {
  const { dirfd, name } = openDirectoryOf(libc, path);
  try {
    const before = statusAt(libc, dirfd, name, AT_SYMLINK_NOFOLLOW);
    if (typeof before === "string") throw new Error(`cannot open: ${before}`);
    const problem = messageFileProblem(before.mode, before.links);
    if (problem !== void 0) throw new Error(problem);
    const fd = libc.openat(dirfd, cString(name), FILE_FLAGS);
    if (fd < 0) throw new Error(`cannot open: ${errnoName(libc)}`);
    try {
      const opened = statusAt(libc, fd, "", AT_EMPTY_PATH);
      if (typeof opened === "string") throw new Error(`cannot open: ${opened}`);
      if (!sameFile(before, opened)) throw new Error("was replaced while it was opened");
      writeAll3(libc, fd, bytes);
    } finally {
      libc.close(fd);
    }
  } finally {
    libc.close(dirfd);
  }
}
function denoReason(error) {
  if (error instanceof Deno.errors.NotCapable) {
    return "the permission set does not let Deno open it, and libc is not loaded";
  }
  const code = error?.code;
  if (typeof code === "string") return code;
  return error instanceof Error ? error.message : String(error);
}
async function attempt(what, action) {
  try {
    return await action();
  } catch (error) {
    throw new Error(`${what}: ${denoReason(error)}`);
  }
}
async function lookAtDirectory(directory) {
  try {
    return await Deno.lstat(directory);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) return void 0;
    throw new Error(`cannot open the directory ${directory}: ${denoReason(error)}`);
  }
}
async function realPathOrSelf(path) {
  try {
    return await Deno.realPath(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) return path;
    throw new Error(`cannot open the directory ${path}: ${denoReason(error)}`);
  }
}
async function overwriteFileWithDeno(path, bytes) {
  const { directories } = split2(path);
  for (const directory of directories) {
    const info = await lookAtDirectory(directory);
    const problem2 = info && directoryProblem(directory, info.mode ?? 0);
    if (problem2 !== void 0) throw new Error(problem2);
  }
  const parent = directories.at(-1) ?? "/";
  const real = await realPathOrSelf(parent);
  if (real !== parent) {
    throw new Error(`a directory on the path is a symbolic link: ${parent} is really ${real}`);
  }
  const before = await attempt("cannot open", () => Deno.lstat(path));
  const problem = messageFileProblem(before.mode ?? 0, before.nlink ?? 1);
  if (problem !== void 0) throw new Error(problem);
  const file = await attempt("cannot open", () => Deno.open(path, {
    write: true
  }));
  try {
    const opened = await attempt("cannot open", () => file.stat());
    if (opened.dev !== before.dev || opened.ino !== before.ino) {
      throw new Error("was replaced while it was opened");
    }
    await attempt("cannot truncate", () => file.truncate(0));
    while (bytes.length > 0) {
      bytes = bytes.subarray(await attempt("cannot write", () => file.write(bytes)));
    }
  } finally {
    file.close();
  }
}
var O_RDONLY, O_WRONLY, O_NOCTTY, O_NONBLOCK, O_CLOEXEC, O_PATH, O_DIRECTORY, O_NOFOLLOW, AT_FDCWD, AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH, DIRECTORY_FLAGS, FILE_FLAGS, sameFile;
var init_overwrite_file = __esm({
  "lib/shell/overwrite_file.ts"() {
    init_file_type();
    init_libc();
    ({ O_RDONLY, O_WRONLY, O_NOCTTY, O_NONBLOCK, O_CLOEXEC, O_PATH, O_DIRECTORY, O_NOFOLLOW, AT_FDCWD, AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH } = LINUX);
    DIRECTORY_FLAGS = O_RDONLY | O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    FILE_FLAGS = O_WRONLY | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC;
    sameFile = (a, b) => a.device === b.device && a.inode === b.inode;
  }
});

// lib/shell/pid_file_reader.ts
function readAll(libc, fd) {
  const buffer = new Uint8Array(PID_FILE_MAX_BYTES + 1);
  let length = 0;
  while (length < buffer.length) {
    const read = Number(libc.read(fd, buffer.subarray(length), BigInt(buffer.length - length)));
    if (read < 0) return `cannot read: ${errnoName(libc)}`;
    if (read === 0) break;
    length += read;
  }
  if (length > PID_FILE_MAX_BYTES) return `is larger than ${PID_FILE_MAX_BYTES} bytes`;
  return buffer.subarray(0, length);
}
function readPidFileOnce(libc, path) {
  let directory;
  try {
    directory = openDirectoryOf(libc, path);
  } catch (error) {
    return {
      problem: error instanceof Error ? error.message : String(error)
    };
  }
  const { dirfd, name } = directory;
  try {
    const before = statusAt(libc, dirfd, name, AT_SYMLINK_NOFOLLOW2);
    if (before === "ENOENT") return {
      problem: PID_FILE_MISSING
    };
    if (typeof before === "string") return {
      problem: `cannot look at it: ${before}`
    };
    const problem = messageFileProblem(before.mode, before.links);
    if (problem !== void 0) return {
      problem
    };
    const fd = libc.openat(dirfd, cString(name), FILE_FLAGS2);
    if (fd < 0) {
      const errno2 = errnoName(libc);
      return {
        problem: errno2 === "ENOENT" ? PID_FILE_MISSING : `cannot open: ${errno2}`
      };
    }
    try {
      const opened = statusAt(libc, fd, "", AT_EMPTY_PATH2);
      if (typeof opened === "string") return {
        problem: `cannot open: ${opened}`
      };
      if (!sameFile(before, opened)) return {
        problem: "was replaced while it was opened"
      };
      const bytes = readAll(libc, fd);
      if (typeof bytes === "string") return {
        problem: bytes
      };
      return {
        text: new TextDecoder().decode(bytes)
      };
    } finally {
      libc.close(fd);
    }
  } finally {
    libc.close(dirfd);
  }
}
function readPidFile(libc, path, read = readPidFileOnce) {
  let previous = read(libc, path);
  for (let reads = 1; reads < READS; reads++) {
    const next = read(libc, path);
    if (same(previous, next)) return next;
    previous = next;
  }
  return {
    problem: `kept changing while it was read (${READS} reads, no two alike in a row)`
  };
}
var O_RDONLY2, O_NOCTTY2, O_NONBLOCK2, O_NOFOLLOW2, O_CLOEXEC2, AT_SYMLINK_NOFOLLOW2, AT_EMPTY_PATH2, FILE_FLAGS2, READS, same;
var init_pid_file_reader = __esm({
  "lib/shell/pid_file_reader.ts"() {
    init_file_type();
    init_pid_file();
    init_libc();
    init_overwrite_file();
    ({ O_RDONLY: O_RDONLY2, O_NOCTTY: O_NOCTTY2, O_NONBLOCK: O_NONBLOCK2, O_NOFOLLOW: O_NOFOLLOW2, O_CLOEXEC: O_CLOEXEC2, AT_SYMLINK_NOFOLLOW: AT_SYMLINK_NOFOLLOW2, AT_EMPTY_PATH: AT_EMPTY_PATH2 } = LINUX);
    FILE_FLAGS2 = O_RDONLY2 | O_NONBLOCK2 | O_NOCTTY2 | O_NOFOLLOW2 | O_CLOEXEC2;
    READS = 4;
    same = (a, b) => "text" in a ? "text" in b && a.text === b.text : "problem" in b && a.problem === b.problem;
  }
});

// lib/shell/pidfd.ts
function watchProcess(libc, pid2) {
  if (libc.pidfd_open === null) {
    return {
      reason: "error",
      detail: "libc has no pidfd_open (glibc 2.36 or later has it)"
    };
  }
  const fd = libc.pidfd_open(pid2, 0);
  if (fd < 0) {
    const errno2 = errnoName(libc);
    if (errno2 === "ESRCH") return {
      reason: "absent",
      detail: ""
    };
    if (errno2 === "ENOENT" || errno2 === "EINVAL") return {
      reason: "thread",
      detail: ""
    };
    const hint = errno2 === "ENOSYS" ? " (Linux 5.3 or later has it)" : "";
    return {
      reason: "error",
      detail: `pidfd_open: ${errno2}${hint}`
    };
  }
  const pollfd = new Uint8Array(POLLFD_BYTES);
  const view = new DataView(pollfd.buffer);
  view.setInt32(0, fd, true);
  view.setInt16(4, POLLIN, true);
  let closed = false;
  const watched = {
    pid: pid2,
    hasEnded() {
      if (closed) return true;
      view.setInt16(REVENTS_AT, 0, true);
      return libc.poll(pollfd, 1n, 0) > 0 && (view.getInt16(REVENTS_AT, true) & POLLIN) !== 0;
    },
    close() {
      if (closed) return;
      closed = true;
      libc.close(fd);
    }
  };
  if (watched.hasEnded()) {
    watched.close();
    return {
      reason: "ended",
      detail: ""
    };
  }
  return watched;
}
var POLLIN, POLLFD_BYTES, REVENTS_AT;
var init_pidfd = __esm({
  "lib/shell/pidfd.ts"() {
    init_libc();
    POLLIN = 1;
    POLLFD_BYTES = 8;
    REVENTS_AT = 6;
  }
});

// lib/shell/main_watch.ts
function startMainWatch(ports) {
  const { libc, pidFile, schedule: schedule2, report, reportAfterQueued } = ports;
  let watched;
  let stopped = false;
  let cancelWake;
  const read = () => libc instanceof Error ? {
    problem: `cannot be read without libc: ${libc.message}`
  } : readPidFile(libc, pidFile);
  const key = (result) => JSON.stringify(result);
  const polled = pidFile !== null && !(libc instanceof Error) ? {
    libc,
    pidFile
  } : void 0;
  let lastRead = polled ? key(read()) : "";
  const look = () => {
    if (watched?.hasEnded()) {
      const { pid: pid2 } = watched;
      watched.close();
      watched = void 0;
      reportAfterQueued({
        kind: "mainExited",
        pid: pid2
      });
    }
    if (polled && key(readPidFileOnce(polled.libc, polled.pidFile)) !== lastRead) {
      const result = read();
      const now = key(result);
      if (now !== lastRead) {
        lastRead = now;
        report({
          kind: "pidFile",
          cause: "change",
          read: result
        });
      }
    }
  };
  const wake = () => {
    cancelWake = void 0;
    if (stopped) return;
    try {
      look();
    } finally {
      keepWaking();
    }
  };
  const keepWaking = () => {
    if (stopped || cancelWake !== void 0 || watched === void 0 && !polled) return;
    cancelWake = schedule2(MAIN_WATCH_PERIOD_MS, wake);
  };
  const unwatch = () => {
    watched?.close();
    watched = void 0;
  };
  keepWaking();
  return {
    watch(pid2) {
      unwatch();
      if (stopped) return;
      if (libc instanceof Error) {
        return report({
          kind: "mainUnseen",
          pid: pid2,
          reason: "error",
          detail: `libc not loaded (${libc.message})`
        });
      }
      const opened = watchProcess(libc, pid2);
      if ("hasEnded" in opened) {
        watched = opened;
        keepWaking();
      } else report({
        kind: "mainUnseen",
        pid: pid2,
        reason: opened.reason,
        detail: opened.detail
      });
    },
    unwatch,
    readPidFile() {
      if (stopped || pidFile === null) return;
      const result = read();
      lastRead = key(result);
      report({
        kind: "pidFile",
        cause: "READY=1",
        read: result
      });
    },
    stop() {
      stopped = true;
      cancelWake?.();
      cancelWake = void 0;
      unwatch();
    }
  };
}
var MAIN_WATCH_PERIOD_MS;
var init_main_watch = __esm({
  "lib/shell/main_watch.ts"() {
    init_pid_file_reader();
    init_pidfd();
    MAIN_WATCH_PERIOD_MS = 250;
  }
});

// lib/shell/mailbox.ts
var Mailbox;
var init_mailbox = __esm({
  "lib/shell/mailbox.ts"() {
    Mailbox = class {
      #queue = [];
      #consumer;
      #delivering = false;
      /** Delivers `input` now, or after what is already waiting. */
      post(input) {
        if (this.#consumer !== void 0 && !this.#delivering && this.#queue.length === 0) {
          this.#deliver(input);
          return;
        }
        this.#queue.push(input);
        this.#drain();
      }
      /** Attaches the consumer (once) and delivers what waited for it. */
      open(consumer) {
        if (this.#consumer !== void 0) throw new Error("The mailbox is already open");
        this.#consumer = consumer;
        this.#drain();
      }
      #drain() {
        if (this.#consumer === void 0 || this.#delivering) return;
        while (this.#queue.length > 0) this.#deliver(this.#queue.shift());
      }
      #deliver(input) {
        this.#delivering = true;
        try {
          this.#consumer(input);
        } finally {
          this.#delivering = false;
        }
        if (this.#queue.length > 0) this.#drain();
      }
    };
  }
});

// lib/shell/loopback_pair.ts
function sameEndpoint(a, b) {
  return a.transport === "tcp" && b.transport === "tcp" && a.hostname === b.hostname && a.port === b.port;
}
function closeQuietly(closable) {
  try {
    closable?.close();
  } catch {
  }
}
async function acceptOwn(listener, near) {
  for (let accepted = 0; accepted <= MAX_STRANGERS; accepted++) {
    const far = await listener.accept();
    if (sameEndpoint(far.remoteAddr, near.localAddr)) return far;
    far.close();
  }
  return void 0;
}
async function pairOn(hostname) {
  let listener;
  try {
    listener = Deno.listen({
      hostname,
      port: 0
    });
  } catch {
    return void 0;
  }
  let near;
  try {
    near = await Deno.connect({
      hostname,
      port: listener.addr.port
    });
    const far = await acceptOwn(listener, near);
    if (far !== void 0) return {
      near,
      far
    };
  } catch {
  } finally {
    closeQuietly(listener);
  }
  closeQuietly(near);
  return void 0;
}
async function openLoopbackPair() {
  for (const hostname of LOOPBACKS) {
    const pair = await pairOn(hostname);
    if (pair !== void 0) return pair;
  }
  return void 0;
}
var LOOPBACKS, MAX_STRANGERS;
var init_loopback_pair = __esm({
  "lib/shell/loopback_pair.ts"() {
    LOOPBACKS = [
      "127.0.0.1",
      "::1"
    ];
    MAX_STRANGERS = 8;
  }
});

// lib/shell/next_turn.ts
function open() {
  const created = new MessageChannel();
  created.port2.onmessage = () => waiting.shift()?.();
  created.port1.unref();
  created.port2.unref();
  return created;
}
function nextTurn() {
  channel ??= open();
  const { port1 } = channel;
  return new Promise((resolve) => {
    waiting.push(resolve);
    port1.postMessage(null);
  });
}
async function pollSockets() {
  await crypto.subtle.digest("SHA-1", NOTHING2);
}
function openSocketPoller() {
  const buffer = new Uint8Array(64);
  let open2;
  let closed = false;
  const read = (far) => {
    const reading = far.read(buffer);
    reading.catch(() => {
    });
    return reading;
  };
  const drop = () => {
    for (const end of [
      open2?.pair.near,
      open2?.pair.far
    ]) {
      try {
        end?.close();
      } catch {
      }
    }
    open2 = void 0;
  };
  void openLoopbackPair().then((pair) => {
    if (pair === void 0) return;
    pair.near.setNoDelay(true);
    open2 = {
      pair,
      reading: read(pair.far)
    };
    if (closed) drop();
  });
  let polling;
  const pollOnce = async () => {
    try {
      const current = open2;
      if (current !== void 0) {
        try {
          await current.pair.near.write(ONE_BYTE);
          if (await current.reading !== null) {
            if (!closed) current.reading = read(current.pair.far);
            return;
          }
        } catch {
        }
        if (closed) return;
        drop();
      }
      if (!closed) await pollSockets();
    } finally {
      polling = void 0;
    }
  };
  return {
    poll: () => closed ? Promise.resolve() : polling ??= pollOnce(),
    close() {
      if (closed) return;
      closed = true;
      drop();
    }
  };
}
var channel, waiting, NOTHING2, ONE_BYTE;
var init_next_turn = __esm({
  "lib/shell/next_turn.ts"() {
    init_loopback_pair();
    waiting = [];
    NOTHING2 = new Uint8Array(0);
    ONE_BYTE = new Uint8Array(1);
  }
});

// lib/shell/notify_socket.ts
function withUmask(umask, action) {
  const saved = Deno.umask(umask);
  try {
    return action();
  } finally {
    Deno.umask(saved);
  }
}
function createDirectories(address, missing) {
  for (const directory of missing) {
    try {
      withUmask(18, () => Deno.mkdirSync(directory, {
        mode: 493
      }));
    } catch (error) {
      if (error instanceof Deno.errors.AlreadyExists && Deno.lstatSync(directory).isDirectory) {
        continue;
      }
      throw new SocketSetupError(`Cannot create the directory ${directory} of NOTIFY_SOCKET ${address.text}: ${errorText(error)}`, 1);
    }
  }
}
async function liveness(path) {
  try {
    (await Deno.connect({
      transport: "unix",
      path
    })).close();
    return "live";
  } catch (error) {
    if (error instanceof Deno.errors.ConnectionRefused) return "stale";
    if (error instanceof Deno.errors.NotFound) return "gone";
    if (error instanceof Error && /\(os error 91\)/.test(error.message)) return "live";
    return error instanceof Error ? error : new Error(String(error));
  }
}
async function clearPath(address, path) {
  const quoted = JSON.stringify(address.text);
  let info;
  try {
    info = Deno.lstatSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw new SocketSetupError(`Cannot inspect NOTIFY_SOCKET ${quoted}: ${errorText(error)}`, 1);
  }
  if (!info.isSocket) {
    throw new SocketSetupError(`Refusing NOTIFY_SOCKET ${quoted}: it exists and is not a socket`, 2);
  }
  const state = await liveness(path);
  if (state === "gone") return false;
  if (state === "live") {
    throw new SocketSetupError(`Refusing NOTIFY_SOCKET ${quoted}: another process is listening on it (another adapter, or the service manager that started this one?)`, 1);
  }
  if (state instanceof Error) {
    throw new SocketSetupError(`Refusing NOTIFY_SOCKET ${quoted}: cannot tell whether another process listens on it: ${errorText(state)}`, 1);
  }
  try {
    Deno.removeSync(path);
  } catch (error) {
    throw new SocketSetupError(`Cannot remove the stale socket at NOTIFY_SOCKET ${quoted}: ${errorText(error)}`, 1);
  }
  return true;
}
function listen(address, bindPath) {
  try {
    return Deno.listenDatagram({
      transport: "unixpacket",
      path: bindPath
    });
  } catch (error) {
    const why = error instanceof Deno.errors.AddrInUse ? "another process is listening on it" : errorText(error);
    throw new SocketSetupError(`Cannot bind NOTIFY_SOCKET ${JSON.stringify(address.text)}: ${why}`, 1);
  }
}
async function bindNotifySocket(address, resolved, mode) {
  if (address.abstract || resolved === null) {
    return {
      conn: listen(address, address.bindPath),
      file: null,
      replacedStale: false
    };
  }
  createDirectories(address, resolved.missing);
  const replacedStale = await clearPath(address, resolved.path);
  const conn = withUmask(~mode & 511, () => listen(address, resolved.path));
  try {
    const info = Deno.lstatSync(resolved.path);
    if (!info.isSocket || info.dev === null || info.ino === null) throw new Error("not a socket");
    const file = {
      path: resolved.path,
      dev: info.dev,
      ino: info.ino,
      mode: (info.mode ?? 0) & 511
    };
    return {
      conn,
      file,
      replacedStale
    };
  } catch (error) {
    conn.close();
    throw new SocketSetupError(`Cannot bind NOTIFY_SOCKET ${JSON.stringify(address.text)}: the path changed while binding (${errorText(error)})`, 1);
  }
}
function removeNotifySocket(file) {
  if (file === null) return false;
  try {
    const info = Deno.lstatSync(file.path);
    if (info.dev !== file.dev || info.ino !== file.ino) return false;
    Deno.removeSync(file.path);
    return true;
  } catch {
    return false;
  }
}
var SocketSetupError;
var init_notify_socket = __esm({
  "lib/shell/notify_socket.ts"() {
    init_logging();
    SocketSetupError = class extends Error {
      exitStatus;
      /** `exitStatus` is 2 for a path that must not be touched, 1 for other failures. */
      constructor(message, exitStatus2) {
        super(message), this.exitStatus = exitStatus2;
        this.name = "SocketSetupError";
      }
    };
  }
});

// lib/shell/open_files_limit.ts
function raiseOpenFilesLimit(libc) {
  if (libc instanceof Error) return libc;
  const limits = new BigUint64Array(2);
  if (libc.getrlimit(RLIMIT_NOFILE, limits) !== 0) {
    return new Error(`getrlimit(RLIMIT_NOFILE) failed: ${errnoName(libc)}`);
  }
  const [raisedFrom, hard] = [
    Number(limits[0]),
    Number(limits[1])
  ];
  if (raisedFrom < hard) {
    limits[0] = limits[1];
    if (libc.setrlimit(RLIMIT_NOFILE, limits) !== 0) {
      return new Error(`setrlimit(RLIMIT_NOFILE) to ${hard} failed: ${errnoName(libc)}`);
    }
  }
  return {
    soft: Math.max(raisedFrom, hard),
    hard,
    raisedFrom
  };
}
function withLimitFoundAtStart(libc, limit, spawn) {
  if (libc === void 0 || limit instanceof Error || limit.raisedFrom === limit.soft) {
    return spawn();
  }
  const limits = new BigUint64Array([
    BigInt(limit.raisedFrom),
    BigInt(limit.hard)
  ]);
  libc.setrlimit(RLIMIT_NOFILE, limits);
  try {
    return spawn();
  } finally {
    limits[0] = BigInt(limit.soft);
    libc.setrlimit(RLIMIT_NOFILE, limits);
  }
}
function connectionCap(limit) {
  const max = HTTP_LIMITS.maxConnections;
  if (limit instanceof Error) return max;
  return Math.min(max, Math.max(MIN_CONNECTIONS, limit.soft - RESERVED_DESCRIPTORS));
}
function logOpenFilesLimit(logger, limit) {
  const maxConnections = connectionCap(limit);
  if (limit instanceof Error) {
    logger.log("warning", "Open files limit not raised", {
      error: limit.message,
      maxConnections
    });
  } else {
    logger.log("info", "Open files limit", {
      ...limit,
      maxConnections
    });
  }
}
var RLIMIT_NOFILE, RESERVED_DESCRIPTORS, MIN_CONNECTIONS;
var init_open_files_limit = __esm({
  "lib/shell/open_files_limit.ts"() {
    init_libc();
    init_http_server();
    RLIMIT_NOFILE = 7;
    RESERVED_DESCRIPTORS = 64;
    MIN_CONNECTIONS = 8;
  }
});

// lib/shell/line_writer.ts
function isBroken(error) {
  return error instanceof Deno.errors.BrokenPipe || error instanceof Deno.errors.BadResource;
}
function countLines(bytes) {
  let lines = 0;
  for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, at + 1)) lines++;
  return lines;
}
var NEWLINE, LineWriter;
var init_line_writer = __esm({
  "lib/shell/line_writer.ts"() {
    NEWLINE = 10;
    LineWriter = class {
      #sink;
      #capacity;
      #events;
      #batchWait;
      #encoder = new TextEncoder();
      #queue = [];
      #queuedLines = 0;
      #writing;
      #broken = false;
      #stalled = false;
      #failing = false;
      // A write failed partway, perhaps in the middle of a line: the next starts a new one.
      #newLineFirst = false;
      #dropped = 0;
      #droppedSinceResume = 0;
      #waiters = [];
      /**
       * Writes to `sink` with room for `capacity` queued lines. A batch starts once `batchWait`
       * resolves: by default after the current microtasks; the adapter passes a turn of the event
       * loop, so that a flood's burst becomes one write.
       */
      constructor(sink, capacity, events2, batchWait = () => Promise.resolve()) {
        this.#sink = sink;
        this.#capacity = capacity;
        this.#events = events2;
        this.#batchWait = batchWait;
      }
      /** Lines queued and not yet handed to the sink. */
      get queuedLines() {
        return this.#queuedLines;
      }
      /** Whether the queue is at capacity and the reader has not yet given up waiting. */
      get full() {
        return this.#queuedLines >= this.#capacity && !this.#stalled && !this.#broken;
      }
      /** Whether the output is closed or broken: nothing more is written. */
      get broken() {
        return this.#broken;
      }
      /** Lines dropped so far because the output did not keep up or failed. */
      get droppedLines() {
        return this.#dropped;
      }
      /** Queues `text`, which holds `lines` complete lines, each ending in `\n`. */
      write(text, lines = 1) {
        if (this.#broken) return;
        if (this.#stalled && this.#queuedLines >= this.#capacity) {
          this.#drop(lines);
          return;
        }
        this.#queue.push(text);
        this.#queuedLines += lines;
        this.#writing ??= this.#pump();
      }
      /** The reader waited long enough: while the queue is full, drop instead of waiting. */
      stall() {
        if (this.#queuedLines >= this.#capacity) this.#stalled = true;
      }
      /** Resolves once fewer than `limit` lines are queued (at once if already so). */
      whenBelow(limit) {
        if (this.#queuedLines < limit || this.#broken) return Promise.resolve();
        return new Promise((resolve) => this.#waiters.push({
          limit,
          resolve
        }));
      }
      /** Resolves once there is room for another line. */
      whenRoom() {
        return this.whenBelow(this.#capacity);
      }
      /** Resolves once everything queued so far has been written (or dropped). */
      async flush() {
        if (this.#newLineFirst && this.#writing === void 0) this.#writing = this.#pump();
        while (this.#writing !== void 0) await this.#writing;
      }
      #drop(lines) {
        this.#dropped += lines;
        this.#droppedSinceResume += lines;
      }
      async #pump() {
        await this.#batchWait();
        try {
          while ((this.#queue.length > 0 || this.#newLineFirst) && !this.#broken) {
            if (!await this.#writeBatch()) break;
          }
        } finally {
          this.#writing = void 0;
        }
      }
      // Writes the queue as one batch; false when the write failed.
      async #writeBatch() {
        const text = this.#queue.length === 1 ? this.#queue[0] : this.#queue.join("");
        this.#queue = [];
        this.#queuedLines = 0;
        this.#release();
        const batch = this.#encoder.encode(this.#newLineFirst ? `
${text}` : text);
        let bytes = batch;
        try {
          while (bytes.length > 0) bytes = bytes.subarray(await this.#sink.write(bytes));
        } catch (error) {
          const prefix = this.#newLineFirst && bytes.length === batch.length ? 1 : 0;
          this.#fail(error, bytes.subarray(prefix));
          return false;
        }
        this.#newLineFirst = false;
        this.#progress();
        return true;
      }
      #fail(error, unwritten) {
        if (isBroken(error)) {
          this.#broken = true;
          this.#queue = [];
          this.#queuedLines = 0;
          this.#newLineFirst = false;
          this.#release();
          this.#events.broken(error);
          return;
        }
        this.#drop(countLines(unwritten));
        this.#newLineFirst = true;
        if (!this.#failing) {
          this.#failing = true;
          this.#events.failed(error);
        }
      }
      // A write went through: a stall or a run of failures ends once the queue is empty.
      #progress() {
        this.#failing = false;
        if (this.#queuedLines > 0) return;
        this.#stalled = false;
        if (this.#droppedSinceResume > 0) {
          const dropped = this.#droppedSinceResume;
          this.#droppedSinceResume = 0;
          this.#events.resumed(dropped);
        }
      }
      #release() {
        const waiting2 = this.#waiters;
        this.#waiters = [];
        for (const waiter of waiting2) {
          if (this.#queuedLines < waiter.limit || this.#broken) waiter.resolve();
          else this.#waiters.push(waiter);
        }
      }
    };
  }
});

// lib/shell/outputs.ts
function events(output, logger) {
  return {
    broken: (error) => logger().log("error", `${output === "stdout" ? "Echo" : "Log"} stopped: ${output} is closed or broken`, {
      error: errorText(error)
    }),
    failed: (error) => logger().log("error", "Output failed", {
      output,
      error: errorText(error)
    }),
    resumed: (dropped) => logger().log("warning", "Output lines dropped", {
      output,
      lines: dropped
    })
  };
}
function boundedWait(writer, schedule2) {
  return new Promise((resolve) => {
    const cancel = schedule2(MAX_OUTPUT_WAIT_MS, () => {
      writer.stall();
      resolve();
    });
    writer.whenRoom().then(() => {
      cancel();
      resolve();
    });
  });
}
function createOutputs(config, ports) {
  let logger = SILENT;
  const make = (sink, output) => new LineWriter(sink, config.channelSize, events(output, () => logger), ports.batchWait);
  const echo = config.echo ? make(ports.stdout, "stdout") : void 0;
  const log2 = config.log ? make(ports.stderr, "stderr") : void 0;
  if (log2 !== void 0) logger = createLogger(log2);
  return {
    echo,
    log: log2,
    logger,
    echoLines: (lines) => echo?.write(lines.length === 1 ? `${lines[0]}
` : `${lines.join("\n")}
`, lines.length),
    outputWait() {
      const waits = [];
      if (echo?.full) waits.push(boundedWait(echo, ports.schedule));
      if (log2?.full) waits.push(boundedWait(log2, ports.schedule));
      if (waits.length === 0) return void 0;
      return waits.length === 1 ? waits[0] : Promise.all(waits).then(() => {
      });
    },
    droppedLines: () => ({
      stdout: echo?.droppedLines ?? 0,
      stderr: log2?.droppedLines ?? 0
    }),
    flush: async () => {
      await Promise.all([
        echo?.flush(),
        log2?.flush()
      ]);
    }
  };
}
var MAX_OUTPUT_WAIT_MS;
var init_outputs = __esm({
  "lib/shell/outputs.ts"() {
    init_line_writer();
    init_logging();
    MAX_OUTPUT_WAIT_MS = 10;
  }
});

// lib/shell/reaper.ts
function startReaper(libc, ours, schedule2) {
  const info = new Uint8Array(SIGINFO_BYTES);
  const view = new DataView(info.buffer);
  const status = new Uint8Array(4);
  let stopped = false;
  const sweep = () => {
    while (!stopped) {
      info.fill(0);
      if (libc.waitid(P_ALL, 0, info, WEXITED | WNOHANG | WNOWAIT) !== 0) return;
      const pid2 = view.getInt32(SI_PID_OFFSET, true);
      if (pid2 === 0 || ours().has(pid2)) return;
      if (libc.waitpid(pid2, status, WNOHANG) !== pid2) return;
    }
  };
  const periodic = () => {
    if (stopped) return;
    sweep();
    schedule2(SWEEP_MS, periodic);
  };
  Deno.addSignalListener("SIGCHLD", sweep);
  schedule2(SWEEP_MS, periodic);
  return {
    sweep,
    stop: () => {
      stopped = true;
    }
  };
}
var P_ALL, WNOHANG, WEXITED, WNOWAIT, SIGINFO_BYTES, SI_PID_OFFSET, SWEEP_MS;
var init_reaper = __esm({
  "lib/shell/reaper.ts"() {
    P_ALL = 0;
    WNOHANG = 1;
    WEXITED = 4;
    WNOWAIT = 16777216;
    SIGINFO_BYTES = 128;
    SI_PID_OFFSET = 16;
    SWEEP_MS = 1e3;
  }
});

// lib/shell/runtime.ts
function createStore(initial) {
  let state = initial;
  const apply = (input, now) => {
    let result;
    try {
      result = step(state, input, now);
    } catch (error) {
      if (input.kind === "failed") return [];
      return apply({
        kind: "failed",
        error: errorText(error)
      }, now);
    }
    state = result.state;
    return result.effects;
  };
  return {
    get state() {
      return state;
    },
    step: apply
  };
}
function createRuntime(store, ports) {
  const perform = (effect) => {
    switch (effect.kind) {
      case "echo":
        return ports.echo(effect.lines);
      case "log":
        return ports.logger.log(effect.level, effect.message, effect.fields);
      case "armTimer":
        return ports.armTimer(effect.at);
      case "spawn":
        return ports.spawn(effect.command);
      case "signalChild":
        return ports.signalChild(effect.signal);
      case "watchMain":
        return ports.watchMain(effect.pid);
      case "unwatchMain":
        return ports.unwatchMain();
      case "readPidFile":
        return ports.readPidFile();
      case "shutdown":
        return ports.closeEndpoints();
      case "writeTerminationMessage":
        return ports.writeTerminationMessage(effect.path, effect.text);
      case "exit":
        return ports.exit(effect.exitStatus, effect.startupFailure);
      default:
        effect;
    }
  };
  const dispatch = (input) => {
    const effects = store.step(input, ports.now());
    let failures;
    for (let index = 0; index < effects.length; index++) {
      try {
        perform(effects[index]);
      } catch (error) {
        (failures ??= []).push(error);
      }
    }
    if (failures !== void 0) {
      for (const error of failures) dispatch({
        kind: "failed",
        error: errorText(error)
      });
    }
  };
  return dispatch;
}
var init_runtime = __esm({
  "lib/shell/runtime.ts"() {
    init_error_text();
    init_reducer();
  }
});

// lib/shell/signal_listeners.ts
function catchSignals(onSignal) {
  for (const signal of CAUGHT_SIGNALS) Deno.addSignalListener(signal, () => onSignal(signal));
}
var init_signal_listeners = __esm({
  "lib/shell/signal_listeners.ts"() {
    init_signal_policy();
  }
});

// lib/shell/socket_reader.ts
var TICK_FALLBACK_MS, MARKER_BYTES, DATAGRAMS_PER_CLOCK_CHECK, SLICE_MS, SocketReader;
var init_socket_reader = __esm({
  "lib/shell/socket_reader.ts"() {
    init_notify_message();
    TICK_FALLBACK_MS = 10;
    MARKER_BYTES = 32;
    DATAGRAMS_PER_CLOCK_CHECK = 8;
    SLICE_MS = 0.25;
    SocketReader = class {
      #conn;
      #target;
      #ports;
      #marker = crypto.getRandomValues(new Uint8Array(MARKER_BYTES));
      #sender;
      #tickPending = false;
      // What waits for the datagrams already queued: the tick, a child's end.
      #afterQueue = [];
      #cancelFallback;
      // Ends the reader's wait for a full output: a deadline falling due must not wait on output.
      #interruptWait;
      #closed = false;
      /** Reads `conn`, whose bind address is `target` (a path, or NUL + an abstract name). */
      constructor(conn, target, ports) {
        this.#conn = conn;
        this.#target = target;
        this.#ports = ports;
        this.#marker[0] = 0;
      }
      /** Asks for a tick behind whatever the socket already holds. */
      requestTick() {
        if (this.#tickPending) return;
        this.#tickPending = true;
        this.afterQueued(() => {
          this.#tickPending = false;
          this.#ports.tick();
        });
      }
      /**
       * Runs `action` once every datagram the socket holds now has been handled: a timer's expiry
       * and a child's end are judged after the notifications that came before them, as systemd
       * reads the notification socket before its timers and SIGCHLD.
       */
      afterQueued(action) {
        if (this.#closed) return action();
        this.#afterQueue.push(action);
        if (this.#afterQueue.length > 1) return;
        this.#cancelFallback = this.#ports.schedule(TICK_FALLBACK_MS, () => this.#markerArrived());
        this.#interruptWait?.();
        void this.#sendMarker();
      }
      /** Stops reading; the loop returns. */
      close() {
        if (this.#closed) return;
        this.#closed = true;
        this.#sender?.close();
        this.#conn.close();
        this.#markerArrived();
      }
      /** Receives until the socket is closed. */
      async run() {
        const ports = this.#ports;
        const buffer = new Uint8Array(NOTIFY_BUFFER_MAX + 1);
        let sinceCheck = 0;
        let sliceStart = ports.now();
        while (true) {
          let datagram;
          try {
            [datagram] = await this.#conn.receive(buffer);
          } catch (error) {
            if (this.#closed || error instanceof Deno.errors.BadResource) return;
            if (error instanceof Deno.errors.Interrupted) continue;
            ports.error(error);
            await new Promise((resolve) => ports.schedule(10, resolve));
            continue;
          }
          if (datagram.length === MARKER_BYTES && this.#isMarker(datagram)) {
            this.#markerArrived();
            continue;
          }
          ports.datagram(datagram);
          const wait = this.#afterQueue.length > 0 ? void 0 : ports.outputWait();
          if (wait !== void 0) {
            await Promise.race([
              wait,
              new Promise((resolve) => this.#interruptWait = resolve)
            ]);
            this.#interruptWait = void 0;
          }
          if (++sinceCheck === DATAGRAMS_PER_CLOCK_CHECK) {
            sinceCheck = 0;
            if (ports.now() - sliceStart >= SLICE_MS) {
              await ports.yieldToLoop();
              sliceStart = ports.now();
            }
          }
        }
      }
      #isMarker(datagram) {
        const marker = this.#marker;
        for (let i = 0; i < MARKER_BYTES; i++) if (datagram[i] !== marker[i]) return false;
        return true;
      }
      #markerArrived() {
        const actions = this.#afterQueue;
        if (actions.length === 0) return;
        this.#afterQueue = [];
        this.#cancelFallback?.();
        this.#cancelFallback = void 0;
        for (const action of actions) action();
      }
      // A datagram socket cannot send while its own receive() is pending: a second socket sends.
      // It is unbound: with no name, nobody can list it, send to it or fill its queue.
      async #sendMarker() {
        try {
          this.#sender ??= Deno.listenDatagram({
            transport: "unixpacket"
          });
          await this.#sender.send(this.#marker, {
            transport: "unixpacket",
            path: this.#target
          });
        } catch {
          this.#markerArrived();
        }
      }
    };
  }
});

// lib/shell/termination_log.ts
async function writeBounded(path, bytes) {
  const written = overwriteFileWithDeno(path, bytes).then(() => "written");
  const timeout = sleep(WRITE_BUDGET_MS2).then(() => "timeout");
  if (await Promise.race([
    written,
    timeout
  ]) === "timeout") {
    throw new Error(`no write within ${WRITE_BUDGET_MS2} ms`);
  }
}
async function writeTerminationLog(path, message, logger, libc, permission) {
  const bytes = new TextEncoder().encode(message);
  try {
    if (terminationPathProblem(path, permission) !== void 0) {
      throw new Error("not in the adapter's permission set");
    }
    if (libc !== void 0) overwriteFile(libc, path, bytes);
    else await writeBounded(path, bytes);
  } catch (error) {
    logger.log("warning", "Termination message not written", {
      path,
      error: errorText(error)
    });
  }
}
var WRITE_BUDGET_MS2;
var init_termination_log = __esm({
  "lib/shell/termination_log.ts"() {
    init_logging();
    init_overwrite_file();
    init_permissions();
    init_schedule();
    WRITE_BUDGET_MS2 = 500;
  }
});

// lib/shell/adapter.ts
async function runAdapter(loaded, socketPath, launcher) {
  return await run(await startUp(loaded, socketPath, launcher));
}
async function startUp(loaded, socketPath, launcher) {
  const { config } = loaded;
  const now = () => performance.now();
  const mailbox = new Mailbox();
  const store = createStore(initialState(config, launcher?.command ?? null));
  const outputs = createOutputs(config, {
    stdout: Deno.stdout,
    stderr: Deno.stderr,
    schedule,
    batchWait: nextTurn
  });
  const { logger } = outputs;
  reportUnexpectedErrors((error) => mailbox.post({
    kind: "failed",
    error: errorText(error)
  }));
  logger.log("info", "Configuration", loaded.effective);
  for (const warning of loaded.warnings) logger.log("warning", warning, {});
  catchSignals((signal) => mailbox.post({
    kind: "signal",
    signal
  }));
  const libc = loadAdapterLibc(outputs, launcher !== null);
  dropPermissions("ffi");
  const openFilesLimit = raiseOpenFilesLimit(libc);
  logOpenFilesLimit(logger, openFilesLimit);
  const { bound, listener } = await openEndpoints(loaded, socketPath, outputs, (request) => handleRequest(request, store.state, {
    wall: Date.now(),
    monotonic: now(),
    origin: performance.timeOrigin
  }, outputs.droppedLines()), connectionCap(openFilesLimit));
  return {
    loaded,
    launcher,
    now,
    mailbox,
    store,
    outputs,
    libc,
    openFilesLimit,
    bound,
    listener
  };
}
function loadAdapterLibc({ logger }, wrapper) {
  const opened = loadLibc();
  if (opened instanceof Error && wrapper) {
    logger.log("warning", "libc not loaded: no reaping as PID 1, termination message through Deno", {
      error: opened.message
    });
  }
  return opened;
}
async function openEndpoints({ config }, socketPath, outputs, handler, maxConnections) {
  const { logger } = outputs;
  let bound;
  try {
    bound = await bindNotifySocket(config.notifySocket, socketPath, config.socketMode);
  } catch (error) {
    const { message, exitStatus: exitStatus2 } = error instanceof SocketSetupError ? error : {
      message: `Cannot start: ${errorText(error)}`,
      exitStatus: 1
    };
    throw new StartupError(message, exitStatus2, {}, outputs.flush());
  }
  dropPermissions("sys");
  if (bound.replacedStale) {
    logger.log("info", "Stale socket replaced", {
      socket: config.notifySocket.text
    });
  }
  if (bound.file !== null && bound.file.mode !== config.socketMode) {
    logger.log("warning", "Socket mode differs from ADAPTER_SOCKET_MODE", {
      socket: config.notifySocket.text,
      mode: `0${bound.file.mode.toString(8)}`
    });
  }
  try {
    const listener = listenHttp({
      host: config.host,
      port: config.port,
      logger,
      schedule,
      handler,
      limits: {
        maxConnections
      }
    });
    return {
      bound,
      listener
    };
  } catch (error) {
    bound.conn.close();
    removeNotifySocket(bound.file);
    const message = `Cannot listen on ADAPTER_HOST ${config.host} ADAPTER_PORT ${config.port}: ${errorText(error)}`;
    throw new StartupError(message, 1, {}, outputs.flush());
  }
}
function run(started) {
  const { loaded: { config }, launcher, now, mailbox, store, outputs, bound } = started;
  const { openFilesLimit } = started;
  const libc = started.libc instanceof Error ? void 0 : started.libc;
  const { logger } = outputs;
  const parse = memoizedParser();
  let poller;
  let socketClosed = false;
  const reader = new SocketReader(bound.conn, bound.file?.path ?? config.notifySocket.bindPath, {
    datagram: (bytes) => mailbox.post({
      kind: "datagram",
      message: parse(bytes)
    }),
    tick: () => mailbox.post({
      kind: "tick"
    }),
    outputWait: () => outputs.outputWait(),
    yieldToLoop: () => socketClosed ? Promise.resolve() : (poller ??= openSocketPoller()).poll(),
    now,
    schedule,
    error: (error) => logger.log("error", "Socket receive failed", {
      error: errorText(error)
    })
  });
  const timer = new DeadlineTimer(now, schedule, () => reader.requestTick());
  const reaper = launcher !== null && libc !== void 0 && Deno.pid === 1 ? startReaper(libc, () => mainPids(store), schedule) : void 0;
  const mainWatch = startMainWatch({
    libc: started.libc,
    pidFile: config.pidFile,
    schedule,
    report: (input) => mailbox.post(input),
    // What it sent before it ended counts, as for the child.
    reportAfterQueued: (input) => reader.afterQueued(() => mailbox.post(input))
  });
  let child;
  const { promise: exited2, resolve: exitWith, reject: failWith } = Promise.withResolvers();
  const closing = shutDown(started, () => {
    reader.close();
    socketClosed = true;
    poller?.close();
    mainWatch.stop();
  });
  const dispatch = createRuntime(store, {
    now,
    echo: (lines) => outputs.echoLines(lines),
    logger,
    armTimer: (at) => timer.arm(at),
    spawn: () => {
      if (launcher === null) return;
      const launched = withLimitFoundAtStart(libc, openFilesLimit, () => launcher.launch((pid2, end) => {
        reaper?.sweep();
        reader.afterQueued(() => mailbox.post(end instanceof Error ? {
          kind: "failed",
          error: errorText(end)
        } : {
          kind: "exited",
          pid: pid2,
          end
        }));
      }));
      if ("exitStatus" in launched) {
        const { exitStatus: exitStatus2, message } = launched;
        return mailbox.post({
          kind: "spawnFailed",
          exitStatus: exitStatus2,
          reason: message
        });
      }
      child = launched;
      mailbox.post({
        kind: "spawned",
        pid: launched.pid
      });
    },
    signalChild: (signal) => child?.kill(signal),
    watchMain: (pid2) => mainWatch.watch(pid2),
    unwatchMain: () => mainWatch.unwatch(),
    readPidFile: () => mainWatch.readPidFile(),
    closeEndpoints: closing.closeEndpoints,
    writeTerminationMessage: (path, text) => closing.writeTerminationMessage(path, text, libc),
    exit: (exitStatus2, startupFailure2) => {
      reaper?.stop();
      closing.finish().then(() => {
        if (startupFailure2 !== null && !config.log) {
          failWith(new StartupError(startupFailure2, exitStatus2));
        } else exitWith(exitStatus2);
      });
    }
  });
  mailbox.open(dispatch);
  mailbox.post({
    kind: "started",
    socket: config.notifySocket.text,
    address: started.listener.address,
    pid: Deno.pid
  });
  void reader.run();
  return exited2;
}
function mainPids(store) {
  const main = store.state.mainProcess;
  return new Set(main?.phase === "running" ? [
    main.pid
  ] : []);
}
function shutDown(started, stopReading) {
  const { outputs, bound, listener } = started;
  let serverStopped = Promise.resolve();
  let budget = Promise.resolve();
  let messageWritten = Promise.resolve();
  return {
    closeEndpoints: () => {
      stopReading();
      removeNotifySocket(bound.file);
      budget = sleep(SERVER_STOP_BUDGET_MS);
      serverStopped = listener.shutdown();
    },
    writeTerminationMessage: (path, text, libc) => {
      messageWritten = writeTerminationLog(path, text, outputs.logger, libc);
    },
    finish: async () => {
      await Promise.race([
        serverStopped,
        budget
      ]);
      await messageWritten;
      await Promise.race([
        outputs.flush(),
        sleep(FLUSH_BUDGET_MS)
      ]);
    }
  };
}
var SERVER_STOP_BUDGET_MS, FLUSH_BUDGET_MS;
var init_adapter = __esm({
  "lib/shell/adapter.ts"() {
    init_http_handler();
    init_notify_message();
    init_reducer();
    init_deadline_timer();
    init_http_server();
    init_last_resort();
    init_libc();
    init_main_watch();
    init_logging();
    init_mailbox();
    init_next_turn();
    init_notify_socket();
    init_open_files_limit();
    init_outputs();
    init_permissions();
    init_reaper();
    init_runtime();
    init_schedule();
    init_signal_listeners();
    init_socket_reader();
    init_startup_failure();
    init_termination_log();
    SERVER_STOP_BUDGET_MS = 1500;
    FLUSH_BUDGET_MS = 300;
  }
});

// lib/commands/sidecar.ts
var sidecar_exports = {};
__export(sidecar_exports, {
  runSidecar: () => runSidecar
});
async function runSidecar(loaded, socketPath) {
  dropPermissions("run");
  return await runAdapter(loaded, socketPath, null);
}
var init_sidecar = __esm({
  "lib/commands/sidecar.ts"() {
    init_adapter();
    init_permissions();
  }
});

// lib/commands/wrapper/child_environment.ts
function serviceVariables(config) {
  const variables = {
    NOTIFY_SOCKET: config.notifySocket.text
  };
  const usec = Math.round(config.watchdogMs * 1e3);
  if (usec > 0) variables.WATCHDOG_USEC = String(usec);
  return variables;
}
function inheritedToRemove(names) {
  const remove = new Set(INHERITED_VARIABLES);
  for (const name of names) if (name.startsWith("LISTEN_")) remove.add(name);
  return [
    ...remove
  ].sort();
}
var INHERITED_VARIABLES;
var init_child_environment = __esm({
  "lib/commands/wrapper/child_environment.ts"() {
    INHERITED_VARIABLES = Object.freeze([
      "WATCHDOG_PID",
      "WATCHDOG_USEC",
      "LISTEN_PID",
      "LISTEN_FDS",
      "LISTEN_FDNAMES"
    ]);
  }
});

// lib/commands/wrapper/spawn_failure.ts
function spawnFailure(command, error) {
  const failure = FAILURES.find((row) => error instanceof row.error);
  const where = failure?.exitStatus === 127 && !command.includes("/") ? " in PATH" : "";
  const what = failure === void 0 ? "cannot be executed" : failure.what + where;
  const detail = errorText(error);
  return {
    exitStatus: failure?.exitStatus ?? 126,
    message: `Cannot start COMMAND ${JSON.stringify(command)}: ${what} (${detail})`
  };
}
var FAILURES;
var init_spawn_failure = __esm({
  "lib/commands/wrapper/spawn_failure.ts"() {
    init_error_text();
    FAILURES = [
      {
        error: Deno.errors.NotFound,
        exitStatus: 127,
        what: "not found"
      },
      {
        error: Deno.errors.PermissionDenied,
        exitStatus: 126,
        what: "not executable"
      },
      {
        error: Deno.errors.NotCapable,
        exitStatus: 126,
        what: "not allowed by Deno's permissions"
      }
    ];
  }
});

// lib/commands/wrapper/wrapper.ts
var wrapper_exports = {};
__export(wrapper_exports, {
  childEnd: () => childEnd,
  runWrapper: () => runWrapper
});
function childEnd(outcome) {
  if (!("error" in outcome)) return processEnd(outcome.code, outcome.signal);
  const { error } = outcome;
  const number = error instanceof Error ? error.message.match(UNNAMED_SIGNAL)?.[1] : void 0;
  if (number !== void 0) return {
    kind: "killed",
    signal: Number(number)
  };
  return error instanceof Error ? error : new Error(String(error));
}
function prepareEnvironment() {
  const names = Object.keys(readEnvironment([]).values);
  for (const name of inheritedToRemove(names)) Deno.env.delete(name);
}
function launcherOf(loaded, command) {
  const [program, ...args] = command;
  return {
    command,
    launch(ended2) {
      prepareEnvironment();
      let process;
      try {
        process = new Deno.Command(program, {
          args,
          env: serviceVariables(loaded.config),
          stdin: "inherit",
          stdout: "inherit",
          stderr: "inherit"
        }).spawn();
      } catch (error) {
        return spawnFailure(program, error);
      } finally {
        dropPermissions("run", "env");
      }
      const { pid: pid2 } = process;
      process.status.then(({ code, signal }) => ended2(pid2, childEnd({
        code,
        signal
      })), (error) => ended2(pid2, childEnd({
        error
      })));
      return {
        pid: pid2,
        kill(signal) {
          try {
            process.kill(signal);
          } catch {
          }
        }
      };
    }
  };
}
async function runWrapper(loaded, socketPath, command) {
  return await runAdapter(loaded, socketPath, launcherOf(loaded, command));
}
var UNNAMED_SIGNAL;
var init_wrapper = __esm({
  "lib/commands/wrapper/wrapper.ts"() {
    init_process_end();
    init_adapter();
    init_environment();
    init_permissions();
    init_child_environment();
    init_spawn_failure();
    UNNAMED_SIGNAL = /^Invalid signal: (\d+)$/;
  }
});

// lib/commands/notify.ts
var notify_exports = {};
__export(notify_exports, {
  encodeNotification: () => encodeNotification,
  notificationLines: () => notificationLines,
  notifyTarget: () => notifyTarget,
  sendNotification: () => sendNotification
});
function notifyTarget(notifySocket) {
  if (notifySocket === void 0 || notifySocket === "") {
    throw new Error("Cannot notify: NOTIFY_SOCKET is not set");
  }
  const parsed = SETTINGS.notifySocket.parse(notifySocket);
  if ("expected" in parsed) {
    throw new Error(`Cannot notify: NOTIFY_SOCKET ${JSON.stringify(notifySocket)} is not ${parsed.expected}`);
  }
  return parsed.value;
}
function notificationLines(lines, mainPid, ids) {
  if (mainPid === null) return lines;
  let pid2;
  if (mainPid === "self") pid2 = ids.pid;
  else if (mainPid === "auto") pid2 = ids.ppid > 1 ? ids.ppid : ids.pid;
  else if (mainPid === "parent") {
    if (ids.ppid < 1) {
      throw new Error("Cannot notify: --pid=parent: no parent in this PID namespace");
    }
    pid2 = ids.ppid;
  } else pid2 = mainPid;
  return [
    `MAINPID=${pid2}`,
    ...lines
  ];
}
function encodeNotification(lines) {
  const bytes = new TextEncoder().encode(lines.join("\n"));
  if (bytes.length > NOTIFY_BUFFER_MAX) {
    throw new Error(`Cannot notify: the message is ${bytes.length} bytes and systemd accepts at most ${NOTIFY_BUFFER_MAX}`);
  }
  return bytes;
}
function sendFailure(target, error) {
  const detail = errorText(error);
  const nobody = error instanceof Deno.errors.NotFound || error instanceof Deno.errors.ConnectionRefused;
  const why = nobody ? `nothing listens there (${detail})` : detail;
  return new Error(`Cannot send to NOTIFY_SOCKET ${JSON.stringify(target.text)}: ${why}`);
}
async function sendNotification(lines, notifySocket) {
  const target = notifyTarget(notifySocket);
  const datagram = encodeNotification(lines);
  let client;
  try {
    client = Deno.listenDatagram({
      transport: "unixpacket"
    });
  } catch (error) {
    throw sendFailure(target, error);
  }
  let cancelTimer = () => {
  };
  const timeout = new Promise((_, reject) => {
    cancelTimer = schedule(SEND_TIMEOUT_MS, () => reject(new Error(`timed out after ${SEND_TIMEOUT_MS} ms`)));
  });
  try {
    await Promise.race([
      client.send(datagram, {
        transport: "unixpacket",
        path: target.bindPath
      }),
      timeout
    ]);
  } catch (error) {
    throw sendFailure(target, error);
  } finally {
    cancelTimer();
    client.close();
  }
}
var SEND_TIMEOUT_MS;
var init_notify = __esm({
  "lib/commands/notify.ts"() {
    init_error_text();
    init_config();
    init_notify_message();
    init_schedule();
    SEND_TIMEOUT_MS = 5e3;
  }
});

// lib/commands/probe.ts
var probe_exports = {};
__export(probe_exports, {
  PROBE_TIMEOUT_MS: () => PROBE_TIMEOUT_MS,
  parseResponse: () => parseResponse,
  probe: () => probe2,
  probeRequest: () => probeRequest,
  probeTarget: () => probeTarget
});
function probeTarget(endpoint, env) {
  const portText = env.ADAPTER_PORT ?? SETTINGS.port.default;
  const port2 = SETTINGS.port.parse(portText);
  if ("expected" in port2 || port2.value === 0) {
    const expected = "expected" in port2 ? port2.expected : "a fixed port, not 0";
    return {
      ok: false,
      reason: `${endpoint}: cannot parse ADAPTER_PORT "${portText}": ${expected}`
    };
  }
  const host = env.ADAPTER_HOST ?? SETTINGS.host.default;
  const hostname = WILDCARD_HOSTS[host] ?? host;
  const authority = `${hostname.includes(":") ? `[${hostname}]` : hostname}:${port2.value}`;
  return {
    hostname,
    port: port2.value,
    path: `/${endpoint}`,
    authority
  };
}
function probeRequest(target) {
  return new TextEncoder().encode(`GET ${target.path} HTTP/1.1\r
Host: ${target.authority}\r
User-Agent: sd-notify-adapter-probe\r
Accept: application/json\r
Connection: close\r
\r
`);
}
function parseResponse(bytes, ended2) {
  const raw = new TextDecoder("latin1").decode(bytes);
  const headEnd2 = raw.indexOf(HEAD_END);
  if (headEnd2 < 0) return ended2 ? {
    kind: "invalid"
  } : {
    kind: "incomplete"
  };
  const [statusLine, ...headerLines] = raw.slice(0, headEnd2).split("\r\n");
  const status = statusLine.match(/^HTTP\/1\.[01] (\d{3})(?: (.*))?$/);
  if (status === null) return {
    kind: "invalid"
  };
  const length = headerLines.map((line) => line.match(/^content-length:\s*(\d+)\s*$/i)?.[1]).find((value) => value !== void 0);
  const body = bytes.subarray(headEnd2 + HEAD_END.length);
  const complete = ended2 || length !== void 0 && body.length >= Number(length);
  if (!complete) return {
    kind: "incomplete"
  };
  const bodyText = new TextDecoder().decode(length === void 0 ? body : body.subarray(0, Number(length)));
  const text = [
    status[1],
    status[2] ?? "",
    oneLine(bodyText)
  ].filter((part) => part !== "");
  return {
    kind: "complete",
    status: Number(status[1]),
    text: printable(text.join(" "))
  };
}
function oneLine(text, max = 200) {
  const flat = text.replace(/\s+/g, " ").trim();
  return printable(cutCodePoints(flat, max));
}
function describe(error) {
  const message = errorText(error);
  return oneLine(message.replace(/ \(os error \d+\)$/, ""));
}
async function exchange(conn, target) {
  const request = probeRequest(target);
  for (let written = 0; written < request.length; ) {
    written += await conn.write(request.subarray(written));
  }
  const received = new Uint8Array(MAX_RESPONSE_BYTES);
  let length = 0;
  while (true) {
    const count = length < received.length ? await conn.read(received.subarray(length)) : null;
    if (count !== null) length += count;
    const parsed = parseResponse(received.subarray(0, length), count === null);
    if (parsed.kind !== "incomplete") return parsed;
  }
}
async function probe2(endpoint, env) {
  const target = probeTarget(endpoint, env);
  if ("ok" in target) return target;
  const fail2 = (why) => ({
    ok: false,
    reason: `${endpoint}: ${why}`
  });
  let conn;
  let cancelTimer = () => {
  };
  const timedOut = new Promise((resolve) => {
    cancelTimer = schedule(PROBE_TIMEOUT_MS, () => resolve("timeout"));
  });
  try {
    const connecting = Deno.connect({
      hostname: target.hostname,
      port: target.port
    });
    const connected = await Promise.race([
      connecting,
      timedOut
    ]);
    if (connected === "timeout") {
      connecting.then((late) => late.close(), () => {
      });
      return fail2(`cannot connect to ${target.authority}: no answer within ${PROBE_TIMEOUT_MS} ms`);
    }
    conn = connected;
  } catch (error) {
    cancelTimer();
    return fail2(`cannot connect to ${target.authority}: ${describe(error)}`);
  }
  try {
    const answer = await Promise.race([
      exchange(conn, target),
      timedOut
    ]);
    if (answer === "timeout") {
      return fail2(`${target.authority} gave no full answer within ${PROBE_TIMEOUT_MS} ms`);
    }
    if (answer.kind !== "complete") {
      return fail2(`${target.authority} did not answer in HTTP`);
    }
    return {
      ok: answer.status === 200,
      reason: `${endpoint}: ${answer.text}`
    };
  } catch (error) {
    return fail2(`${target.authority}: ${describe(error)}`);
  } finally {
    cancelTimer();
    try {
      conn.close();
    } catch {
    }
  }
}
var PROBE_TIMEOUT_MS, MAX_RESPONSE_BYTES, WILDCARD_HOSTS, HEAD_END;
var init_probe = __esm({
  "lib/commands/probe.ts"() {
    init_error_text();
    init_printable();
    init_config();
    init_schedule();
    PROBE_TIMEOUT_MS = 800;
    MAX_RESPONSE_BYTES = 64 * 1024;
    WILDCARD_HOSTS = {
      "::": "127.0.0.1",
      "0.0.0.0": "127.0.0.1"
    };
    HEAD_END = "\r\n\r\n";
  }
});

// lib/commands/cli.ts
init_assignments();
init_probes();
var USAGE = `Usage:
  sd-notify-adapter                 run as a sidecar: own $NOTIFY_SOCKET, answer the probes
  sd-notify-adapter run -- COMMAND [ARGS...]
                                    wrapper mode: run as a sidecar, then start COMMAND with
                                    NOTIFY_SOCKET (and WATCHDOG_USEC) set, forward signals to
                                    it and exit with its status
  sd-notify-adapter notify [--ready] [--reloading] [--stopping] [--status=TEXT]
                           [--pid[=PID|auto|self|parent]] [KEY=VALUE...]
                                    send one notification to $NOTIFY_SOCKET, as systemd-notify
  sd-notify-adapter probe [healthz|livez|readyz]
                                    GET the endpoint on this host's ADAPTER_PORT (default
                                    healthz); exit 0 on 200, 1 otherwise
  sd-notify-adapter --help          print this text
  sd-notify-adapter --version       print the version

Owns the systemd notification socket ($NOTIFY_SOCKET, default /var/run/adapter/adapter.sock)
and answers /healthz, /livez and /readyz on ADAPTER_PORT (default 8089) as systemd would
judge the service. Configuration comes from the environment: see README.md.`;
function usageError(message) {
  return {
    kind: "usage-error",
    message
  };
}
function parseRun(args) {
  if (args[0] !== "--") return usageError('"run" expects "--" and then the command to start');
  if (args.length < 2) return usageError('"run --" expects a command to start');
  return {
    kind: "run",
    command: args.slice(1)
  };
}
var NOTIFY_FLAGS = {
  "--ready": "READY=1",
  "--reloading": "RELOADING=1",
  "--stopping": "STOPPING=1"
};
var PID_WORDS = [
  "auto",
  "self",
  "parent"
];
function parsePidOption(arg) {
  const value = arg === "--pid" ? "auto" : arg.slice("--pid=".length) || "auto";
  return PID_WORDS.find((word) => word === value) ?? parsePid(value);
}
function parseNotify(args) {
  const lines = [];
  let mainPid = null;
  for (const arg of args) {
    if (Object.hasOwn(NOTIFY_FLAGS, arg)) lines.push(NOTIFY_FLAGS[arg]);
    else if (arg.startsWith("--status=")) lines.push(`STATUS=${arg.slice("--status=".length)}`);
    else if (arg === "--pid" || arg.startsWith("--pid=")) {
      const choice = parsePidOption(arg);
      if (choice === void 0) {
        return usageError(`Cannot parse ${JSON.stringify(arg)}: expected a PID from 1 to 2147483647, auto, self or parent`);
      }
      mainPid = choice;
    } else if (arg.startsWith("-")) return usageError(`Unknown option ${JSON.stringify(arg)}`);
    else if (arg.indexOf("=") > 0) lines.push(arg);
    else return usageError(`Expected KEY=VALUE, got ${JSON.stringify(arg)}`);
  }
  if (lines.length === 0 && mainPid === null) {
    return usageError('"notify" needs at least one thing to send');
  }
  return {
    kind: "notify",
    lines,
    mainPid
  };
}
function parseProbe(args) {
  if (args.length > 1) return usageError('"probe" takes at most one endpoint');
  const endpoint = args[0] ?? "healthz";
  return isProbeName(endpoint) ? {
    kind: "probe",
    endpoint
  } : usageError(`Unknown endpoint ${JSON.stringify(endpoint)}: one of ${PROBE_NAMES.join(", ")}`);
}
var SUBCOMMANDS = {
  run: parseRun,
  notify: parseNotify,
  probe: parseProbe
};
function parseCommandLine(args) {
  if (args.length === 0) return {
    kind: "sidecar"
  };
  const [first, ...rest] = args;
  if (rest.length === 0 && (first === "--help" || first === "-h")) return {
    kind: "help"
  };
  if (rest.length === 0 && first === "--version") return {
    kind: "version"
  };
  if (Object.hasOwn(SUBCOMMANDS, first)) {
    if (first !== "run" && rest.length === 1 && (rest[0] === "--help" || rest[0] === "-h")) {
      return {
        kind: "help"
      };
    }
    return SUBCOMMANDS[first](rest);
  }
  const what = first.startsWith("-") ? "option" : "command";
  return usageError(`Unknown ${what} ${JSON.stringify(first)}`);
}

// main.ts
init_config();
init_version();
init_environment();
init_permissions();

// lib/shell/socket_path.ts
function split(path) {
  const slash = path.lastIndexOf("/");
  return {
    parent: path.slice(0, slash) || "/",
    name: path.slice(slash + 1)
  };
}
function join(directory, name) {
  return directory === "/" ? `/${name}` : `${directory}/${name}`;
}
function resolveSocketPath(path, realPath = Deno.realPathSync) {
  const { parent, name } = split(path);
  const missingNames = [];
  let directory = parent;
  let real;
  while (true) {
    try {
      real = realPath(directory);
      break;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound) || directory === "/") throw error;
      const parts = split(directory);
      missingNames.unshift(parts.name);
      directory = parts.parent;
    }
  }
  const missing = [];
  for (const missingName of missingNames) {
    real = join(real, missingName);
    missing.push(real);
  }
  return {
    path: join(real, name),
    missing
  };
}

// main.ts
init_permissions();
init_startup_failure();
init_logging();
async function loadConfig() {
  const { values, notUtf8 } = readEnvironment(VARIABLE_NAMES);
  let loaded;
  try {
    loaded = parseConfig(values, notUtf8);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const { variable, value, expected } = error;
    return await fail(error.message, 2, {
      variable,
      value,
      expected
    });
  }
  const refused = terminationPathProblem(loaded.config.terminationMessagePath);
  if (refused !== void 0) {
    const value = loaded.config.terminationMessagePath;
    return await fail(refused, 2, {
      variable: "ADAPTER_TERMINATION_MESSAGE_PATH",
      value
    });
  }
  const unreadable = pidFilePathProblem(loaded.config.pidFile);
  if (unreadable !== void 0) {
    const value = loaded.config.pidFile;
    return await fail(unreadable, 2, {
      variable: "ADAPTER_UNIT_PID_FILE",
      value
    });
  }
  const address = loaded.config.notifySocket;
  if (address.abstract) return {
    loaded,
    socketPath: null
  };
  const field = {
    variable: "NOTIFY_SOCKET",
    value: address.text
  };
  let socketPath;
  try {
    socketPath = resolveSocketPath(address.bindPath);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) {
      return await fail(socketPathProblem(address.text, address.bindPath) ?? errorText(error), 2, field);
    }
    return await fail(`Cannot create the directory of NOTIFY_SOCKET ${address.text}: ${errorText(error)}`, 1, field);
  }
  const problem = socketPathProblem(address.text, socketPath.path);
  if (problem !== void 0) return await fail(problem, 2, field);
  return {
    loaded,
    socketPath
  };
}
async function runAdapter2(start2) {
  const { loaded, socketPath } = await loadConfig();
  try {
    Deno.exit(await start2(loaded, socketPath));
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    return await fail(error.message, error.exitStatus, error.fields, error.pending);
  }
}
async function run2(command) {
  switch (command.kind) {
    case "sidecar":
      return await runAdapter2(async (loaded, socketPath) => {
        dropPermissions("env");
        const { runSidecar: runSidecar2 } = await Promise.resolve().then(() => (init_sidecar(), sidecar_exports));
        return await runSidecar2(loaded, socketPath);
      });
    case "run":
      return await runAdapter2(async (loaded, socketPath) => {
        const { runWrapper: runWrapper2 } = await Promise.resolve().then(() => (init_wrapper(), wrapper_exports));
        return await runWrapper2(loaded, socketPath, command.command);
      });
    case "notify": {
      dropPermissions("run", "ffi", "sys");
      const { notificationLines: notificationLines2, sendNotification: sendNotification2 } = await Promise.resolve().then(() => (init_notify(), notify_exports));
      try {
        const { values, notUtf8 } = readEnvironment([
          "NOTIFY_SOCKET"
        ]);
        dropPermissions("env");
        if (notUtf8.length > 0) throw new Error("Cannot notify: NOTIFY_SOCKET is not valid UTF-8");
        const ids = {
          pid: Deno.pid,
          ppid: Deno.ppid
        };
        const lines = notificationLines2(command.lines, command.mainPid, ids);
        await sendNotification2(lines, values.NOTIFY_SOCKET);
      } catch (error) {
        console.error(errorText(error));
        Deno.exit(1);
      }
      return Deno.exit(0);
    }
    case "probe": {
      dropPermissions("run", "ffi", "sys");
      const { probe: probe3 } = await Promise.resolve().then(() => (init_probe(), probe_exports));
      const { values } = readEnvironment([]);
      dropPermissions("env");
      const result = await probe3(command.endpoint, values);
      if (!result.ok) console.error(result.reason);
      return Deno.exit(result.ok ? 0 : 1);
    }
    case "help":
      console.log(USAGE);
      return;
    case "version":
      console.log(VERSION);
      return;
    case "usage-error":
      console.error(`${command.message}

${USAGE}`);
      Deno.exit(2);
  }
}
if (import.meta.main) {
  await run2(parseCommandLine(Deno.args));
}
