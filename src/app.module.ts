import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthModule } from './auth/auth.module.js';
import { HttpErrorFilter } from './common/http-error.filter.js';
import type { ResolvedConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { LoggingModule } from './logging/logging.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { RateLimitModule } from './rate-limit/rate-limit.module.js';
import { MessagesModule } from './messages/messages.module.js';
import { RevocationModule } from './revocation/revocation.module.js';
import { SharedStateModule } from './shared-state/shared-state.module.js';
import { WebModule } from './web/web.module.js';

@Module({})
export class AppModule {
  static register(config: ResolvedConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        SharedStateModule,
        DatabaseModule,
        RevocationModule.register(config),
        AuthModule,
        MessagesModule,
        HealthModule,
        WebModule.register(config),
        LoggingModule,
        MetricsModule,
        RateLimitModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: HttpErrorFilter }],
    };
  }
}
