import assert from "node:assert/strict";
import { encodeNotification, notifyTarget, sendNotification } from "../../lib/commands/notify.ts";

Deno.test("notifyTarget() takes an absolute path or @name, as sd_notify does", () => {
  assert.deepEqual(notifyTarget("/run/n.sock"), {
    text: "/run/n.sock",
    bindPath: "/run/n.sock",
    abstract: false,
  });
  assert.deepEqual(notifyTarget("@svc"), { text: "@svc", bindPath: "\0svc", abstract: true });
});

Deno.test("notifyTarget() says NOTIFY_SOCKET is not set when it is missing or empty", () => {
  for (const value of [undefined, ""]) {
    assert.throws(() => notifyTarget(value), {
      message: "Cannot notify: NOTIFY_SOCKET is not set",
    });
  }
});

Deno.test("notifyTarget() names a NOTIFY_SOCKET it cannot use", () => {
  assert.throws(() => notifyTarget("run/n.sock"), {
    message:
      'Cannot notify: NOTIFY_SOCKET "run/n.sock" is not an absolute path to a socket file, or @name, of at most 107 bytes, without NUL',
  });
});

Deno.test("encodeNotification() joins the lines with newlines, in the order given", () => {
  assert.equal(
    new TextDecoder().decode(encodeNotification(["READY=1", "STATUS=up and running", "X_A=1"])),
    "READY=1\nSTATUS=up and running\nX_A=1",
  );
});

Deno.test("encodeNotification() refuses more than systemd's 4096 bytes", () => {
  assert.equal(encodeNotification([`STATUS=${"x".repeat(4089)}`]).length, 4096);
  assert.throws(() => encodeNotification([`STATUS=${"x".repeat(4090)}`]), {
    message: "Cannot notify: the message is 4097 bytes and systemd accepts at most 4096",
  });
});

Deno.test("sendNotification() sends one datagram to an abstract socket", async () => {
  const name = `sd-notify-adapter-test-${crypto.randomUUID()}`;
  const receiver = Deno.listenDatagram({ transport: "unixpacket", path: `\0${name}` });
  try {
    await sendNotification(["READY=1", "STATUS=up"], `@${name}`);
    const [datagram, from] = await receiver.receive();
    assert.equal(new TextDecoder().decode(datagram), "READY=1\nSTATUS=up");
    // From an unbound socket, as sd_notify's: no name anyone could send to or list.
    assert.deepEqual(from, { transport: "unixpacket", path: null });
  } finally {
    receiver.close();
  }
});

Deno.test("sendNotification() names the socket when nothing listens there", async () => {
  const name = `sd-notify-adapter-test-${crypto.randomUUID()}`;
  await assert.rejects(sendNotification(["READY=1"], `@${name}`), {
    message:
      `Cannot send to NOTIFY_SOCKET "@${name}": nothing listens there (Connection refused (os error 111))`,
  });
  const path = `${Deno.makeTempDirSync()}/missing.sock`;
  try {
    await assert.rejects(sendNotification(["READY=1"], path), {
      message:
        `Cannot send to NOTIFY_SOCKET "${path}": nothing listens there (No such file or directory (os error 2))`,
    });
  } finally {
    Deno.removeSync(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  }
});
