import { mkdirSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** A directory the SQLite file needs could not be made; `code` is the system's (ENOTDIR when a file is in the way). */
export class SqliteDirectoryError extends Error {
  override readonly name = 'SqliteDirectoryError';
  constructor(
    readonly directory: string,
    readonly code: string,
  ) {
    super(`cannot create directory ${directory} (${code})`);
  }
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'unknown error';
}

/** Undefined when nothing is there, or when a file higher up is in the way (found on the way up). */
function statOf(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    if (codeOf(error) === 'ENOTDIR') return undefined;
    throw new SqliteDirectoryError(path, codeOf(error));
  }
}

/**
 * Creates the directories above a SQLite file, one at a time. Not `mkdir({ recursive: true })`:
 * under /proc that loops forever (the parent "exists", the child cannot be made), and it reports a
 * file in the way as EEXIST. Once the directory exists, TypeORM's own recursive mkdir is a no-op.
 */
export function ensureSqliteDirectory(file: string): void {
  const missing: string[] = [];
  let directory = dirname(resolve(file));
  for (;;) {
    const stat = statOf(directory);
    if (stat !== undefined) {
      if (!stat.isDirectory()) throw new SqliteDirectoryError(directory, 'ENOTDIR');
      break;
    }
    missing.unshift(directory);
    const parent = dirname(directory);
    if (parent === directory) break;
    directory = parent;
  }
  for (const path of missing) {
    try {
      mkdirSync(path);
    } catch (error) {
      // Another instance starting at the same moment may have made it.
      if (codeOf(error) === 'EEXIST' && statOf(path)?.isDirectory()) continue;
      throw new SqliteDirectoryError(path, codeOf(error));
    }
  }
}
