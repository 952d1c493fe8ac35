import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { ResolvedConfig } from '../config/app-config.js';
import { EventHookSecretGuard } from './event-hook-secret.guard.js';
import { IntrospectionService } from './introspection.service.js';
import { OktaEventHookController } from './okta-event-hook.controller.js';
import { RevocationEventEntity } from './revocation-event.entity.js';
import { RevocationStore } from './revocation-store.service.js';
import { RevocationSync } from './revocation-sync.service.js';
import { RevokedUsers } from './revoked-users.js';
import { TokenRevocation } from './token-revocation.service.js';

/**
 * Ending tokens before their `exp`: Okta's event hooks (stored, spread to every instance) and token
 * introspection. Global: `JwtAuthGuard` runs `TokenRevocation` on every request.
 */
@Global()
@Module({})
export class RevocationModule {
  static register(config: ResolvedConfig): DynamicModule {
    return {
      module: RevocationModule,
      imports: [TypeOrmModule.forFeature([RevocationEventEntity])],
      // Without OKTA_EVENT_HOOK_SECRET the route does not exist at all (404).
      controllers: config.revocation.eventHookSecret === undefined ? [] : [OktaEventHookController],
      providers: [
        RevokedUsers,
        RevocationStore,
        RevocationSync,
        IntrospectionService,
        TokenRevocation,
        EventHookSecretGuard,
      ],
      exports: [TokenRevocation, RevocationSync],
    };
  }
}
