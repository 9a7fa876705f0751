// libc through Deno's FFI (behaviour §9.5, §10.2): the open(2) flags of this architecture, the
// statx(2) layout, against what Python's os module and Deno's own stat say.
import assert from "node:assert/strict";
import {
  cString,
  errnoName,
  type FileStatus,
  type Libc,
  LIBC_SYMBOLS,
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

Deno.test("libc's results come back as the integers C returns, negative ones and errno too", () => {
  const c = libc();
  const dir = tempDir();
  try {
    const path = `${dir.path}/file`;
    Deno.writeTextFileSync(path, "abc");
    const fd = c.openat(LINUX.AT_FDCWD, cString(path), LINUX.O_RDONLY | LINUX.O_CLOEXEC);
    assert.ok(fd > 2, `fd ${fd}`);
    const buffer = new Uint8Array(8);
    assert.equal(c.read(fd, buffer, 8n), 3n);
    assert.equal(new TextDecoder().decode(buffer.subarray(0, 3)), "abc");
    assert.equal(c.close(fd), 0);
    assert.equal(c.close(fd), -1);
    assert.equal(errnoName(c), "EBADF");
    assert.equal(c.write(fd, buffer, 1n), -1n);
    assert.equal(errnoName(c), "EBADF");
    assert.equal(c.openat(LINUX.AT_FDCWD, cString(`${dir.path}/none`), LINUX.O_RDONLY), -1);
    assert.equal(errnoName(c), "ENOENT");
  } finally {
    dir.remove();
  }
});

Deno.test("libc's symbols are declared with struct results: no fast-call trampoline at load", () => {
  // Deno compiles one (3.4 MB of RSS, 2.8 ms at start) for every other symbol (libc.ts).
  const plain = Object.entries(LIBC_SYMBOLS).filter(([, symbol]) =>
    typeof symbol.result !== "object"
  );
  assert.deepEqual(plain, []);
});
