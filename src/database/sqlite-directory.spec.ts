import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSqliteDirectory, SqliteDirectoryError } from './sqlite-directory.js';

describe('ensureSqliteDirectory', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'sqlite-directory-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const failure = (file: string) => {
    try {
      ensureSqliteDirectory(file);
    } catch (error) {
      return error;
    }
    return undefined;
  };

  it('creates every missing directory above the file, and accepts one that exists', () => {
    const file = join(root, 'a', 'b', 'messages.db');
    ensureSqliteDirectory(file);
    expect(statSync(join(root, 'a', 'b')).isDirectory()).toBe(true);
    expect(() => ensureSqliteDirectory(file)).not.toThrow();
  });

  it('names the file in the way, however deep below it the database was asked for', () => {
    writeFileSync(join(root, 'plain-file'), '');
    for (const file of [join(root, 'plain-file', 'x.db'), join(root, 'plain-file', 'a', 'b', 'x.db')]) {
      expect(failure(file)).toEqual(new SqliteDirectoryError(join(root, 'plain-file'), 'ENOTDIR'));
    }
    expect(failure('/dev/null/x.db')).toMatchObject({ directory: '/dev/null', code: 'ENOTDIR' });
  });

  it('fails, rather than looping, where the file system takes no new directories (/proc)', () => {
    expect(failure('/proc/no-such-dir/x.db')).toMatchObject({ directory: '/proc/no-such-dir' });
  });
});
