import { Injectable } from '@nestjs/common';
import { InvalidTokenError } from '../auth/bearer-errors.js';
import type { Principal } from '../auth/principal.js';
import { RefusalReason } from '../auth/refusal-reason.js';
import { AuditLogger } from '../logging/audit.logger.js';
import { RevocationMetrics, type RevocationSource } from '../metrics/revocation.metrics.js';
import { IntrospectionService } from './introspection.service.js';
import { RevokedUsers } from './revoked-users.js';

/** What the check needs of the request: its method, and where it came from for the audit line. */
export interface CheckedRequest {
  method: string;
  id: string;
  ip: string;
}

/**
 * The revocation check `JwtAuthGuard` runs after local validation, on every request, cached token
 * or not: first the revocations Okta's event hooks reported (a map lookup), then, on the routes
 * `INTROSPECT` names, the issuer's introspection. A revoked token is `401 invalid_token`.
 */
@Injectable()
export class TokenRevocation {
  constructor(
    private readonly users: RevokedUsers,
    private readonly metrics: RevocationMetrics,
    private readonly audit: AuditLogger,
    private readonly introspection: IntrospectionService,
  ) {}

  /** Resolves when the token may be used; undefined (nothing to wait for) when no call is needed. */
  check(token: string, principal: Principal, request: CheckedRequest): Promise<void> | undefined {
    if (principal.uid !== null) {
      const kind = this.users.revokedBy(principal.uid, principal.iat);
      if (kind !== undefined) throw this.refuse(principal, request, 'event_hook', kind);
    }
    if (!this.introspection.applies(request.method)) return undefined;
    return this.introspection.active(token, principal).then((active) => {
      if (!active) throw this.refuse(principal, request, 'introspection');
    });
  }

  private refuse(
    principal: Principal,
    request: CheckedRequest,
    source: RevocationSource,
    reason?: string,
  ): InvalidTokenError {
    this.metrics.refused(source);
    this.audit.recordRevocation(
      { action: 'revocation.token_refused', source, reason },
      { requestId: request.id, clientAddress: request.ip },
      principal,
    );
    return new InvalidTokenError(RefusalReason.TokenRevoked, 'token revoked');
  }
}
