import { Global, Module } from '@nestjs/common';
import pino, { type DestinationStream, type Logger } from 'pino';
import { APP_CONFIG, type AppConfig, type LoggingConfig } from '../config/app-config.js';
import { AppLogger } from './app.logger.js';
import { AuditLogger } from './audit.logger.js';
import { LineBatcher } from './line-batcher.js';
import { ROOT_LOGGER } from './root-logger.js';
import { RequestIdHooks } from './request-id.hooks.js';
import { RequestLog } from './request.log.js';

/** Lines are written in batches of at least this many characters (4 KB of ASCII), and at least this often. */
const BATCH_LENGTH = 4096;
const FLUSH_INTERVAL_MS = 500;

/**
 * Where log lines go. JSON lines are batched (`LineBatcher`) and go through an asynchronous
 * destination (sonic-boom), so a request neither waits on stdout nor costs a system call of its
 * own; what is pending is flushed on exit. Pretty output runs pino-pretty in a worker.
 */
function destination(config: LoggingConfig): DestinationStream {
  if (config.format === 'pretty') {
    return pino.transport({ target: 'pino-pretty', options: { colorize: true, singleLine: true } });
  }
  const stream = new LineBatcher(pino.destination({ dest: 1, sync: false }), BATCH_LENGTH);
  setInterval(() => stream.flush(), FLUSH_INTERVAL_MS).unref();
  return stream;
}

/** The root logger, built once. Tests that capture logs pass their own destination. */
export function createRootLogger(config: LoggingConfig, stream?: DestinationStream): Logger {
  return pino(
    {
      level: config.level,
      // Belt and braces: no log line is ever given a header, but should one be, this drops it.
      redact: {
        paths: ['req.headers.authorization', 'headers.authorization', 'authorization'],
        remove: true,
      },
    },
    stream ?? destination(config),
  );
}

/**
 * One pino logger for the whole application: Nest's own messages (`AppLogger`), the request
 * line (`RequestLog`, written from the metrics `onResponse` hook) and audit events. No request
 * middleware and no per-request async context: everything a line needs is passed to it.
 */
@Global()
@Module({
  providers: [
    {
      provide: ROOT_LOGGER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => createRootLogger(config.logging),
    },
    AppLogger,
    AuditLogger,
    RequestLog,
    RequestIdHooks,
  ],
  exports: [ROOT_LOGGER, AppLogger, AuditLogger, RequestLog],
})
export class LoggingModule {}
