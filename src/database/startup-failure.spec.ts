import type { DatabaseConfig } from '../config/app-config.js';
import { SqliteDirectoryError } from './sqlite-directory.js';
import { describeDatabaseFailure } from './startup-failure.js';

const postgres = (url: string): DatabaseConfig => ({
  type: 'postgres',
  url,
  poolSize: 10,
  connectTimeoutMs: 1500,
  statementTimeoutMs: 5000,
});
const URL_WITH_PASSWORD = 'postgres://app%40ops:p%40ss%2Fw0rd@db.internal:6543/messages';
const withCode = (message: string, code?: string) => Object.assign(new Error(message), { code });

describe('describeDatabaseFailure', () => {
  it.each([
    [
      'a database that does not exist',
      withCode('database "messages" does not exist', '3D000'),
      'DATABASE_URL: database "messages" does not exist on db.internal:6543 (3D000): create it or correct the name',
    ],
    [
      'a wrong password',
      withCode('password authentication failed for user "app@ops"', '28P01'),
      'DATABASE_URL: password authentication failed for role "app@ops" on db.internal:6543 (28P01): check the user and password',
    ],
    [
      'an unknown role',
      withCode('role "app@ops" does not exist', '28000'),
      'DATABASE_URL: authentication failed for role "app@ops" on db.internal:6543: role "app@ops" does not exist (28000)',
    ],
    [
      'a role that may not create tables',
      withCode('permission denied for schema public', '42501'),
      'DATABASE_URL: role "app@ops" may not create this API\'s tables in database "messages": permission denied for schema public (42501); make the role the database owner, or GRANT CREATE ON SCHEMA to it',
    ],
    [
      'a closed port',
      withCode('connect ECONNREFUSED 10.0.0.5:6543', 'ECONNREFUSED'),
      'DATABASE_URL: connection refused at db.internal:6543 (ECONNREFUSED): is PostgreSQL running and listening there?',
    ],
    [
      'a host name that does not resolve',
      withCode('getaddrinfo ENOTFOUND db.internal', 'ENOTFOUND'),
      'DATABASE_URL: host "db.internal" not found (ENOTFOUND)',
    ],
    [
      'a host that never answers',
      new Error('Connection terminated due to connection timeout'),
      'DATABASE_URL: no answer from db.internal:6543 within 1500 ms (DATABASE_CONNECT_TIMEOUT_MS): check the host and port',
    ],
    [
      'anything else, in the driver words',
      new Error('The server does not support SSL connections'),
      'DATABASE_URL: cannot connect to PostgreSQL at db.internal:6543: The server does not support SSL connections',
    ],
  ])('names DATABASE_URL and the cause for %s', (_, error, line) => {
    expect(describeDatabaseFailure(error, postgres(URL_WITH_PASSWORD))).toBe(line);
  });

  it('reads the code of an error TypeORM wrapped', () => {
    const wrapped = {
      message: 'wrapped',
      driverError: withCode('database "messages" does not exist', '3D000'),
    };
    expect(describeDatabaseFailure(wrapped, postgres(URL_WITH_PASSWORD))).toContain('(3D000)');
  });

  it('never repeats the password, as written or decoded, even when the driver does', () => {
    const error = withCode('bad things near p@ss/w0rd and p%40ss%2Fw0rd\n  on two lines', 'XX000');
    const line = describeDatabaseFailure(error, postgres(URL_WITH_PASSWORD));
    expect(line).toBe(
      'DATABASE_URL: cannot connect to PostgreSQL at db.internal:6543: bad things near *** and *** on two lines (XX000)',
    );
  });

  it('defaults the port to 5432 when the URL has none', () => {
    const error = withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED');
    expect(describeDatabaseFailure(error, postgres('postgres://u@localhost/db'))).toContain(
      'connection refused at localhost:5432',
    );
  });

  it.each([
    [
      new SqliteDirectoryError('/dev/null', 'ENOTDIR'),
      'DATABASE_URL: SQLite cannot create directory /dev/null for /srv/x.db: it exists and is not a directory (ENOTDIR)',
    ],
    [
      new SqliteDirectoryError('/srv', 'EACCES'),
      'DATABASE_URL: SQLite cannot create directory /srv for /srv/x.db: permission denied (EACCES)',
    ],
    [
      withCode('unable to open database file', 'SQLITE_CANTOPEN'),
      'DATABASE_URL: SQLite cannot open or create the file /srv/x.db (SQLITE_CANTOPEN): check the path and that its directory is writable',
    ],
    [
      withCode('file is not a database', 'SQLITE_NOTADB'),
      'DATABASE_URL: /srv/x.db is not a SQLite database (SQLITE_NOTADB)',
    ],
  ])('names DATABASE_URL and the cause for SQLite: %s', (error, line) => {
    expect(describeDatabaseFailure(error, { type: 'sqlite', path: '/srv/x.db' })).toBe(line);
  });
});
