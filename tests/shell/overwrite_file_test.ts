// Writing over the termination message file (behaviour §9.5): never through a link anywhere on
// the path, only a regular file with one name, never waiting; through libc and through Deno,
// with the same reasons.
import assert from "node:assert/strict";
import { type Libc, LINUX, loadLibc } from "../../lib/shell/libc.ts";
import { overwriteFile, overwriteFileWithDeno } from "../../lib/shell/overwrite_file.ts";
import { tempDir } from "../helpers/adapter_process.ts";

const libc = loadLibc();
if (libc instanceof Error) throw libc;

const WRITERS: Record<string, (path: string, bytes: Uint8Array) => Promise<void>> = {
  libc: (path, bytes) => Promise.resolve().then(() => overwriteFile(libc, path, bytes)),
  Deno: overwriteFileWithDeno,
};

function run(command: string, ...args: string[]) {
  const output = new Deno.Command(command, { args, stderr: "piped" }).outputSync();
  assert.equal(output.code, 0, `${command}: ${new TextDecoder().decode(output.stderr)}`);
}

/** A case: makes what it needs under `dir` (and `outside`), returns the path to write. */
type Setup = (dir: string, outside: string) => string;

const REFUSED: [string, Setup, (dir: string) => string][] = [
  ["a missing file", (dir) => `${dir}/none`, () => "cannot open: ENOENT"],
  [
    "a missing directory",
    (dir) => `${dir}/missing/file`,
    (dir) => `cannot open the directory ${dir}/missing: ENOENT`,
  ],
  [
    "a symbolic link to a regular file",
    (dir, outside) => {
      Deno.symlinkSync(`${outside}/target`, `${dir}/link`);
      return `${dir}/link`;
    },
    () => "is a symbolic link",
  ],
  [
    "a dangling link",
    (dir) => {
      Deno.symlinkSync(`${dir}/nowhere`, `${dir}/dangling`);
      return `${dir}/dangling`;
    },
    () => "is a symbolic link",
  ],
  [
    "a directory on the path that is a link",
    (dir, outside) => {
      Deno.symlinkSync(outside, `${dir}/linked`);
      return `${dir}/linked/target`;
    },
    (dir) => `a directory on the path is a symbolic link: ${dir}/linked`,
  ],
  [
    "a directory on the path that is a relative link to its own directory",
    (dir) => {
      Deno.mkdirSync(`${dir}/sub`);
      Deno.writeTextFileSync(`${dir}/sub/file`, "keep");
      Deno.symlinkSync(".", `${dir}/sub/here`);
      return `${dir}/sub/here/file`;
    },
    (dir) => `a directory on the path is a symbolic link: ${dir}/sub/here`,
  ],
  [
    "a directory on the path that is a regular file",
    (dir) => {
      Deno.writeTextFileSync(`${dir}/plain`, "keep");
      return `${dir}/plain/file`;
    },
    (dir) => `a directory on the path is a regular file: ${dir}/plain`,
  ],
  [
    "a FIFO",
    (dir) => {
      run("mkfifo", `${dir}/fifo`);
      return `${dir}/fifo`;
    },
    () => "is a FIFO, not a regular file",
  ],
  [
    "a directory",
    (dir) => {
      Deno.mkdirSync(`${dir}/directory`);
      return `${dir}/directory`;
    },
    () => "is a directory, not a regular file",
  ],
  [
    "a character device (the null device's numbers)",
    (dir) => {
      run("mknod", `${dir}/device`, "c", "1", "3");
      return `${dir}/device`;
    },
    () => "is a character device, not a regular file",
  ],
  [
    "a socket",
    (dir) => {
      // Deno removes its socket file on close; Python leaves it.
      const bind = "import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])";
      run("python3", "-c", bind, `${dir}/socket`);
      return `${dir}/socket`;
    },
    () => "is a socket, not a regular file",
  ],
  [
    "a second name (hard link) of a file elsewhere",
    (dir, outside) => {
      Deno.linkSync(`${outside}/target`, `${dir}/hardlink`);
      return `${dir}/hardlink`;
    },
    () => "has 2 hard links, not 1",
  ],
];

for (const [writer, write] of Object.entries(WRITERS)) {
  Deno.test(`overwrite through ${writer}: an existing regular file is truncated and written`, async () => {
    const dir = tempDir();
    try {
      const path = `${dir.path}/termination-log`;
      Deno.writeTextFileSync(path, "an older, longer message\n");
      await write(path, new TextEncoder().encode("the service exited with status 0\n"));
      assert.equal(Deno.readTextFileSync(path), "the service exited with status 0\n");
    } finally {
      dir.remove();
    }
  });

  Deno.test(`overwrite through ${writer}: links, missing files and other types are refused, nothing written`, async () => {
    for (const [what, setup, reason] of REFUSED) {
      const dir = tempDir();
      const outside = tempDir();
      try {
        Deno.writeTextFileSync(`${outside.path}/target`, "keep");
        const path = setup(dir.path, outside.path);
        const started = Date.now();
        const error = await write(path, new TextEncoder().encode("x")).then(
          () => undefined,
          (e) => e,
        );
        assert.ok(error instanceof Error, `${what}: written`);
        assert.equal(error.message, reason(dir.path), what);
        assert.ok(Date.now() - started < 2_000, `${what}: ${Date.now() - started} ms`);
        assert.equal(Deno.readTextFileSync(`${outside.path}/target`), "keep", what);
      } finally {
        dir.remove();
        outside.remove();
      }
    }
  });
}

Deno.test("overwrite through libc: a file replaced between the look and the open is not written", () => {
  const dir = tempDir();
  try {
    const path = `${dir.path}/termination-log`;
    Deno.writeTextFileSync(path, "looked at");
    Deno.writeTextFileSync(`${dir.path}/other`, "put in its place");
    // The other file is renamed over the path the moment the adapter opens it for writing.
    const racing: Libc = {
      ...libc,
      openat(dirfd, name, flags) {
        if ((flags & LINUX.O_WRONLY) !== 0) Deno.renameSync(`${dir.path}/other`, path);
        return libc.openat(dirfd, name, flags);
      },
    };
    assert.throws(
      () => overwriteFile(racing, path, new TextEncoder().encode("x")),
      new Error("was replaced while it was opened"),
    );
    assert.equal(Deno.readTextFileSync(path), "put in its place");
  } finally {
    dir.remove();
  }
});
