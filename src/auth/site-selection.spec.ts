import type { ResolvedSite } from '../config/app-config.js';
import { InvalidTokenError } from './bearer-errors.js';
import { RefusalReason } from './refusal-reason.js';
import { siteForToken } from './site-selection.js';

const ISSUER = 'https://example.okta.com/oauth2/cms';
const OTHER = 'https://example.okta.com/oauth2/shop';

function site(id: string, issuer: string, audiences: string[]): ResolvedSite {
  const adminStepUp = { acrValues: [], maxAgeSeconds: undefined };
  return {
    id,
    issuer,
    audiences,
    clientIds: [],
    adminGroups: [],
    groupsClaim: 'groups',
    corsOrigins: [],
    adminStepUp,
  };
}

const sites = [
  site('blog', ISSUER, ['api://blog']),
  site('news', ISSUER, ['api://news', 'api://news-2']),
  site('shop', OTHER, ['api://blog']),
];

function refusal(payload: Record<string, unknown>): RefusalReason {
  try {
    siteForToken(sites, payload);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidTokenError);
    return (error as InvalidTokenError).reason;
  }
  throw new Error('expected a refusal');
}

describe('siteForToken', () => {
  it.each([
    [{ iss: ISSUER, aud: 'api://blog' }, 'blog'],
    [{ iss: ISSUER, aud: ['api://other', 'api://news-2'] }, 'news'],
    [{ iss: OTHER, aud: 'api://blog' }, 'shop'],
  ])('picks the site by exact issuer and an audience: %j', (payload, id) => {
    expect(siteForToken(sites, payload).id).toBe(id);
  });

  it.each([
    [{ iss: `${ISSUER}/`, aud: 'api://blog' }],
    [{ iss: ISSUER.toUpperCase(), aud: 'api://blog' }],
    [{ aud: 'api://blog' }],
    [{ iss: ['x'], aud: 'api://blog' }],
  ])('refuses an issuer no site has: %j', (payload) => {
    expect(refusal(payload)).toBe(RefusalReason.UnknownIssuer);
  });

  it.each([[{ iss: ISSUER, aud: 'api://shop' }], [{ iss: ISSUER }], [{ iss: ISSUER, aud: 42 }]])(
    "refuses an audience none of the issuer's sites has: %j",
    (payload) => {
      expect(refusal(payload)).toBe(RefusalReason.WrongAudience);
    },
  );

  it('refuses a token whose audiences name two sites of one issuer', () => {
    expect(refusal({ iss: ISSUER, aud: ['api://blog', 'api://news'] })).toBe(RefusalReason.AmbiguousSite);
  });
});
