import { InvalidTokenError } from './bearer-errors.js';
import {
  checkPayload,
  checkTimeClaims,
  MAX_TIME_CLAIM_SECONDS,
  readHeader,
  type PayloadRules,
} from './token-rules.js';

function segment(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

/** A compact JWS with the given header; payload and signature are irrelevant to header rules. */
function tokenWithHeader(header: unknown): string {
  return `${segment(header)}.${segment({ sub: 'alice' })}.c2lnbmF0dXJl`;
}

const BASE = { alg: 'RS256', kid: 'key-1' };

/** The InvalidTokenError thrown by `run`, failing the test if there is none. */
function invalidToken(run: () => unknown): InvalidTokenError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidTokenError);
    const invalid = error as InvalidTokenError;
    expect(invalid.status).toBe(401);
    expect(invalid.code).toBe('invalid_token');
    // It becomes an RFC 6750 quoted-string error_description.
    expect(invalid.message).not.toContain('"');
    return invalid;
  }
  throw new Error('expected an InvalidTokenError');
}

describe('readHeader', () => {
  it('accepts an RS256 header with a kid and returns only alg and kid', () => {
    expect(readHeader(tokenWithHeader({ ...BASE, typ: 'JWT', jku: 'https://evil.example' }))).toEqual(BASE);
  });

  it.each([['HS256'], ['RS512'], ['ES256'], ['PS256'], ['rs256'], ['nonE2'], [42]])(
    'refuses alg %s',
    (alg) => {
      expect(invalidToken(() => readHeader(tokenWithHeader({ ...BASE, alg }))).message).toBe(
        'unsupported algorithm; only RS256 is accepted',
      );
    },
  );

  it.each([
    ['an empty signature', `${segment({ ...BASE, alg: 'none' })}.${segment({ sub: 'alice' })}.`],
    ['a signature anyway', tokenWithHeader({ ...BASE, alg: 'none' })],
    ['alg NONE', tokenWithHeader({ ...BASE, alg: 'NONE' })],
    ['no kid', `${segment({ alg: 'none' })}.${segment({ sub: 'alice' })}.`],
  ])('refuses an unsigned token (alg none) with %s as not signed', (_name, token) => {
    expect(invalidToken(() => readHeader(token)).message).toBe('token is not signed');
  });

  it('refuses a header without alg', () => {
    invalidToken(() => readHeader(tokenWithHeader({ kid: 'key-1' })));
  });

  it.each([
    ['an unknown extension', ['exp']],
    ['b64', ['b64']],
    ['an empty list', []],
    ['a string', 'exp'],
  ])('refuses a crit header naming %s', (_name, crit) => {
    expect(invalidToken(() => readHeader(tokenWithHeader({ ...BASE, crit }))).message).toMatch(/critical/);
  });

  it.each([['JWT'], ['jwt'], ['at+jwt'], ['application/at+jwt'], ['AT+JWT']])('accepts typ %s', (typ) => {
    expect(readHeader(tokenWithHeader({ ...BASE, typ }))).toEqual(BASE);
  });

  it('accepts a header without typ', () => {
    expect(readHeader(tokenWithHeader(BASE))).toEqual(BASE);
  });

  it.each([
    ['dpop+jwt'],
    ['id_token+jwt'],
    ['logout+jwt'],
    ['application/dpop+jwt'],
    ['application/logout+jwt'],
    ['secevent+jwt'],
    [''],
    [42],
  ])('refuses the token type %s', (typ) => {
    expect(invalidToken(() => readHeader(tokenWithHeader({ ...BASE, typ }))).message).toMatch(/type/);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['a number', 1],
    ['an object', { id: 'key-1' }],
  ])('refuses a kid that is %s', (_name, kid) => {
    expect(invalidToken(() => readHeader(tokenWithHeader({ alg: 'RS256', kid }))).message).toMatch(/key id/);
  });

  it.each([
    ['two parts', `${segment(BASE)}.${segment({})}`],
    ['four parts', `${segment(BASE)}.${segment({})}.c2ln.c2ln`],
    ['an empty signature', `${segment(BASE)}.${segment({})}.`],
    ['an empty payload', `${segment(BASE)}..c2ln`],
    ['a non-JSON header', `${segment('not json')}.${segment({})}.c2ln`],
    ['an array header', tokenWithHeader([BASE])],
    ['a null header', tokenWithHeader(null)],
    ['a string header', tokenWithHeader('"RS256"')],
    ['no dots at all', 'abc'],
  ])('refuses a malformed token with %s', (_name, token) => {
    invalidToken(() => readHeader(token));
  });

  it.each([
    ['not JSON', 'not json'],
    ['a JSON array', '[1]'],
    ['JSON null', 'null'],
    ['a JSON string', '"x"'],
    ['a JSON number', '1'],
    ['JSON true', 'true'],
  ])('refuses a payload that is %s as a malformed payload', (_name, payload) => {
    const token = `${segment(BASE)}.${segment(payload)}.c2ln`;
    expect(invalidToken(() => readHeader(token)).message).toBe('malformed token payload');
  });

  it.each([
    ['exp', 9e12],
    ['nbf', -1e20],
    ['iat', '123'],
    ['exp', null],
    ['nbf', true],
    ['iat', [1]],
  ])('refuses %s = %j as a malformed time claim before any key lookup', (claim, value) => {
    const token = `${segment(BASE)}.${segment({ sub: 'alice', [claim]: value })}.c2ln`;
    expect(invalidToken(() => readHeader(token)).message).toBe('malformed time claim');
  });
});

describe('checkTimeClaims', () => {
  it.each([
    ['none at all', {}],
    ['ordinary times', { exp: 1_763_715_600, nbf: 1_763_712_000, iat: 1_763_712_000.5 }],
    [
      'the ends of the range of a date',
      { exp: MAX_TIME_CLAIM_SECONDS, nbf: -MAX_TIME_CLAIM_SECONDS, iat: 0 },
    ],
  ])('accepts %s', (_name, claims) => {
    expect(() => checkTimeClaims(claims)).not.toThrow();
    // Each of them can be rendered as a date.
    for (const value of Object.values(claims))
      expect(new Date(value * 1000).toISOString()).toEqual(expect.any(String));
  });

  it.each(['exp', 'nbf', 'iat'])('refuses %s out of the range of a date, or not a number', (claim) => {
    for (const value of [
      MAX_TIME_CLAIM_SECONDS + 1,
      -MAX_TIME_CLAIM_SECONDS - 1,
      9e12,
      1e20,
      -1e20,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NaN,
      '123',
      'NaN',
      '',
      null,
      true,
      false,
      [1],
      {},
    ]) {
      expect(invalidToken(() => checkTimeClaims({ [claim]: value })).message).toBe('malformed time claim');
    }
  });
});

describe('checkPayload', () => {
  const NOW = 1_763_712_000;
  const rules: PayloadRules = { clientIds: [], clockToleranceSeconds: 30 };
  const valid = { sub: 'alice@example.com', exp: NOW + 3600, iat: NOW, nbf: NOW, cid: '0oa-spa' };

  function check(claims: Record<string, unknown>, override: Partial<PayloadRules> = {}) {
    return checkPayload(claims, { ...rules, ...override }, NOW);
  }

  it('accepts a valid payload and returns its claims', () => {
    expect(check(valid)).toEqual(valid);
  });

  it('refuses a payload without exp', () => {
    expect(invalidToken(() => check({ ...valid, exp: undefined })).message).toBe('token has no expiry');
  });

  it.each([
    ['a string', String(NOW + 3600)],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['null', null],
    ['beyond the range of a date', 9e12],
  ])('refuses exp that is %s as a malformed time claim', (_name, exp) => {
    expect(invalidToken(() => check({ ...valid, exp })).message).toBe('malformed time claim');
  });

  it('refuses a token expired beyond the clock tolerance', () => {
    expect(invalidToken(() => check({ ...valid, exp: NOW - 31 })).message).toMatch(/expired/);
    invalidToken(() => check({ ...valid, exp: NOW - 30 }));
  });

  it('accepts a token expired within the clock tolerance', () => {
    expect(check({ ...valid, exp: NOW - 29 }).exp).toBe(NOW - 29);
  });

  it('applies a tolerance of zero strictly', () => {
    invalidToken(() => check({ ...valid, exp: NOW }, { clockToleranceSeconds: 0 }));
    expect(check({ ...valid, exp: NOW + 1 }, { clockToleranceSeconds: 0 }).exp).toBe(NOW + 1);
  });

  it('refuses nbf in the future beyond the tolerance and accepts it within', () => {
    expect(invalidToken(() => check({ ...valid, nbf: NOW + 31 })).message).toMatch(/not yet valid/);
    expect(check({ ...valid, nbf: NOW + 30 }).nbf).toBe(NOW + 30);
  });

  it('refuses iat in the future beyond the tolerance and accepts it within', () => {
    expect(invalidToken(() => check({ ...valid, iat: NOW + 31 })).message).toMatch(/future/);
    expect(check({ ...valid, iat: NOW + 30 }).iat).toBe(NOW + 30);
  });

  it('refuses nbf and iat that are not numbers as malformed time claims, not as future times', () => {
    for (const value of [String(NOW), '123', null, true, [NOW], 1e20]) {
      expect(invalidToken(() => check({ ...valid, nbf: value })).message).toBe('malformed time claim');
      expect(invalidToken(() => check({ ...valid, iat: value })).message).toBe('malformed time claim');
    }
  });

  it('accepts a payload without nbf and iat', () => {
    expect(check({ sub: 'alice', exp: NOW + 60 }).sub).toBe('alice');
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['a number', 42],
    ['an array', ['alice']],
    ['a single space', ' '],
    ['only whitespace', '\t \u00a0\u2003'],
    ['with a NUL inside', 'a\u0000b'],
    ['with a newline inside', 'a\nb'],
    ['with a DEL inside', 'a\u007fb'],
    ['with a C1 control inside', 'a\u0085b'],
  ])('refuses sub that is %s', (_name, sub) => {
    expect(invalidToken(() => check({ ...valid, sub })).message).toMatch(/subject/);
  });

  it('accepts a sub with spaces and non-ASCII letters inside', () => {
    expect(check({ ...valid, sub: 'Zoë Åberg' }).sub).toBe('Zoë Åberg');
  });

  it.each([
    ['a DPoP key thumbprint', { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' }],
    ['an mTLS certificate thumbprint', { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' }],
    ['empty', {}],
    ['null', null],
  ])('refuses a sender-constrained token (cnf %s) presented as a bearer token', (_name, cnf) => {
    expect(invalidToken(() => check({ ...valid, cnf })).message).toBe('sender-constrained token');
  });

  it('requires cnf.jkt under the DPoP scheme, and takes it there', () => {
    const jkt = '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I';
    expect(check({ ...valid, cnf: { jkt } }, { scheme: 'dpop' }).cnf).toEqual({ jkt });
    expect(invalidToken(() => check(valid, { scheme: 'dpop' })).message).toBe(
      'token is not bound to a DPoP key',
    );
  });

  it('does not check cid when no client ids are configured', () => {
    expect(check({ ...valid, cid: undefined }).sub).toBe(valid.sub);
    expect(check({ ...valid, cid: 'anything' }).cid).toBe('anything');
  });

  it('checks cid against the configured client ids', () => {
    const clientIds = ['0oa-spa', '0oa-cli'];
    expect(check({ ...valid, cid: '0oa-cli' }, { clientIds }).cid).toBe('0oa-cli');
    expect(invalidToken(() => check({ ...valid, cid: '0oa-other' }, { clientIds })).message).toMatch(
      /client/,
    );
    invalidToken(() => check({ ...valid, cid: undefined }, { clientIds }));
    invalidToken(() => check({ ...valid, cid: ['0oa-spa'] }, { clientIds }));
    invalidToken(() => check({ ...valid, cid: '0OA-SPA' }, { clientIds }));
  });

  it.each([
    ['null', null],
    ['an array', [valid]],
    ['a string', 'payload'],
  ])('refuses a payload that is %s', (_name, payload) => {
    expect(invalidToken(() => checkPayload(payload, rules, NOW)).message).toBe('malformed token payload');
  });
});
