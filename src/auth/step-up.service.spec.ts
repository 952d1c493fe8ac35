import { principalWith } from '../../test/fixtures/guard-context.js';
import { loadConfig } from '../config/load-config.js';
import { resolveSites } from '../config/resolve-sites.js';
import { SitesService } from './sites.service.js';
import type { AuditEvent, AuditLogger } from '../logging/audit.logger.js';
import type { Principal } from './principal.js';
import { InsufficientUserAuthenticationError } from './bearer-errors.js';
import { RefusalReason } from './refusal-reason.js';
import { StepUpService } from './step-up.service.js';

const NOW = 1_800_000_000;

function serviceWith(env: Record<string, string>) {
  const events: AuditEvent[] = [];
  const audit = {
    record: (_actor: Principal, event: AuditEvent) => void events.push(event),
  } as unknown as AuditLogger;
  const config = resolveSites(loadConfig({ OKTA_ISSUER: 'https://example.okta.com', ...env }));
  return { service: new StepUpService(config, audit, new SitesService(config)), events };
}

const attempt = {
  action: 'admin.messages.delete',
  author: 'bob',
  messageId: 'm-1',
  origin: { requestId: 'r-1', clientAddress: '203.0.113.5' },
} as const;

describe('StepUpService', () => {
  it('is not_required, and audits nothing, when neither setting is configured', () => {
    const { service, events } = serviceWith({});
    expect(service.requireForAdmin(principalWith({}), attempt, NOW)).toBe('not_required');
    expect(events).toEqual([]);
  });

  it('is met for a sign-in that meets the requirement', () => {
    const { service, events } = serviceWith({
      ADMIN_ACR_VALUES: 'urn:okta:loa:2fa:any',
      ADMIN_MAX_AGE: '600',
    });
    const caller = principalWith({ acr: 'urn:okta:loa:2fa:any', authTime: NOW - 60 });
    expect(service.requireForAdmin(caller, attempt, NOW)).toBe('met');
    expect(events).toEqual([]);
  });

  it('audits a challenge, naming the action attempted and why, then throws it with the requirement', () => {
    const { service, events } = serviceWith({
      ADMIN_ACR_VALUES: 'urn:okta:loa:2fa:any',
      ADMIN_MAX_AGE: '600',
    });
    const caller = principalWith({ acr: 'urn:okta:loa:2fa:any', authTime: NOW - 3600 });
    let thrown: unknown;
    try {
      service.requireForAdmin(caller, attempt, NOW);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InsufficientUserAuthenticationError);
    expect(thrown).toMatchObject({
      reason: RefusalReason.AuthTimeTooOld,
      acrValues: ['urn:okta:loa:2fa:any'],
      maxAge: 600,
    });
    expect(events).toEqual([
      {
        action: 'admin.step_up.challenge',
        attempted: 'admin.messages.delete',
        reason: RefusalReason.AuthTimeTooOld,
        author: 'bob',
        messageId: 'm-1',
      },
    ]);
  });
});
