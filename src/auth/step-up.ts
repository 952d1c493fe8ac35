import type { StepUpRequirement } from '../config/app-config.js';
import type { Principal } from './principal.js';
import { RefusalReason } from './refusal-reason.js';

/** Why a caller's sign-in does not meet a step-up requirement: a stable reason and a description. */
export interface StepUpProblem {
  reason: RefusalReason;
  description: string;
}

/** `met`: a requirement applied and the sign-in met it; `not_required`: none is configured. */
export type StepUpOutcome = 'met' | 'not_required';

export function stepUpRequired(requirement: StepUpRequirement): boolean {
  return requirement.acrValues.length > 0 || requirement.maxAgeSeconds !== undefined;
}

/**
 * RFC 9470: whether the sign-in behind the token is strong enough (`acr` one of the accepted values)
 * and recent enough (`auth_time` at most `maxAgeSeconds` old, with the clock tolerance that `exp`
 * and `nbf` get). Undefined when it is, or when nothing is required.
 */
export function stepUpProblem(
  principal: Principal,
  requirement: StepUpRequirement,
  nowSeconds: number,
  toleranceSeconds: number,
): StepUpProblem | undefined {
  const { acrValues, maxAgeSeconds } = requirement;
  if (acrValues.length > 0) {
    if (principal.acr === null) {
      return {
        reason: RefusalReason.AcrMissing,
        description: 'this action needs a stronger sign-in (no acr)',
      };
    }
    if (!acrValues.includes(principal.acr)) {
      return {
        reason: RefusalReason.AcrNotAccepted,
        description: 'this action needs a stronger sign-in (acr not accepted)',
      };
    }
  }
  if (maxAgeSeconds !== undefined) {
    const { authTime } = principal;
    if (authTime === null) {
      return {
        reason: RefusalReason.AuthTimeMissing,
        description: 'this action needs a recent sign-in (no auth_time)',
      };
    }
    // A sign-in in the future is no proof of a recent one: Okta never issues it.
    if (authTime > nowSeconds + toleranceSeconds) {
      return {
        reason: RefusalReason.AuthTimeInFuture,
        description: 'this action needs a recent sign-in (auth_time in the future)',
      };
    }
    if (nowSeconds - authTime > maxAgeSeconds + toleranceSeconds) {
      return {
        reason: RefusalReason.AuthTimeTooOld,
        description: `this action needs a sign-in within the last ${maxAgeSeconds} seconds`,
      };
    }
  }
  return undefined;
}
