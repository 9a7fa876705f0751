/**
 * Where a path socket really lands (behaviour §2.1, §10): the parent directory with every
 * symbolic link resolved, and the directories still to create. The permission set is checked
 * against this real path, so that a symlinked parent cannot carry the socket outside the
 * allowed directories.
 *
 * @module
 */

/** The socket's real path, and the missing directories above it, outermost first. */
export interface SocketPath {
  /** The socket's path, with every symbolic link in its parent directory resolved. */
  readonly path: string;
  /** The directories to create before binding, outermost first. */
  readonly missing: readonly string[];
}

function split(path: string): { parent: string; name: string } {
  const slash = path.lastIndexOf("/");
  return { parent: path.slice(0, slash) || "/", name: path.slice(slash + 1) };
}

function join(directory: string, name: string): string {
  return directory === "/" ? `/${name}` : `${directory}/${name}`;
}

/**
 * Resolves `path`'s parent through its deepest existing ancestor; `realPath` is
 * `Deno.realPathSync`, or a test's fake.
 */
export function resolveSocketPath(
  path: string,
  realPath: (path: string) => string = Deno.realPathSync,
): SocketPath {
  const { parent, name } = split(path);
  const missingNames: string[] = [];
  let directory = parent;
  let real: string;
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
  const missing: string[] = [];
  for (const missingName of missingNames) {
    real = join(real, missingName);
    missing.push(real);
  }
  return { path: join(real, name), missing };
}
