// Reading the PID file through libc (behaviour §11.2): what is read, what is refused and why,
// and a file replaced while it is being read, with real files.
import assert from "node:assert/strict";
import type { PidFileRead } from "../../lib/core/pid_file.ts";
import { type Libc, loadLibc } from "../../lib/shell/libc.ts";
import { readPidFile, readPidFileOnce } from "../../lib/shell/pid_file_reader.ts";
import { tempDir } from "../helpers/adapter_process.ts";

function libc(): Libc {
  const loaded = loadLibc();
  if (loaded instanceof Error) throw loaded;
  return loaded;
}

/** Runs `test` with a fresh directory and its path `<dir>/service.pid`. */
function withPidFile(test: (dir: string, path: string) => void) {
  const dir = tempDir();
  try {
    test(dir.path, `${dir.path}/service.pid`);
  } finally {
    dir.remove();
  }
}

Deno.test("readPidFile() reads a PID file's text: Redis' one line, PostgreSQL's eight", () => {
  withPidFile((_dir, path) => {
    Deno.writeTextFileSync(path, "4242\n");
    assert.deepEqual(readPidFile(libc(), path), { text: "4242\n" });
    const postmaster = "4242\n/var/lib/postgresql/data\n1767225600\n5432\n/var/run/postgresql\n" +
      "*\n  5432001   1\nready   \n";
    Deno.writeTextFileSync(path, postmaster);
    assert.deepEqual(readPidFile(libc(), path), { text: postmaster });
    Deno.writeTextFileSync(path, "");
    assert.deepEqual(readPidFile(libc(), path), { text: "" });
  });
});

Deno.test("readPidFile() refuses what is not a regular file with one name, and says why", () => {
  withPidFile((dir, path) => {
    assert.deepEqual(readPidFile(libc(), path), { problem: "does not exist" });
    Deno.writeTextFileSync(`${dir}/real.pid`, "4242\n");
    Deno.symlinkSync(`${dir}/real.pid`, path);
    assert.deepEqual(readPidFile(libc(), path), { problem: "is a symbolic link" });
    Deno.removeSync(path);
    Deno.symlinkSync(`${dir}/nowhere.pid`, path);
    assert.deepEqual(readPidFile(libc(), path), { problem: "is a symbolic link" });
    Deno.removeSync(path);
    Deno.linkSync(`${dir}/real.pid`, path);
    assert.deepEqual(readPidFile(libc(), path), { problem: "has 2 hard links, not 1" });
    Deno.removeSync(path);
    Deno.mkdirSync(path);
    assert.deepEqual(readPidFile(libc(), path), { problem: "is a directory, not a regular file" });
    Deno.removeSync(path);
    // A FIFO is never opened: opening one waits for a writer.
    const mkfifo = new Deno.Command("mkfifo", { args: [path] }).outputSync();
    assert.equal(mkfifo.code, 0);
    assert.deepEqual(readPidFile(libc(), path), { problem: "is a FIFO, not a regular file" });
  });
});

Deno.test("readPidFile() never goes through a link on the path's directories", () => {
  withPidFile((dir) => {
    Deno.mkdirSync(`${dir}/real`);
    Deno.writeTextFileSync(`${dir}/real/service.pid`, "4242\n");
    Deno.symlinkSync(`${dir}/real`, `${dir}/link`);
    assert.deepEqual(readPidFile(libc(), `${dir}/real/service.pid`), { text: "4242\n" });
    assert.deepEqual(readPidFile(libc(), `${dir}/link/service.pid`), {
      problem: `a directory on the path is a symbolic link: ${dir}/link`,
    });
    assert.deepEqual(readPidFile(libc(), `${dir}/missing/service.pid`), {
      problem: `cannot open the directory ${dir}/missing: ENOENT`,
    });
  });
});

Deno.test("readPidFile() refuses a file of more than 4096 bytes, and reads one of 4096", () => {
  withPidFile((_dir, path) => {
    const full = `4242\n${"x".repeat(4090)}\n`;
    assert.equal(full.length, 4096);
    Deno.writeTextFileSync(path, full);
    assert.deepEqual(readPidFile(libc(), path), { text: full });
    Deno.writeTextFileSync(path, `${full}y`);
    assert.deepEqual(readPidFile(libc(), path), { problem: "is larger than 4096 bytes" });
  });
});

Deno.test("readPidFile() reads a file replaced while it is read until two reads agree", () => {
  withPidFile((dir, path) => {
    Deno.writeTextFileSync(path, "4242\n");
    const reads: PidFileRead[] = [];
    // The first read is of the old file; a new instance then renames its own into place.
    const replacedAfterFirst = (lib: Libc, at: string) => {
      const read = readPidFileOnce(lib, at);
      if (reads.length === 0) {
        Deno.writeTextFileSync(`${dir}/new.pid`, "5151\n");
        Deno.renameSync(`${dir}/new.pid`, path);
      }
      reads.push(read);
      return read;
    };
    assert.deepEqual(readPidFile(libc(), path, replacedAfterFirst), { text: "5151\n" });
    assert.deepEqual(reads, [{ text: "4242\n" }, { text: "5151\n" }, { text: "5151\n" }]);

    // Truncated and rewritten in place, as Redis writes its pidfile: the empty read is not taken.
    let calls = 0;
    const rewritten = (lib: Libc, at: string) => {
      calls++;
      if (calls === 1) Deno.writeTextFileSync(path, "");
      if (calls === 2) Deno.writeTextFileSync(path, "6161\n");
      return readPidFileOnce(lib, at);
    };
    assert.deepEqual(readPidFile(libc(), path, rewritten), { text: "6161\n" });
    assert.equal(calls, 3);
  });
});

Deno.test("readPidFile() gives up on a file that changes at every read, after 4 reads", () => {
  withPidFile((_dir, path) => {
    let pid = 100;
    const changing = (lib: Libc, at: string) => {
      Deno.writeTextFileSync(at, `${pid++}\n`);
      return readPidFileOnce(lib, at);
    };
    assert.deepEqual(readPidFile(libc(), path, changing), {
      problem: "kept changing while it was read (4 reads, no two alike in a row)",
    });
    assert.equal(pid, 104);
  });
});
