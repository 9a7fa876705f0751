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

/** The files the scratch target copies from the build stage, library paths only. */
function scratchLibraries(): string[] {
  const scratch = containerfile.slice(containerfile.indexOf("AS scratch"));
  const stage = scratch.slice(0, scratch.indexOf("\nFROM "));
  const paths: string[] = [];
  for (const match of stage.matchAll(/COPY --from=build ((?:\\\n|[^\n])+)/g)) {
    const words = match[1].replace(/\\\n/g, " ").split(/\s+/).filter((word) => word !== "");
    const [destination, ...sources] = words.reverse();
    for (const source of sources) {
      if (!source.includes(".so")) continue;
      paths.push(destination.endsWith("/") ? destination + source.split("/").at(-1) : source);
    }
  }
  return paths.sort();
}

Deno.test("Containerfile builds on the official Deno image of the pinned version", () => {
  const images = [...containerfile.matchAll(/^FROM (\S+)/gm)].map((match) => match[1]);
  assert.deepEqual(images, [
    `docker.io/denoland/deno:debian-${pinnedDeno}`,
    "gcr.io/distroless/cc-debian12:nonroot",
    "scratch",
    "distroless",
  ]);
});

Deno.test("Containerfile's scratch target holds exactly the libraries ldd lists for Deno", () => {
  assert.deepEqual(scratchLibraries(), lddPaths(Deno.execPath()));
});

Deno.test("Containerfile: both targets run the binary as non-root with probe as HEALTHCHECK", () => {
  const count = (pattern: RegExp) => [...containerfile.matchAll(pattern)].length;
  assert.equal(count(/^ENTRYPOINT \["\/sd-notify-adapter"\]$/gm), 2);
  assert.equal(count(/^USER 65532:65532$/gm), 2);
  assert.equal(count(/^EXPOSE 8089$/gm), 2);
  assert.equal(count(/^HEALTHCHECK .*CMD \["\/sd-notify-adapter", "probe", "healthz"\]$/gm), 2);
  assert.equal(count(/--chown=65532:65532 \/out\/run\/adapter \/run\/adapter$/gm), 2);
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
