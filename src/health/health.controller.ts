import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Public } from '../auth/decorators/public.decorator.js';
import { SigningKeysService } from '../auth/signing-keys.service.js';

type Check = 'up' | 'down' | 'stale';

interface Readiness {
  status: 'ok' | 'error';
  checks: { database: Check; keys: Check };
  /** The contract's error fields, present when not ready. */
  statusCode?: number;
  error?: string;
  message?: string;
}

/** Liveness and readiness for load balancers and orchestrators; never behind the token guard. */
@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: SigningKeysService,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<Readiness> {
    const database = await this.dataSource.query('SELECT 1').then(
      (): Check => 'up',
      (): Check => 'down',
    );
    const keyStatus = this.keys.status();
    const keys: Check = !keyStatus.loaded ? 'down' : keyStatus.stale ? 'stale' : 'up';
    const checks = { database, keys };
    if (database === 'up' && keys === 'up') return { status: 'ok', checks };
    void reply.status(503).header('Retry-After', '5');
    const failing = Object.entries(checks).filter(([, state]) => state !== 'up');
    const message = `not ready: ${failing.map(([name, state]) => `${name} ${state}`).join(', ')}`;
    return { statusCode: 503, error: 'Service Unavailable', message, status: 'error', checks };
  }
}
