import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './load-config.js';

const A = 'https://example.okta.com/oauth2/site-a';
const B = 'https://example.okta.com/oauth2/site-b';
const dir = mkdtempSync(join(tmpdir(), 'sites-config-'));
let files = 0;

function site(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    issuer: id === 'a' ? A : B,
    audiences: [`api://${id}`],
    clientIds: [],
    adminGroups: [`${id} admins`],
    corsOrigins: [`https://${id}.example.com`],
    ...overrides,
  };
}

/** A SITES_FILE holding `content` (JSON unless a string). */
function sitesFile(content: unknown): string {
  const path = join(dir, `sites-${++files}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** The one-line ConfigError message loadConfig throws for `env`. */
function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const { message } = error as ConfigError;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('sites without SITES_FILE', () => {
  it('makes one site "default" of the single-site variables', () => {
    const config = loadConfig({
      OKTA_ISSUER: A,
      OKTA_AUDIENCE: 'api://a,api://b',
      OKTA_CLIENT_IDS: '0oa1',
      OKTA_GROUPS_CLAIM: 'okta_groups',
      ADMIN_GROUPS: 'Admins,Editors',
      CORS_ORIGINS: 'https://app.example.com',
    });
    expect(config.sites).toEqual([
      {
        id: 'default',
        issuer: A,
        audiences: ['api://a', 'api://b'],
        clientIds: ['0oa1'],
        groupsClaim: 'okta_groups',
        adminGroups: ['Admins', 'Editors'],
        corsOrigins: ['https://app.example.com'],
        adminStepUp: { acrValues: [], maxAgeSeconds: undefined },
      },
    ]);
  });

  it('needs OKTA_ISSUER or SITES_FILE in production', () => {
    const message = configError({ NODE_ENV: 'production' });
    expect(message).toContain('OKTA_ISSUER');
    expect(message).toContain('SITES_FILE');
  });
});

describe('SITES_FILE', () => {
  it('reads every site, and allows the union of their origins', () => {
    const config = loadConfig({ SITES_FILE: sitesFile([site('a'), site('b', { groupsClaim: 'roles' })]) });
    expect(config.sites.map((s) => [s.id, s.issuer, s.groupsClaim])).toEqual([
      ['a', A, 'groups'],
      ['b', B, 'roles'],
    ]);
    expect(config.corsOrigins).toEqual(['https://a.example.com', 'https://b.example.com']);
    expect(config.okta.issuer).toBe(A);
  });

  it("adds CORS_ORIGINS, when set, to the sites' origins", () => {
    const config = loadConfig({
      SITES_FILE: sitesFile([site('a')]),
      CORS_ORIGINS: 'http://localhost:8080,https://a.example.com',
    });
    expect(config.corsOrigins).toEqual(['https://a.example.com', 'http://localhost:8080']);
  });

  it("gives each site its own admin step-up, or ADMIN_ACR_VALUES' and ADMIN_MAX_AGE's", () => {
    const config = loadConfig({
      SITES_FILE: sitesFile([
        site('a'),
        site('b', { adminAcrValues: ['urn:okta:loa:2fa:any'], adminMaxAge: 60 }),
      ]),
      ADMIN_ACR_VALUES: 'urn:example:hw',
      ADMIN_MAX_AGE: '600',
    });
    expect(config.sites.map((s) => s.adminStepUp)).toEqual([
      { acrValues: ['urn:example:hw'], maxAgeSeconds: 600 },
      { acrValues: ['urn:okta:loa:2fa:any'], maxAgeSeconds: 60 },
    ]);
  });

  it('allows two sites on one issuer with different audiences', () => {
    const config = loadConfig({ SITES_FILE: sitesFile([site('a'), site('b', { issuer: A })]) });
    expect(config.sites).toHaveLength(2);
  });

  it('lets a site leave out its issuer in development (the built-in issuer serves it), not in production', () => {
    const file = sitesFile([site('a', { issuer: undefined })]);
    expect(loadConfig({ SITES_FILE: file }).sites[0].issuer).toBeUndefined();
    expect(configError({ SITES_FILE: file, NODE_ENV: 'production' })).toContain(
      'site "a": issuer is required in production',
    );
    expect(loadConfig({ SITES_FILE: sitesFile([site('a')]), NODE_ENV: 'production' }).production).toBe(true);
  });

  it.each([
    ['a bad id', [site('A_1')], 'site 1: id must be 1 to 40 of a-z, 0-9 and -, got "A_1"'],
    ['an id too long', [site('a'.repeat(41))], 'site 1: id must be'],
    ['a missing id', [{ ...site('a'), id: undefined }], 'site 1: id must be'],
    ['duplicate ids', [site('a'), site('b', { id: 'a' })], 'two sites have the id "a"'],
    [
      'an http issuer',
      [site('a', { issuer: 'http://example.com/oauth2/a' })],
      'site "a": issuer must use https',
    ],
    ['an issuer ending in /', [site('a', { issuer: `${A}/` })], `site "a": issuer must not end with "/"`],
    ['an issuer that is no URL', [site('a', { issuer: 'okta' })], 'site "a": issuer must be a URL'],
    [
      'an issuer and audience shared',
      [site('a'), site('b', { issuer: A, audiences: ['api://b', 'api://a'] })],
      `sites "a" and "b" both trust issuer ${A} with audience "api://a"`,
    ],
    ['no audience', [site('a', { audiences: [] })], 'site "a": audiences must list at least one'],
    ['audiences not a list', [site('a', { audiences: 'api://a' })], 'site "a": audiences must be an array'],
    ['no adminGroups', [{ ...site('a'), adminGroups: undefined }], 'site "a": adminGroups must be an array'],
    [
      'a bad origin',
      [site('a', { corsOrigins: ['https://a.example.com/app'] })],
      'site "a": corsOrigins must list origins',
    ],
    [
      'a bad groups claim',
      [site('a', { groupsClaim: 'my groups' })],
      'site "a": groupsClaim must be a claim name',
    ],
    [
      'a bad acr value',
      [site('a', { adminAcrValues: ['two words'] })],
      'site "a": adminAcrValues must list acr values',
    ],
    [
      'a bad max age',
      [site('a', { adminMaxAge: '300' })],
      'site "a": adminMaxAge must be a whole number of seconds',
    ],
    [
      'a max age of 0',
      [site('a', { adminMaxAge: 0 })],
      'site "a": adminMaxAge must be a whole number of seconds',
    ],
    ['an unknown field', [site('a', { adminGroup: ['x'] })], 'site 1 has an unknown field "adminGroup"'],
    ['an empty array', [], 'must hold a JSON array of one or more sites'],
    ['an object', { sites: [] }, 'must hold a JSON array of one or more sites'],
    ['a site that is not an object', ['a'], 'site 1 must be an object'],
  ])('refuses %s in one line', (_name, content, expected) => {
    const file = sitesFile(content);
    const message = configError({ SITES_FILE: file });
    expect(message).toContain(`SITES_FILE ${file}`);
    expect(message).toContain(expected);
  });

  it('refuses a file that is not JSON', () => {
    const file = sitesFile('[{"id": "a",]');
    expect(configError({ SITES_FILE: file })).toMatch(new RegExp(`^SITES_FILE ${file} is not JSON: `));
  });

  it('refuses a file that cannot be read', () => {
    const file = join(dir, 'missing.json');
    expect(configError({ SITES_FILE: file })).toBe(`SITES_FILE cannot be read: ${file} (ENOENT)`);
  });

  it.each(['OKTA_ISSUER', 'OKTA_AUDIENCE', 'OKTA_CLIENT_IDS', 'OKTA_GROUPS_CLAIM', 'ADMIN_GROUPS'])(
    'refuses %s set as well',
    (variable) => {
      const message = configError({ SITES_FILE: sitesFile([site('a')]), [variable]: 'x' });
      expect(message).toContain(`SITES_FILE is set, so ${variable} must not be`);
    },
  );
});
