// libc through Deno's FFI (behaviour §9.5, §10.2): the open(2) flags of this architecture, the
// statx(2) layout, against what Python's os module and Deno's own stat say.
import assert from "node:assert/strict";
import {
  type FileStatus,
  type Libc,
  LINUX,
  loadLibc,
  OPEN_FLAGS_BY_ARCH,
  statusAt,
} from "../../lib/shell/libc.ts";
import { tempDir } from "../helpers/adapter_process.ts";

function python(code: string): string {
  const output = new Deno.Command("python3", { args: ["-c", code], stdout: "piped" }).outputSync();
  assert.equal(output.code, 0);
  return new TextDecoder().decode(output.stdout).trim();
}

function libc(): Libc {
  const loaded = loadLibc();
  if (loaded instanceof Error) throw loaded;
  return loaded;
}

Deno.test("LINUX holds this architecture's open(2) flags, as Python's os module has them", () => {
  const names = [
    "O_WRONLY",
    "O_NOCTTY",
    "O_NONBLOCK",
    "O_CLOEXEC",
    "O_PATH",
    "O_DIRECTORY",
    "O_NOFOLLOW",
  ];
  const expected = JSON.parse(
    python(`import os, json; print(json.dumps([os.${names.join(", os.")}]))`),
  );
  assert.deepEqual(names.map((name) => LINUX[name as keyof typeof LINUX]), expected);
});

Deno.test("OPEN_FLAGS_BY_ARCH has arm64's own O_DIRECTORY and O_NOFOLLOW (arch/arm64/include/uapi/asm/fcntl.h)", () => {
  assert.deepEqual(OPEN_FLAGS_BY_ARCH.aarch64, { O_DIRECTORY: 0o40000, O_NOFOLLOW: 0o100000 });
  assert.deepEqual(OPEN_FLAGS_BY_ARCH.x86_64, { O_DIRECTORY: 0o200000, O_NOFOLLOW: 0o400000 });
});

Deno.test("statusAt() reads statx(2) as lstat does: type and mode, links, device, inode", () => {
  const dir = tempDir();
  try {
    const file = `${dir.path}/file`;
    Deno.writeTextFileSync(file, "x");
    Deno.linkSync(file, `${dir.path}/second`);
    Deno.symlinkSync("file", `${dir.path}/link`);
    const c = libc();
    for (const name of ["file", "link"]) {
      const path = `${dir.path}/${name}`;
      const status = statusAt(c, LINUX.AT_FDCWD, path, LINUX.AT_SYMLINK_NOFOLLOW) as FileStatus;
      const info = Deno.lstatSync(path);
      const device = python(
        `import os; s = os.lstat(${
          JSON.stringify(path)
        }); print(f"{os.major(s.st_dev)}:{os.minor(s.st_dev)}")`,
      );
      assert.deepEqual(status, {
        mode: info.mode,
        links: info.nlink,
        device,
        inode: BigInt(info.ino ?? -1),
      }, name);
    }
    assert.equal(statusAt(c, LINUX.AT_FDCWD, `${dir.path}/none`, 0), "ENOENT");
  } finally {
    dir.remove();
  }
});
