import { Global, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { MetricsServer } from './metrics.server.js';
import { MetricsService } from './metrics.service.js';
import { RequestCompletionHook } from './request-completion.hook.js';

@Global()
@Module({
  imports: [AuthModule],
  providers: [MetricsService, MetricsServer, RequestCompletionHook],
  exports: [MetricsService, MetricsServer],
})
export class MetricsModule {}
