import { configError } from '../../test/fixtures/config-error.js';
import { loadConfig } from './load-config.js';

const ISSUER = 'https://dev-123.okta.com/oauth2/default';

describe('loadConfig defaults', () => {
  const config = loadConfig({});

  it('has no issuer (the development issuer fills it in)', () => {
    expect(config.okta.issuer).toBeUndefined();
    expect(config.production).toBe(false);
  });

  it('accepts audience api://default', () => {
    expect(config.okta.audiences).toEqual(['api://default']);
  });

  it('accepts any client id', () => {
    expect(config.okta.clientIds).toEqual([]);
  });

  it('reads groups from the groups claim', () => {
    expect(config.okta.groupsClaim).toBe('groups');
  });

  it('allows 30 seconds of clock tolerance', () => {
    expect(config.okta.clockToleranceSeconds).toBe(30);
  });

  it('makes the Admins group admin', () => {
    expect(config.adminGroups).toEqual(['Admins']);
  });

  it('allows the browser origin http://localhost:8080', () => {
    expect(config.corsOrigins).toEqual(['http://localhost:8080']);
  });

  it('stores messages in sqlite:data/messages.db', () => {
    expect(config.database).toEqual({ type: 'sqlite', path: 'data/messages.db' });
  });

  it('listens on 127.0.0.1:8000', () => {
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(8000);
  });

  it('treats empty and blank variables as unset', () => {
    const blank = loadConfig({
      OKTA_CLOCK_TOLERANCE: ' ',
      PORT: '',
      DATABASE_URL: '',
      OKTA_GROUPS_CLAIM: '',
    });
    expect(blank.okta.clockToleranceSeconds).toBe(30);
    expect(blank.port).toBe(8000);
    expect(blank.database).toEqual(config.database);
    expect(blank.okta.groupsClaim).toBe('groups');
  });
});

describe('loadConfig OKTA_ISSUER', () => {
  it('accepts an https issuer as given', () => {
    expect(loadConfig({ OKTA_ISSUER: ISSUER }).okta.issuer).toBe(ISSUER);
  });

  it.each([['http://localhost:8001/oauth2/default'], ['http://127.0.0.1:9000'], ['http://[::1]:9000/x']])(
    'accepts the loopback http issuer %s',
    (issuer) => {
      expect(loadConfig({ OKTA_ISSUER: issuer }).okta.issuer).toBe(issuer);
    },
  );

  it.each([
    ['http://dev-123.okta.com/oauth2/default'],
    ['http://localhost.example.com'],
    ['http://127.0.0.2'],
    ['http://10.0.0.1'],
    ['ftp://localhost/x'],
  ])('refuses the non-https issuer %s', (issuer) => {
    expect(configError({ OKTA_ISSUER: issuer }, 'OKTA_ISSUER')).toMatch(/https/);
  });

  it.each([['not a url'], ['dev-123.okta.com'], ['https://user:pw@dev-123.okta.com'], [`${ISSUER}?x=1`]])(
    'refuses the malformed issuer %s',
    (issuer) => {
      configError({ OKTA_ISSUER: issuer }, 'OKTA_ISSUER');
    },
  );

  it('is required in production, naming OKTA_ISSUER', () => {
    configError({ NODE_ENV: 'production' }, 'OKTA_ISSUER');
    expect(loadConfig({ NODE_ENV: 'production', OKTA_ISSUER: ISSUER }).production).toBe(true);
  });
});

describe('loadConfig lists', () => {
  it('splits and trims comma-separated values, dropping empty items and duplicates', () => {
    const config = loadConfig({
      OKTA_AUDIENCE: ' api://default , api://messages,,',
      OKTA_CLIENT_IDS: '0oa1, 0oa2 ,0oa1',
      ADMIN_GROUPS: 'Admins, Site Admins',
      CORS_ORIGINS: 'http://localhost:8080, https://app.example.com/',
    });
    expect(config.okta.audiences).toEqual(['api://default', 'api://messages']);
    expect(config.okta.clientIds).toEqual(['0oa1', '0oa2']);
    expect(config.adminGroups).toEqual(['Admins', 'Site Admins']);
    expect(config.corsOrigins).toEqual(['http://localhost:8080', 'https://app.example.com']);
  });

  it('refuses an audience list with no audience', () => {
    configError({ OKTA_AUDIENCE: ' , ' }, 'OKTA_AUDIENCE');
    configError({ OKTA_AUDIENCE: '' }, 'OKTA_AUDIENCE');
  });

  it.each([['localhost:8080'], ['https://app.example.com/path'], ['*'], ['file:///tmp']])(
    'refuses the CORS origin %s',
    (origin) => {
      configError({ CORS_ORIGINS: origin }, 'CORS_ORIGINS');
    },
  );

  it('reads a custom groups claim and refuses a name that is not a claim name', () => {
    expect(loadConfig({ OKTA_GROUPS_CLAIM: 'okta_groups' }).okta.groupsClaim).toBe('okta_groups');
    configError({ OKTA_GROUPS_CLAIM: 'bad claim"' }, 'OKTA_GROUPS_CLAIM');
  });
});

describe('loadConfig integers', () => {
  it('reads whole numbers', () => {
    const config = loadConfig({ OKTA_CLOCK_TOLERANCE: '0', PORT: '0', DEV_ISSUER_PORT: '9001' });
    expect(config.okta.clockToleranceSeconds).toBe(0);
    expect(config.port).toBe(0);
    expect(config.devIssuerPort).toBe(9001);
  });

  it.each([
    ['OKTA_CLOCK_TOLERANCE', '-5'],
    ['OKTA_CLOCK_TOLERANCE', '1.5'],
    ['OKTA_CLOCK_TOLERANCE', 'thirty'],
    ['OKTA_CLOCK_TOLERANCE', '601'],
    ['PORT', '70000'],
    ['PORT', '80a'],
    ['PORT', '0x50'],
    ['PORT', '1e3'],
    ['OKTA_JWKS_REFRESH_SECONDS', '0'],
    ['DATABASE_POOL_SIZE', '0'],
    ['TOKEN_CACHE_MAX', '-1'],
    ['DEV_ISSUER_PORT', '65536'],
  ])('refuses %s=%s naming the variable', (name, value) => {
    expect(configError({ [name]: value }, name)).toContain(value);
  });
});

describe('loadConfig DATABASE_URL', () => {
  it.each([
    ['sqlite:data/messages.db', { type: 'sqlite', path: 'data/messages.db' }],
    ['sqlite:/var/lib/messages.db', { type: 'sqlite', path: '/var/lib/messages.db' }],
    ['sqlite::memory:', { type: 'sqlite', path: ':memory:' }],
  ])('reads %s', (url, expected) => {
    expect(loadConfig({ DATABASE_URL: url }).database).toEqual(expected);
  });

  it.each([['postgres://app:secret@db.internal:5432/messages'], ['postgresql://app@localhost/messages']])(
    'reads the postgres URL %s with the default pool size',
    (url) => {
      expect(loadConfig({ DATABASE_URL: url }).database).toEqual({
        type: 'postgres',
        url,
        poolSize: 10,
        connectTimeoutMs: 1500,
        statementTimeoutMs: 5000,
      });
    },
  );

  it.each([
    ['sqlite:'],
    ['mysql://localhost/db'],
    ['postgres://localhost'],
    ['postgres://localhost/'],
    ['data/messages.db'],
  ])('refuses %s naming DATABASE_URL', (url) => {
    configError({ DATABASE_URL: url }, 'DATABASE_URL');
  });
});
