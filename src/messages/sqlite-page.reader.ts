import type { DataSource } from 'typeorm';
import type { Cursor } from './cursor.js';
import type { MessageEntity } from './message.entity.js';

interface Statement {
  all(...params: unknown[]): unknown[];
  raw(toggle: boolean): Statement;
}

interface SqliteConnection {
  prepare(sql: string): Statement;
}

/** Rows as arrays (better-sqlite3 `raw` mode): no object with named keys built per row. */
type Row = [id: string, author: string, text: string, createdAt: number];

/**
 * The hot query (one page, newest first) as prepared better-sqlite3 statements: built once, run
 * without TypeORM's per-call query building. `(created_at, id) < (?, ?)` is the same keyset as
 * the QueryBuilder path, written as a row value so SQLite seeks the (author, created_at, id) index.
 * better-sqlite3 binds a JS number as REAL; a REAL `LIMIT ?` measured 3x slower than an integer one.
 */
export class SqlitePageReader {
  private readonly statements = new Map<string, Statement>();

  private constructor(private readonly connection: SqliteConnection) {}

  /** A reader for a better-sqlite3 data source; undefined for any other driver. */
  static for(dataSource: DataSource): SqlitePageReader | undefined {
    if (dataSource.options.type !== 'better-sqlite3') return undefined;
    const connection = (dataSource.driver as { databaseConnection?: SqliteConnection }).databaseConnection;
    return connection ? new SqlitePageReader(connection) : undefined;
  }

  /** Up to `count` messages, newest first, by `author` (every author when undefined), after `after`. */
  read(count: number, author: string | undefined, after: Cursor | undefined): MessageEntity[] {
    const params: unknown[] = [];
    if (author !== undefined) params.push(author);
    if (after !== undefined) params.push(after.createdAt, after.id);
    params.push(count);
    const rows = this.statement(author !== undefined, after !== undefined).all(...params) as Row[];
    return rows.map(([id, author, text, createdAt]) => ({ id, author, text, createdAt }));
  }

  private statement(byAuthor: boolean, keyset: boolean): Statement {
    const key = `${byAuthor}:${keyset}`;
    let statement = this.statements.get(key);
    if (!statement) {
      const where = [byAuthor ? 'author = ?' : '', keyset ? '(created_at, id) < (?, ?)' : ''].filter(Boolean);
      statement = this.connection
        .prepare(
          `SELECT id, author, text, created_at FROM messages ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY created_at DESC, id DESC LIMIT CAST(? AS INTEGER)`,
        )
        .raw(true);
      this.statements.set(key, statement);
    }
    return statement;
  }
}
