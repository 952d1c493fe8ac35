/** What went wrong with one API call, in terms a person can act on. Pure: unit-tested in Node. */
export interface ApiFailure {
  /** 0 when the server could not be reached at all. */
  status: number;
  /** The `message` of the API's error body, when there was one. */
  message?: string;
  wwwAuthenticate?: string | null;
  retryAfter?: string | null;
}

/** RFC 6750 section 3: `Bearer realm="api", error="insufficient_scope", scope="messages:write"`. */
export function parseChallenge(header: string | null | undefined): Record<string, string> {
  const params: Record<string, string> = {};
  if (!header) return params;
  for (const match of header.matchAll(/([a-z_]+)="([^"]*)"/gi)) {
    const [, name, value] = match;
    if (name !== undefined && value !== undefined) params[name.toLowerCase()] = value;
  }
  return params;
}

const SCOPE_NAMES: Record<string, string> = {
  'messages:read': 'read messages',
  'messages:write': 'write and delete messages',
};

function retryHint(retryAfter: string | null | undefined): string {
  const seconds = Number(retryAfter);
  return Number.isInteger(seconds) && seconds > 0
    ? `Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`
    : 'Try again shortly.';
}

/** RFC 9470: what a new sign-in must satisfy for the API to allow an admin action. */
export interface StepUpChallenge {
  acrValues: string[];
  /** Seconds. */
  maxAge: number | undefined;
}

/** The step-up the API asked for, when this failure is `insufficient_user_authentication`. */
export function stepUpChallenge(failure: ApiFailure): StepUpChallenge | undefined {
  if (failure.status !== 401) return undefined;
  const challenge = parseChallenge(failure.wwwAuthenticate);
  if (challenge.error !== 'insufficient_user_authentication') return undefined;
  const maxAge = Number(challenge.max_age);
  return {
    acrValues: (challenge.acr_values ?? '').split(' ').filter((value) => value !== ''),
    maxAge: challenge.max_age !== undefined && Number.isInteger(maxAge) && maxAge >= 0 ? maxAge : undefined,
  };
}

function duration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`;
  if (seconds % 60 === 0) return `${seconds / 60} minute${seconds === 60 ? '' : 's'}`;
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}

/** Why the API asks for a new sign-in, in words: "… a second factor, within the last 15 minutes …". */
export function explainStepUp({ acrValues, maxAge }: StepUpChallenge): string {
  const how = acrValues.length > 0 ? ' with a second factor' : '';
  const when = maxAge === undefined ? '' : `${how ? ',' : ''} within the last ${duration(maxAge)}`;
  return `This admin action needs you to have signed in${how}${when}. Sign in again to continue.`;
}

/**
 * True when the person has to sign in again before anything else can work. A step-up challenge is
 * not that: the session still works for everything but the admin action.
 */
export function needsSignIn(failure: ApiFailure): boolean {
  return failure.status === 401 && stepUpChallenge(failure) === undefined;
}

export function explainApiError(failure: ApiFailure): string {
  const challenge = parseChallenge(failure.wwwAuthenticate);
  const detail = failure.message ? ` (The server said: ${failure.message}.)` : '';
  switch (failure.status) {
    case 0:
      return 'The server could not be reached. Check that the API is running and your connection works, then try again.';
    case 400:
      return `The server did not accept that request.${detail}`;
    case 401: {
      const stepUp = stepUpChallenge(failure);
      if (stepUp) return explainStepUp(stepUp);
      const description = challenge.error_description ?? failure.message ?? '';
      if (/expired/i.test(description)) return 'Your session has expired. Please sign in again.';
      if (challenge.error === 'invalid_dpop_proof' || challenge.error === 'use_dpop_nonce') {
        return `The server did not accept this browser's proof of possession (DPoP). Please sign in again.${detail}`;
      }
      if (challenge.error === 'invalid_token') {
        return `Your sign-in is no longer valid. Please sign in again.${detail}`;
      }
      return 'You are not signed in. Please sign in.';
    }
    case 403: {
      if (challenge.error === 'insufficient_scope') {
        const scopes = (challenge.scope ?? '').split(' ').filter((scope) => scope !== '');
        const what = scopes.map((scope) => SCOPE_NAMES[scope] ?? scope).join(' and ');
        return `Your sign-in does not allow you to ${what || 'do this'}: it lacks the scope ${scopes.join(', ')}. Sign out and sign in again with that permission.`;
      }
      return `Only administrators can do this, and your account is not in an admin group.${detail}`;
    }
    case 404:
      return 'That message no longer exists, or it is not yours.';
    case 503:
      return `The service is temporarily unavailable. ${retryHint(failure.retryAfter)}`;
    default:
      return failure.status >= 500
        ? 'The server ran into a problem. Try again later.'
        : `The request failed (HTTP ${failure.status}).${detail}`;
  }
}
