import { explainApiError, needsSignIn, parseChallenge, stepUpChallenge } from './api-errors.js';

describe('plain-words API errors', () => {
  it('reads the parameters of a bearer challenge', () => {
    expect(
      parseChallenge('Bearer realm="api", error="insufficient_scope", scope="messages:read messages:write"'),
    ).toEqual({ realm: 'api', error: 'insufficient_scope', scope: 'messages:read messages:write' });
    expect(parseChallenge(null)).toEqual({});
  });

  it('says the session expired for an expired token', () => {
    const failure = {
      status: 401,
      wwwAuthenticate: 'Bearer realm="api", error="invalid_token", error_description="token expired"',
    };
    expect(explainApiError(failure)).toBe('Your session has expired. Please sign in again.');
    expect(needsSignIn(failure)).toBe(true);
  });

  it('names the missing permission for insufficient_scope', () => {
    const text = explainApiError({
      status: 403,
      wwwAuthenticate: 'Bearer realm="api", error="insufficient_scope", scope="messages:write"',
    });
    expect(text).toContain('write and delete messages');
    expect(text).toContain('messages:write');
  });

  it('says only administrators may, for a 403 without a challenge', () => {
    expect(explainApiError({ status: 403, message: 'requires one of the groups: Admins' })).toMatch(
      /^Only administrators can do this.*Admins/,
    );
  });

  it('reads a step-up challenge (RFC 9470), explains it, and keeps the session', () => {
    const failure = {
      status: 401,
      wwwAuthenticate:
        'Bearer realm="api", error="insufficient_user_authentication", error_description="this action needs a sign-in within the last 900 seconds", acr_values="urn:okta:loa:2fa:any phr", max_age="900"',
    };
    expect(stepUpChallenge(failure)).toEqual({ acrValues: ['urn:okta:loa:2fa:any', 'phr'], maxAge: 900 });
    expect(needsSignIn(failure)).toBe(false);
    expect(explainApiError(failure)).toBe(
      'This admin action needs you to have signed in with a second factor, within the last 15 minutes. Sign in again to continue.',
    );
    const ageOnly = {
      status: 401,
      wwwAuthenticate: 'Bearer realm="api", error="insufficient_user_authentication", max_age="5"',
    };
    expect(stepUpChallenge(ageOnly)).toEqual({ acrValues: [], maxAge: 5 });
    expect(explainApiError(ageOnly)).toBe(
      'This admin action needs you to have signed in within the last 5 seconds. Sign in again to continue.',
    );
    expect(stepUpChallenge({ status: 401, wwwAuthenticate: 'Bearer realm="api"' })).toBeUndefined();
  });

  it('explains an unreachable or unavailable server', () => {
    expect(explainApiError({ status: 0 })).toMatch(/could not be reached/);
    expect(explainApiError({ status: 503, retryAfter: '5' })).toBe(
      'The service is temporarily unavailable. Try again in 5 seconds.',
    );
    expect(explainApiError({ status: 500 })).toMatch(/problem/);
  });

  it('asks for a new sign-in when the API refuses the DPoP proof', () => {
    const failure = {
      status: 401,
      message: 'DPoP proof htu does not match',
      wwwAuthenticate: 'DPoP algs="RS256 ES256", error="invalid_dpop_proof", error_description="htu"',
    };
    expect(explainApiError(failure)).toBe(
      "The server did not accept this browser's proof of possession (DPoP). Please sign in again. (The server said: DPoP proof htu does not match.)",
    );
    expect(needsSignIn(failure)).toBe(true);
  });
});
