import { principalWith } from '../../test/fixtures/guard-context.js';
import type { StepUpRequirement } from '../config/app-config.js';
import { RefusalReason } from './refusal-reason.js';
import { stepUpProblem, stepUpRequired } from './step-up.js';

const NOW = 1_800_000_000;
const TOLERANCE = 30;
const TWO_FACTOR = 'urn:okta:loa:2fa:any';
const acrOnly: StepUpRequirement = {
  acrValues: [TWO_FACTOR, 'urn:okta:loa:2fa:any:ifpossible'],
  maxAgeSeconds: undefined,
};
const maxAgeOnly: StepUpRequirement = { acrValues: [], maxAgeSeconds: 300 };
const both: StepUpRequirement = { acrValues: [TWO_FACTOR], maxAgeSeconds: 300 };

const reason = (requirement: StepUpRequirement, acr: string | null, authTime: number | null) =>
  stepUpProblem(principalWith({ acr, authTime }), requirement, NOW, TOLERANCE)?.reason;

describe('stepUpProblem (RFC 9470)', () => {
  it('requires nothing when neither setting is configured', () => {
    const off = { acrValues: [], maxAgeSeconds: undefined };
    expect(stepUpRequired(off)).toBe(false);
    expect(reason(off, null, null)).toBeUndefined();
    expect([acrOnly, maxAgeOnly, both].every(stepUpRequired)).toBe(true);
  });

  describe('acr', () => {
    it('refuses a token without acr', () => {
      expect(reason(acrOnly, null, NOW)).toBe(RefusalReason.AcrMissing);
    });

    it('refuses an acr that is not in the list (exact, case-sensitive)', () => {
      expect(reason(acrOnly, 'urn:okta:loa:1fa:pwd', NOW)).toBe(RefusalReason.AcrNotAccepted);
      expect(reason(acrOnly, 'URN:OKTA:LOA:2FA:ANY', NOW)).toBe(RefusalReason.AcrNotAccepted);
    });

    it('accepts any acr in the list, whatever auth_time says when no max age is set', () => {
      expect(reason(acrOnly, TWO_FACTOR, null)).toBeUndefined();
      expect(reason(acrOnly, 'urn:okta:loa:2fa:any:ifpossible', NOW - 86_400)).toBeUndefined();
    });
  });

  describe('auth_time', () => {
    it('refuses a token without auth_time', () => {
      expect(reason(maxAgeOnly, TWO_FACTOR, null)).toBe(RefusalReason.AuthTimeMissing);
    });

    it('refuses a sign-in older than the max age plus the clock tolerance', () => {
      expect(reason(maxAgeOnly, null, NOW - 300 - TOLERANCE - 1)).toBe(RefusalReason.AuthTimeTooOld);
      expect(reason(maxAgeOnly, null, NOW - 8 * 3600)).toBe(RefusalReason.AuthTimeTooOld);
    });

    it('accepts a recent sign-in, up to the max age plus the clock tolerance', () => {
      expect(reason(maxAgeOnly, null, NOW)).toBeUndefined();
      expect(reason(maxAgeOnly, null, NOW - 300)).toBeUndefined();
      expect(reason(maxAgeOnly, null, NOW - 300 - TOLERANCE)).toBeUndefined();
      // A clock slightly ahead of ours is not a sign-in in the future.
      expect(reason(maxAgeOnly, null, NOW + TOLERANCE)).toBeUndefined();
    });

    it('refuses a sign-in in the future beyond the clock tolerance', () => {
      expect(reason(maxAgeOnly, null, NOW + TOLERANCE + 1)).toBe(RefusalReason.AuthTimeInFuture);
    });
  });

  it('with both settings, needs both: acr is judged first', () => {
    expect(reason(both, null, null)).toBe(RefusalReason.AcrMissing);
    expect(reason(both, TWO_FACTOR, null)).toBe(RefusalReason.AuthTimeMissing);
    expect(reason(both, TWO_FACTOR, NOW - 3600)).toBe(RefusalReason.AuthTimeTooOld);
    expect(reason(both, 'urn:okta:loa:1fa:pwd', NOW)).toBe(RefusalReason.AcrNotAccepted);
    expect(reason(both, TWO_FACTOR, NOW - 10)).toBeUndefined();
  });

  it('describes the problem without a double quote (it goes into a quoted-string)', () => {
    const problem = stepUpProblem(principalWith({ acr: 'say"hi"' }), both, NOW, TOLERANCE)!;
    expect(problem.description).toBe('this action needs a stronger sign-in (acr not accepted)');
    expect(stepUpProblem(principalWith({ acr: TWO_FACTOR, authTime: 0 }), both, NOW, 0)!.description).toBe(
      'this action needs a sign-in within the last 300 seconds',
    );
  });
});
