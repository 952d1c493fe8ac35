import { Controller, Get, Logger, Res, ServiceUnavailableException } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  TypeOrmHealthIndicator,
  type HealthCheckResult,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/decorators/public.decorator.js';
import { errorBody } from '../common/error-body.js';
import { HealthModel, NotReadyModel } from '../docs/api-models.js';
import { RedisHealthIndicator } from './redis.health.js';
import { SigningKeysHealthIndicator } from './signing-keys.health.js';

const RETRY_AFTER_SECONDS = '5';
const DATABASE_TIMEOUT_MS = 1500;

/**
 * terminus's result; when not ready, the contract's error fields replace terminus's `error` map
 * (the same per-check detail stays in `details`).
 */
export type Readiness = (
  | HealthCheckResult
  | (Omit<HealthCheckResult, 'error'> & { statusCode: number; error: string; message: string })
) & { checks: Record<string, CheckState> };

/** `degraded` (Redis only) still serves: it never makes the instance unready. */
type CheckState = 'up' | 'down' | 'stale' | 'degraded';

/** One word per check (`database: up`, `keys: stale`) for dashboards and humans; detail stays in `details`. */
function summarize(result: HealthCheckResult): Record<string, CheckState> {
  return Object.fromEntries(
    Object.entries(result.details).map(([name, detail]): [string, CheckState] => {
      if (detail.status === 'up' || detail.status === 'degraded') return [name, detail.status];
      return [name, (detail as { state?: unknown }).state === 'stale' ? 'stale' : 'down'];
    }),
  );
}

/**
 * The database check's details when it is down, without the driver's error: that names the
 * database's address (`connect ECONNREFUSED 10.0.0.5:5432`), or its user, to anyone who can reach
 * this public route. terminus logs the full error.
 */
function withoutDriverErrors(details: HealthIndicatorResult): HealthIndicatorResult {
  const database = details.database;
  if (!database || database.status === 'up') return details;
  return { ...details, database: { status: database.status, message: 'the database did not answer' } };
}

/** `database: connect ECONNREFUSED 10.0.0.5:5432; keys: no signing keys loaded`, for the log only. */
function causes(details: HealthIndicatorResult): string {
  return Object.entries(details)
    .filter(([, detail]) => detail.status === 'down')
    .map(([name, detail]) => {
      const { message } = detail as { message?: unknown };
      return `${name}: ${typeof message === 'string' ? message : 'down'}`;
    })
    .join('; ');
}

/** Liveness and readiness for load balancers and orchestrators; never behind the token guard. */
@ApiTags('health')
@Controller('health')
@Public()
export class HealthController {
  private readonly logger = new Logger('Health');

  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly keys: SigningKeysHealthIndicator,
    private readonly redis: RedisHealthIndicator,
  ) {}

  /** The process is up and serving: no dependency is checked, so a slow database never restarts it. */
  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: the process is serving' })
  @ApiOkResponse({ type: HealthModel })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary:
      'Readiness: the database answers and the signing keys are loaded and fresh (Redis, when configured, is at worst degraded)',
  })
  @ApiOkResponse({ type: HealthModel })
  @ApiServiceUnavailableResponse({ type: NotReadyModel, description: 'Not ready; `Retry-After` is set' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<Readiness> {
    try {
      const result = await this.health.check([
        () => this.database.pingCheck('database').withTimeout(DATABASE_TIMEOUT_MS),
        () => this.keys.check('keys'),
        ...(this.redis.configured ? [() => this.redis.check('redis')] : []),
      ]);
      return { ...result, checks: summarize(result) };
    } catch (error) {
      // terminus reports "not ready" as a 503 exception carrying its result; answered here rather
      // than by the error filter so the body keeps the per-check details next to the contract's fields.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const reported = error.getResponse() as HealthCheckResult;
      // The driver's error names the database's address: logged here, never in the public body.
      this.logger.warn(`not ready: ${causes(reported.details)}`);
      const result = { ...reported, details: withoutDriverErrors(reported.details) };
      const checks = summarize(result);
      const failing = Object.entries(checks).filter(([, state]) => state === 'down' || state === 'stale');
      void reply.status(503).header('Retry-After', RETRY_AFTER_SECONDS);
      return {
        ...result,
        checks,
        ...errorBody(503, `not ready: ${failing.map(([name, state]) => `${name} ${state}`).join(', ')}`),
      };
    }
  }
}
