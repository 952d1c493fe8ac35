import { Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { type DestinationStream, type Logger } from 'pino';
import { APP_CONFIG, type AppConfig, type LoggingConfig } from '../config/app-config.js';
import { AuditLogger } from './audit.logger.js';
import { annotations } from './request-annotations.js';
import { RequestIdHooks } from './request-id.hooks.js';

/** Lines are written in batches of at least this many bytes, and at least this often. */
const BATCH_BYTES = 4096;
const FLUSH_INTERVAL_MS = 500;

/**
 * Where log lines go. JSON goes through an asynchronous destination (sonic-boom) that batches
 * lines into few writes, so a request neither waits on stdout nor costs a system call of its
 * own; pino flushes what is left on exit. Pretty output runs pino-pretty in a worker.
 */
function destination(config: LoggingConfig): DestinationStream {
  if (config.format === 'pretty') {
    return pino.transport({ target: 'pino-pretty', options: { colorize: true, singleLine: true } });
  }
  const stream = pino.destination({ dest: 1, sync: false, minLength: BATCH_BYTES });
  setInterval(() => {
    try {
      stream.flush();
    } catch {
      // Destroyed at shutdown: nothing left to flush.
    }
  }, FLUSH_INTERVAL_MS).unref();
  return stream;
}

/** The root logger, built once. Tests that capture logs pass their own destination. */
export function createRootLogger(config: LoggingConfig, stream?: DestinationStream): Logger {
  return pino(
    {
      level: config.level,
      // Belt and braces: these never reach a log line through the serializers below either.
      redact: {
        paths: ['req.headers.authorization', 'headers.authorization', 'authorization'],
        remove: true,
      },
    },
    stream ?? destination(config),
  );
}

/** Only the method and the path: no headers (Authorization), no query string (a misplaced token). */
function requestSerializer(req: IncomingMessage): { method?: string; path?: string } {
  const url = req.url ?? '';
  const query = url.indexOf('?');
  return { method: req.method, path: query === -1 ? url : url.slice(0, query) };
}

function responseSerializer(res: ServerResponse): { statusCode: number } {
  return { statusCode: res.statusCode };
}

/** What the request log line adds to pino-http's own fields; never a header, token or body. */
function withAnnotations(req: IncomingMessage, _res: ServerResponse, value: object): object {
  const fields = annotations(req);
  if (!fields) return value;
  return {
    ...value,
    route: fields.route,
    sub: fields.sub,
    cid: fields.cid ?? undefined,
    refusal: fields.refusal?.reason,
    refusalCode: fields.refusal?.code,
  };
}

export function pinoHttpOptions(config: AppConfig, stream?: DestinationStream) {
  return {
    logger: createRootLogger(config.logging, stream),
    quietReqLogger: true,
    customAttributeKeys: { responseTime: 'durationMs' },
    serializers: { req: requestSerializer, res: responseSerializer },
    // Route, caller and refusal go into the finished-request line itself (no child logger per request).
    customSuccessObject: withAnnotations,
    customErrorObject: (req: IncomingMessage, res: ServerResponse, _error: Error, value: object) =>
      withAnnotations(req, res, value),
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) =>
      error || res.statusCode >= 500 ? ('error' as const) : ('info' as const),
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
  };
}

/** nestjs-pino over pino-http: one JSON line per request, and Nest's own logs through the same logger. */
@Global()
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ pinoHttp: pinoHttpOptions(config) }),
    }),
  ],
  providers: [AuditLogger, RequestIdHooks],
  exports: [AuditLogger],
})
export class LoggingModule {}
