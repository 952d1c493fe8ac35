import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MeModel } from '../docs/api-models.js';
import { Authenticated } from './decorators/authenticated.decorator.js';
import { CurrentPrincipal } from './decorators/current-principal.decorator.js';
import type { Principal } from './principal.js';

export interface MeResponse {
  site: string;
  sub: string;
  uid: string | null;
  cid: string | null;
  scopes: readonly string[];
  groups: readonly string[];
  isAdmin: boolean;
  expiresAt: string;
  /** So a client can tell in advance whether an admin action will ask it to sign in again (RFC 9470). */
  acr: string | null;
  auth_time: number | null;
}

/** Who the token says the caller is: any valid token, no scope needed. */
@ApiTags('me')
@Controller('me')
export class MeController {
  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'Who the token says the caller is (any valid token)' })
  @ApiOkResponse({ type: MeModel })
  me(@CurrentPrincipal() principal: Principal): MeResponse {
    const { site, sub, uid, cid, scopes, groups, isAdmin, exp, acr, authTime } = principal;
    const expiresAt = new Date(exp * 1000).toISOString();
    return { site, sub, uid, cid, scopes, groups, isAdmin, expiresAt, acr, auth_time: authTime };
  }
}
