import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config.js';
import { IdempotencyKeyEntity } from '../messages/idempotency/idempotency-key.entity.js';
import { MessageEntity } from '../messages/message.entity.js';
import { RevocationEventEntity } from '../revocation/revocation-event.entity.js';
import { CreateMessages1763712000000 } from './migrations/1763712000000-create-messages.js';
import { CreateIdempotencyKeys1764806400000 } from './migrations/1764806400000-create-idempotency-keys.js';
import { MessagesSite1764892800000 } from './migrations/1764892800000-messages-site.js';
import { CreateRevocationEvents1765152000000 } from './migrations/1765152000000-create-revocation-events.js';
import { ensureSqliteDirectory } from './sqlite-directory.js';

export const entities = [MessageEntity, IdempotencyKeyEntity, RevocationEventEntity];
export const migrations = [
  CreateMessages1763712000000,
  CreateIdempotencyKeys1764806400000,
  MessagesSite1764892800000,
  CreateRevocationEvents1765152000000,
];

/** TypeORM options for the configured database; schema comes from migrations, never `synchronize`. */
export function dataSourceOptions(database: DatabaseConfig): DataSourceOptions {
  if (database.type === 'sqlite') {
    if (database.path !== ':memory:') ensureSqliteDirectory(database.path);
    return {
      type: 'better-sqlite3',
      database: database.path,
      entities,
      migrations,
      migrationsRun: true,
      synchronize: false,
      // WAL lets readers proceed while a write commits; the busy timeout rides out short locks.
      prepareDatabase: (db: { pragma(statement: string): unknown }) => {
        db.pragma('journal_mode = WAL');
        db.pragma('busy_timeout = 5000');
      },
    };
  }
  return {
    type: 'postgres',
    url: database.url,
    entities,
    migrations,
    // Several instances may start at once: `runMigrationsLocked` applies them under an advisory lock.
    migrationsRun: false,
    migrationsTransactionMode: 'all',
    synchronize: false,
    applicationName: 'okta-messages-api',
    extra: {
      max: database.poolSize,
      // pg-pool applies this both to opening a connection and to waiting for a free one,
      // so an unreachable or saturated database answers 503 quickly instead of hanging.
      connectionTimeoutMillis: database.connectTimeoutMs,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      statement_timeout: database.statementTimeoutMs,
      // Client-side bound for a connection whose peer went silent (no RST): a little after the server's.
      query_timeout: database.statementTimeoutMs + 1000,
      idle_in_transaction_session_timeout: database.statementTimeoutMs * 2,
    },
  };
}
