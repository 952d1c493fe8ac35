import { Global, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { MetricsServer } from './metrics.server.js';
import { MetricsService } from './metrics.service.js';
import { RequestCompletionHook } from './request-completion.hook.js';
import { RevocationMetrics } from './revocation.metrics.js';

@Global()
@Module({
  imports: [AuthModule],
  providers: [MetricsService, MetricsServer, RequestCompletionHook, RevocationMetrics],
  exports: [MetricsService, MetricsServer, RevocationMetrics],
})
export class MetricsModule {}
