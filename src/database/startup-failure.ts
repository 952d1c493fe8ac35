import type { DatabaseConfig } from '../config/app-config.js';
import { SqliteDirectoryError } from './sqlite-directory.js';

type PostgresConfig = Extract<DatabaseConfig, { type: 'postgres' }>;

interface DriverError {
  code?: unknown;
  message?: unknown;
  driverError?: { code?: unknown; message?: unknown };
}

function details(error: unknown): { code?: string; message: string } {
  const { code, message, driverError } = (
    typeof error === 'object' && error !== null ? error : {}
  ) as DriverError;
  const anyCode = code ?? driverError?.code;
  const anyMessage = typeof message === 'string' ? message : String(driverError?.message ?? error);
  return { code: typeof anyCode === 'string' ? anyCode : undefined, message: anyMessage };
}

/** A driver's words on one line, with the password (as written, or decoded) never among them. */
function scrub(message: string, url?: URL): string {
  let line = message.replace(/\s+/g, ' ').trim();
  const secrets = url && url.password !== '' ? [url.password, decodeURIComponent(url.password)] : [];
  for (const secret of secrets) line = line.split(secret).join('***');
  return line;
}

const withCode = (text: string, code?: string) => (code === undefined ? text : `${text} (${code})`);

function postgresFailure(error: unknown, database: PostgresConfig): string {
  const url = new URL(database.url);
  const at = `${url.hostname}:${url.port || '5432'}`;
  const role = decodeURIComponent(url.username);
  const name = decodeURIComponent(url.pathname.slice(1));
  const { code, message } = details(error);
  switch (code) {
    case '3D000':
      return `database "${name}" does not exist on ${at} (3D000): create it or correct the name`;
    case '28P01':
      return `password authentication failed for role "${role}" on ${at} (28P01): check the user and password`;
    case '28000':
      return `authentication failed for role "${role}" on ${at}: ${scrub(message, url)} (28000)`;
    case 'ECONNREFUSED':
      return `connection refused at ${at} (ECONNREFUSED): is PostgreSQL running and listening there?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return `host "${url.hostname}" not found (${code})`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${at} cannot be reached from this machine (${code})`;
    case '42501':
      return `role "${role}" may not create this API's tables in database "${name}": ${scrub(message, url)} (42501); make the role the database owner, or GRANT CREATE ON SCHEMA to it`;
    case '57P03':
      return `PostgreSQL at ${at} is not accepting connections yet: ${scrub(message, url)} (57P03)`;
  }
  if (code === 'ETIMEDOUT' || /timeout/i.test(message)) {
    return `no answer from ${at} within ${database.connectTimeoutMs} ms (DATABASE_CONNECT_TIMEOUT_MS): check the host and port`;
  }
  return withCode(`cannot connect to PostgreSQL at ${at}: ${scrub(message, url)}`, code);
}

const DIRECTORY_CAUSES: Record<string, string> = {
  ENOTDIR: 'it exists and is not a directory',
  // mkdir under /proc or /sys: the parent exists, yet nothing can be made in it.
  ENOENT: 'this file system does not allow new directories there',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
};

function sqliteFailure(error: unknown, path: string): string {
  if (error instanceof SqliteDirectoryError) {
    const why = DIRECTORY_CAUSES[error.code];
    return `SQLite cannot create directory ${error.directory} for ${path}${why ? `: ${why}` : ''} (${error.code})`;
  }
  const { code, message } = details(error);
  switch (code) {
    case 'SQLITE_CANTOPEN':
      return `SQLite cannot open or create the file ${path} (SQLITE_CANTOPEN): check the path and that its directory is writable`;
    case 'SQLITE_NOTADB':
      return `${path} is not a SQLite database (SQLITE_NOTADB)`;
    case 'SQLITE_READONLY':
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return `SQLite cannot write to ${path} (${code})`;
  }
  return withCode(`SQLite cannot use ${path}: ${scrub(message)}`, code);
}

/**
 * Why the configured database could not be opened at startup, as one line that names DATABASE_URL
 * and the cause in plain words, for the operator who mistyped it. Never contains the password.
 */
export function describeDatabaseFailure(error: unknown, database: DatabaseConfig): string {
  const cause =
    database.type === 'sqlite' ? sqliteFailure(error, database.path) : postgresFailure(error, database);
  return `DATABASE_URL: ${cause}`;
}
