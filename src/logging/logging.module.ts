import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import pino, { type DestinationStream, type Logger } from 'pino';
import { APP_CONFIG, type AppConfig, type LoggingConfig } from '../config/app-config.js';
import { AppLogger } from './app.logger.js';
import { AuditLogger } from './audit.logger.js';
import { ROOT_LOGGER } from './root-logger.js';
import { RequestIdHooks } from './request-id.hooks.js';
import { RequestLog } from './request.log.js';

/**
 * JSON lines go through pino's asynchronous destination (sonic-boom): a request never waits on
 * stdout, lines written while a write is under way leave together, and pino flushes what is
 * pending when the process exits. Pretty output (development only: pino-pretty is a
 * development dependency) runs in a pino transport worker.
 */
function destination(config: LoggingConfig): DestinationStream {
  if (config.format === 'pretty') {
    return pino.transport({ target: 'pino-pretty', options: { colorize: true, singleLine: true } });
  }
  return pino.destination({ dest: 1, sync: false });
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
 * line (`RequestLog`) and audit events.
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
export class LoggingModule implements OnApplicationShutdown {
  constructor(@Inject(ROOT_LOGGER) private readonly logger: Logger) {}

  /** Last of all: what is still buffered is written before the process exits. */
  onApplicationShutdown(): void {
    this.logger.flush();
  }
}
