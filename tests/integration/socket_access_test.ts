// Who may send (behaviour §2.6; issue 18 item 6): the socket's mode and group decide, since
// the adapter cannot see a sender's credentials. The default 0666 lets every user send, so
// that a service that drops from root to its own user (gosu, su-exec, setpriv) is heard;
// ADAPTER_SOCKET_MODE=0660 in a setgid directory of a shared group, as kubelet makes an
// emptyDir with the Pod's fsGroup, lets only that group send. Senders run as other users
// through setpriv, with systemd-notify.
import assert from "node:assert/strict";
import { SETTINGS } from "../../lib/core/config.ts";
import { spawnAdapter, tempDir } from "../helpers/adapter_process.ts";
import { needs } from "../helpers/tools.ts";

// A Pod's fsGroup, and users of other containers: one with it (every container has it), and
// one outside the Pod's group (another user of the node, or a process without the group).
const FS_GROUP = 4242;
const IN_GROUP = ["--reuid=4001", "--regid=4001", `--groups=${FS_GROUP}`];
const OUTSIDE = ["--reuid=4002", "--regid=4002", "--clear-groups"];

/** `systemd-notify --status=TEXT` as another user; its exit code and stderr. */
async function notifyAs(user: readonly string[], notifySocket: string, status: string) {
  const output = await new Deno.Command("setpriv", {
    args: [...user, "systemd-notify", `--status=${status}`],
    env: { NOTIFY_SOCKET: notifySocket },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: output.code, stderr: new TextDecoder().decode(output.stderr) };
}

/** An emptyDir as kubelet prepares it for an fsGroup: group-owned, setgid, mode 2777. */
function podVolume(parent: string): string {
  // The test's temporary directory is 0700: the other users must reach the volume in it.
  Deno.chmodSync(parent, 0o755);
  const volume = `${parent}/volume`;
  Deno.mkdirSync(volume);
  Deno.chownSync(volume, null, FS_GROUP);
  Deno.chmodSync(volume, 0o2777);
  return volume;
}

function modeOf(path: string): string {
  return `0${(Deno.statSync(path).mode! & 0o7777).toString(8)}`;
}

Deno.test(
  "socket access: the default mode is 0666, so a user that is neither the adapter's nor in its group is heard",
  needs("systemd", "util-linux"),
  async () => {
    assert.equal(SETTINGS.socketMode.default, "0666");
    const dir = tempDir();
    try {
      const notifySocket = `${podVolume(dir.path)}/adapter.sock`;
      const adapter = await spawnAdapter({ env: { NOTIFY_SOCKET: notifySocket } });
      try {
        assert.equal(modeOf(notifySocket), "0666");
        assert.deepEqual(await notifyAs(OUTSIDE, notifySocket, "dropped from root"), {
          code: 0,
          stderr: "",
        });
        await adapter.waitFor(
          () => adapter.stdout().includes("STATUS=dropped from root\n"),
          "echo",
        );
      } finally {
        await adapter.stop();
      }
    } finally {
      dir.remove();
    }
  },
);

Deno.test(
  "socket access: ADAPTER_SOCKET_MODE=0660 in a setgid directory of the Pod's group hears the group only",
  needs("systemd", "util-linux"),
  async () => {
    const dir = tempDir();
    try {
      const volume = podVolume(dir.path);
      // The socket in the volume itself, and in a directory the adapter creates there (0755).
      for (const notifySocket of [`${volume}/adapter.sock`, `${volume}/adapter/adapter.sock`]) {
        const adapter = await spawnAdapter({
          env: { NOTIFY_SOCKET: notifySocket, ADAPTER_SOCKET_MODE: "0660" },
        });
        try {
          // The socket takes the directory's group, and a directory created in a setgid one
          // inherits its group and setgid bit.
          const info = Deno.statSync(notifySocket);
          assert.equal(modeOf(notifySocket), "0660", notifySocket);
          assert.equal(info.gid, FS_GROUP, notifySocket);
          if (notifySocket.endsWith("/adapter/adapter.sock")) {
            assert.equal(modeOf(`${volume}/adapter`), "02755");
          }
          assert.deepEqual(await notifyAs(OUTSIDE, notifySocket, "outside"), {
            code: 1,
            stderr: "Failed to notify init system: Permission denied\n",
          });
          assert.deepEqual(await notifyAs(IN_GROUP, notifySocket, "in the group"), {
            code: 0,
            stderr: "",
          });
          await adapter.waitFor(() => adapter.stdout().includes("BARRIER=1\n"), "the barrier");
          // Only the group's datagram came: STATUS=, then the barrier systemd-notify waits for.
          assert.equal(adapter.stdout(), "STATUS=in the group\nBARRIER=1\n");
        } finally {
          await adapter.stop();
        }
      }
    } finally {
      dir.remove();
    }
  },
);

Deno.test("socket access: behaviour §2.6 states what NotifyAccess=main refuses, why not here, and what to do", () => {
  const contract = Deno.readTextFileSync(new URL("../../docs/behaviour.md", import.meta.url));
  const section = contract.slice(
    contract.indexOf("### 2.6 Who may send"),
    contract.indexOf("## 3."),
  );
  assert.ok(section.startsWith("### 2.6 Who may send"), "behaviour §2.6 Who may send");
  for (
    const phrase of [
      "`NotifyAccess=main`",
      "`SCM_CREDENTIALS`",
      "`Deno.listenDatagram`",
      "The default stays `0666`",
      "`ADAPTER_SOCKET_MODE=0600`",
      "`ADAPTER_SOCKET_MODE=0660`",
      "`fsGroup`",
    ]
  ) {
    assert.ok(section.includes(phrase), `behaviour §2.6 names ${phrase}`);
  }
  const datagrams = contract.slice(contract.indexOf("### 2.2"), contract.indexOf("### 2.3"));
  assert.match(datagrams, /Differs from systemd: there is no `NotifyAccess=`[^]*§2\.6/);
});
