import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AuthModule } from '../auth/auth.module.js';
import { HealthController } from './health.controller.js';
import { RedisHealthIndicator } from './redis.health.js';
import { SigningKeysHealthIndicator } from './signing-keys.health.js';

@Module({
  // HealthController logs the cause of a failed check in one line; terminus's own log is a stack per check.
  imports: [AuthModule, TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [SigningKeysHealthIndicator, RedisHealthIndicator],
})
export class HealthModule {}
