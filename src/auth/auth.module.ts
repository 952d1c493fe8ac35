import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CallerRateLimitGuard } from '../rate-limit/caller-rate-limit.guard.js';
import { DpopNonceHook } from './dpop/dpop-nonce.hook.js';
import { DpopNonces } from './dpop/dpop-nonces.js';
import { DpopService } from './dpop/dpop.service.js';
import { GroupsGuard } from './guards/groups.guard.js';
import { JwtAuthGuard } from './guards/jwt-auth.guard.js';
import { ScopesGuard } from './guards/scopes.guard.js';
import { StepUpGuard } from './guards/step-up.guard.js';
import { MeController } from './me.controller.js';
import { OktaJwtStrategy } from './okta-jwt.strategy.js';
import { SigningKeysService } from './signing-keys.service.js';
import { SitesService } from './sites.service.js';
import { StepUpService } from './step-up.service.js';
import { VerifiedTokenCache } from './verified-token.cache.js';

/**
 * Global guards run in registration order: the token, the caller's rate limit, scopes, groups,
 * step-up. (An address over its refusal limit was turned away before any of them: `RefusedAddressHooks`.)
 */
@Module({
  controllers: [MeController],
  providers: [
    SigningKeysService,
    SitesService,
    VerifiedTokenCache,
    DpopNonces,
    DpopService,
    DpopNonceHook,
    OktaJwtStrategy,
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: CallerRateLimitGuard },
    { provide: APP_GUARD, useClass: ScopesGuard },
    { provide: APP_GUARD, useClass: GroupsGuard },
    StepUpService,
    { provide: APP_GUARD, useClass: StepUpGuard },
  ],
  exports: [SigningKeysService, SitesService, VerifiedTokenCache, StepUpService],
})
export class AuthModule {}
