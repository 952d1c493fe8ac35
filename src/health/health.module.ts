import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AuthModule } from '../auth/auth.module.js';
import { HealthController } from './health.controller.js';
import { SigningKeysHealthIndicator } from './signing-keys.health.js';

@Module({
  // Failed checks are already in the 503 body and the request log; terminus need not log them again.
  imports: [AuthModule, TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [SigningKeysHealthIndicator],
})
export class HealthModule {}
