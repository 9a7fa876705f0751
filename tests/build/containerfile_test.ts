import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);
const containerfile = Deno.readTextFileSync(new URL("Containerfile", ROOT));
const pinnedDeno = Deno.readTextFileSync(new URL(".deno-version", ROOT)).trim();

/** The library paths `ldd` prints for a binary (the vDSO is the kernel's, not a file). */
function lddPaths(binary: string): string[] {
  const output = new Deno.Command("ldd", { args: [binary], stdout: "piped" }).outputSync();
  return new TextDecoder().decode(output.stdout).split("\n")
    .map((line) => line.match(/(\/\S+) \(0x/)?.[1])
    .filter((path): path is string => path !== undefined)
    .sort();
}

/** The libraries the build stage copies for the static target on `arch` (amd64, arm64). */
function staticLibraries(arch: string): string[] {
  const step = containerfile.match(/RUN set -e; \\\n((?:.*\\\n)+.*done)/)?.[1] ?? "";
  const arm = step.match(new RegExp(`${arch}\\) dir=(\\S+); loader=(\\S+) ;;`));
  assert.ok(arm !== null, `a case for ${arch}`);
  const [, dir, loader] = arm;
  const libs = step.match(/for lib in ([^;]+); do/)?.[1].trim().split(/\s+/) ?? [];
  return [loader, ...libs.map((lib) => `${dir}/${lib}`)].sort();
}

Deno.test("Containerfile builds on the official Deno image of the pinned version; stages named", () => {
  const images = [...containerfile.matchAll(/^FROM (\S+)/gm)].map((match) => match[1]);
  assert.deepEqual(images, [
    `docker.io/denoland/deno:debian-${pinnedDeno}`,
    "gcr.io/distroless/cc-debian12:nonroot",
    "scratch",
    "distroless",
  ]);
  // "scratch" is a reserved name: the final stages have their own.
  const stages = [...containerfile.matchAll(/^FROM \S+ AS (\S+)/gm)].map((match) => match[1]);
  assert.deepEqual(stages, ["build", "distroless", "static"]);
});

Deno.test("Containerfile's static target holds exactly the libraries ldd lists for Deno", () => {
  const arch = Deno.build.arch === "aarch64" ? "arm64" : "amd64";
  assert.deepEqual(staticLibraries(arch), lddPaths(Deno.execPath()));
  // The other architecture copies the same libraries from its own directory.
  const other = staticLibraries(arch === "amd64" ? "arm64" : "amd64");
  const names = (paths: string[]) =>
    paths.map((path) => path.split("/").at(-1)).filter((name) => !name?.startsWith("ld-linux"));
  assert.deepEqual(names(other), names(staticLibraries(arch)));
});

Deno.test("Containerfile's build needs no package registry: no npm dependency to resolve", () => {
  const lock = JSON.parse(Deno.readTextFileSync(new URL("deno.lock", ROOT)));
  assert.deepEqual(Object.keys(lock), ["version"]);
  const config = JSON.parse(Deno.readTextFileSync(new URL("deno.json", ROOT)));
  assert.equal(config.imports, undefined);
});

Deno.test("Containerfile: both targets run the binary as non-root with probe as HEALTHCHECK", () => {
  const count = (pattern: RegExp) => [...containerfile.matchAll(pattern)].length;
  assert.equal(count(/^ENTRYPOINT \["\/sd-notify-adapter"\]$/gm), 2);
  assert.equal(count(/^USER 65532:65532$/gm), 2);
  assert.equal(count(/^EXPOSE 8089$/gm), 2);
  assert.equal(count(/^HEALTHCHECK .*CMD \["\/sd-notify-adapter", "probe", "healthz"\]$/gm), 2);
  assert.equal(count(/--chown=65532:65532 \/out\/run\/adapter \/run\/adapter$/gm), 2);
  assert.equal(count(/^COPY --from=build \/out\/libs\/ \/$/gm), 1);
});

Deno.test("Containerfile's build stage copies exactly what .containerignore lets in", () => {
  const ignore = Deno.readTextFileSync(new URL(".containerignore", ROOT)).split("\n");
  const kept = ignore.filter((line) => line.startsWith("!")).map((line) => line.slice(1));
  const build = containerfile.slice(containerfile.indexOf(" AS build"));
  const stage = build.slice(0, build.indexOf("\nFROM "));
  const copied = [...stage.matchAll(/^COPY (?!--from)(.+)$/gm)]
    .flatMap((match) => match[1].split(/\s+/).slice(0, -1));
  assert.equal(ignore[0], "*");
  assert.deepEqual(copied.sort(), kept.sort());
});

Deno.test(".dockerignore is .containerignore, for Docker, which reads only the former", () => {
  assert.equal(Deno.readLinkSync(new URL(".dockerignore", ROOT)), ".containerignore");
});
