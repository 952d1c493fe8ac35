import { InvalidRequestError, MissingTokenError } from './bearer-errors.js';
import {
  accessTokenOrNull,
  authorizationScheme,
  checkTokenSyntax,
  readCredential,
  type RequestParts,
} from './bearer-token.js';
import { RefusalReason } from './refusal-reason.js';

/** The Bearer scheme alone, as the guard reads it without DPoP: the credential, then its syntax. */
const bearerCredential = (request: RequestParts) => readCredential(request).token;
const extractBearerToken = (request: RequestParts) => checkTokenSyntax(bearerCredential(request));

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln-_nature';

function withAuthorization(authorization: string | string[] | undefined, extra: Partial<RequestParts> = {}) {
  return { headers: { authorization }, ...extra };
}

describe('extractBearerToken', () => {
  it('returns the token from Authorization: Bearer', () => {
    expect(extractBearerToken(withAuthorization(`Bearer ${TOKEN}`))).toBe(TOKEN);
  });

  it.each([['bearer'], ['BEARER'], ['BeArEr']])('accepts the scheme written %s', (scheme) => {
    expect(extractBearerToken(withAuthorization(`${scheme} ${TOKEN}`))).toBe(TOKEN);
  });

  it('accepts base64 padding at the end of the token', () => {
    expect(extractBearerToken(withAuthorization('Bearer abc+/def=='))).toBe('abc+/def==');
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['blank', '   '],
    ['Basic', 'Basic YWxpY2U6c2VjcmV0'],
    ['Token', `Token ${TOKEN}`],
    ['Bearer glued to the token', `Bearer${TOKEN}`],
  ])('treats an Authorization header that is %s as no credentials', (_name, header) => {
    expect(() => extractBearerToken(withAuthorization(header))).toThrow(MissingTokenError);
  });

  it.each([
    ['Bearer alone', 'Bearer'],
    ['Bearer and a space', 'Bearer '],
    ['two tokens', `Bearer ${TOKEN} ${TOKEN}`],
    ['a comma', `Bearer ${TOKEN},x`],
    ['a quote', `Bearer "${TOKEN}"`],
    ['padding in the middle', 'Bearer abc=def'],
    ['a non-ASCII character', `Bearer ${TOKEN}é`],
  ])('refuses a malformed header: %s', (_name, header) => {
    const run = () => extractBearerToken(withAuthorization(header));
    expect(run).toThrow(InvalidRequestError);
    expect(run).toThrow(/malformed/);
  });

  it.each([
    ['two spaces', `Bearer  ${TOKEN}`],
    ['a trailing space', `Bearer ${TOKEN} `],
  ])('accepts Bearer with %s', (_name, header) => {
    expect(extractBearerToken(withAuthorization(header))).toBe(TOKEN);
  });

  it.each([
    ['a tab', `Bearer\t${TOKEN}`],
    ['a tab, lower case', `bearer\t${TOKEN}`],
    ['a tab alone', 'Bearer\t'],
    ['a tab then a space', `Bearer\t ${TOKEN}`],
    ['a space then a tab', `Bearer \t${TOKEN}`],
    ['a vertical tab', `Bearer\v${TOKEN}`],
    ['a form feed', `BEARER\f${TOKEN}`],
    ['a no-break space', `Bearer\u00a0${TOKEN}`],
    ['a line separator', `Bearer\u2028${TOKEN}`],
  ])('refuses Bearer followed by %s as a malformed header, not another scheme', (_name, header) => {
    const run = () => extractBearerToken(withAuthorization(header));
    expect(run).toThrow(InvalidRequestError);
    expect(run).toThrow(/^malformed Authorization header/);
  });

  it('refuses access_token in the query string even with a valid header', () => {
    const request = withAuthorization(`Bearer ${TOKEN}`, { query: { access_token: TOKEN } });
    expect(() => extractBearerToken(request)).toThrow(InvalidRequestError);
    expect(() => extractBearerToken(request)).toThrow(/query/);
  });

  it('refuses access_token in the body even with a valid header', () => {
    const request = withAuthorization(`Bearer ${TOKEN}`, { body: { access_token: TOKEN, text: 'hi' } });
    expect(() => extractBearerToken(request)).toThrow(InvalidRequestError);
    expect(() => extractBearerToken(request)).toThrow(/body/);
  });

  it('refuses an empty access_token parameter too', () => {
    expect(() => extractBearerToken(withAuthorization(undefined, { query: { access_token: '' } }))).toThrow(
      InvalidRequestError,
    );
  });

  it('accepts other query and body fields', () => {
    const request = withAuthorization(`Bearer ${TOKEN}`, { query: { limit: '5' }, body: { text: 'hi' } });
    expect(extractBearerToken(request)).toBe(TOKEN);
  });
});

describe('bearerCredential and checkTokenSyntax', () => {
  it('are extractBearerToken in two steps: the header and its place first, the token syntax second', () => {
    const quoted = withAuthorization(`Bearer "${TOKEN}"`);
    expect(bearerCredential(quoted)).toBe(`"${TOKEN}"`);
    expect(() => checkTokenSyntax(bearerCredential(quoted))).toThrow(/malformed/);
    expect(checkTokenSyntax(bearerCredential(withAuthorization(`Bearer ${TOKEN}`)))).toBe(TOKEN);
  });

  it('refuses a token in the query or body, or another scheme, before the syntax is looked at', () => {
    expect(() => bearerCredential(withAuthorization('Bearer "x"', { query: { access_token: 'x' } }))).toThrow(
      /query/,
    );
    expect(() => bearerCredential(withAuthorization('Bearer "x"', { body: { access_token: 'x' } }))).toThrow(
      /body/,
    );
    expect(() => bearerCredential(withAuthorization('Basic "x"'))).toThrow(MissingTokenError);
  });
});

describe('accessTokenOrNull', () => {
  it('returns the token or null, never throws', () => {
    expect(accessTokenOrNull(withAuthorization(`Bearer ${TOKEN}`))).toBe(TOKEN);
    expect(accessTokenOrNull(withAuthorization('Basic x'))).toBeNull();
    expect(accessTokenOrNull(withAuthorization('Bearer'))).toBeNull();
  });
});

describe('more than one Authorization field', () => {
  /** What Fastify passes: `headers` as Node merged them (the first Authorization only), and `raw`. */
  function withRawHeaders(rawHeaders: string[]): RequestParts {
    const first = rawHeaders.findIndex((name, i) => i % 2 === 0 && name.toLowerCase() === 'authorization');
    return {
      headers: { authorization: first === -1 ? undefined : rawHeaders[first + 1] },
      raw: { rawHeaders },
    };
  }

  it.each([
    ['Bearer then Basic', ['Host', 'api', 'Authorization', `Bearer ${TOKEN}`, 'Authorization', 'Basic YTpi']],
    ['Basic then Bearer', ['AUTHORIZATION', 'Basic YTpi', 'Host', 'api', 'authorization', `Bearer ${TOKEN}`]],
    ['the same twice, any case', ['authorization', `Bearer ${TOKEN}`, 'aUtHoRiZaTiOn', `Bearer ${TOKEN}`]],
    ['an empty second one', ['Authorization', `Bearer ${TOKEN}`, 'Authorization', '']],
  ])('refuses %s as a malformed header', (_name, rawHeaders) => {
    const request = withRawHeaders(rawHeaders);
    expect(() => bearerCredential(request)).toThrow(InvalidRequestError);
    expect(() => bearerCredential(request)).toThrow(/^malformed Authorization header; send it once/);
    expect(accessTokenOrNull(request)).toBeNull();
  });

  it('accepts one Authorization next to headers whose names only look alike', () => {
    const request = withRawHeaders([
      'Proxy-Authorization',
      'Basic YTpi',
      'Authorization',
      `Bearer ${TOKEN}`,
      'Authorizatiom',
      'x',
      'X-Authorization',
      'Basic YTpi',
      'Authorizations',
      'x',
      'Authorizati\u00f6n',
      'x',
    ]);
    expect(extractBearerToken(request)).toBe(TOKEN);
  });

  it('does not look at raw headers when there is no Authorization at all, or no raw request', () => {
    expect(() => bearerCredential(withRawHeaders(['Host', 'api']))).toThrow(MissingTokenError);
    expect(extractBearerToken(withAuthorization(`Bearer ${TOKEN}`))).toBe(TOKEN);
  });
});

describe('readCredential with the DPoP scheme (RFC 9449 7.1)', () => {
  const both = ['bearer', 'dpop'] as const;

  it.each(['DPoP', 'dpop', 'DPOP'])(
    'reads the token after %s, and says which scheme it came under',
    (scheme) => {
      expect(readCredential(withAuthorization(`${scheme}  ${TOKEN}`), both)).toEqual({
        scheme: 'dpop',
        token: TOKEN,
      });
      expect(readCredential(withAuthorization(`Bearer ${TOKEN}`), both)).toEqual({
        scheme: 'bearer',
        token: TOKEN,
      });
    },
  );

  it('refuses DPoP followed by a tab as a malformed header naming DPoP', () => {
    expect(() => readCredential(withAuthorization(`DPoP\t${TOKEN}`), both)).toThrow(
      /^malformed Authorization header; expected DPoP, one or more spaces/,
    );
  });

  it('treats DPoP as another scheme where only Bearer is taken', () => {
    expect(() => readCredential(withAuthorization(`DPoP ${TOKEN}`))).toThrow(MissingTokenError);
  });

  it('refuses Bearer with DPOP_REQUIRED as an unsupported scheme that offers DPoP alone', () => {
    for (const header of [`Bearer ${TOKEN}`, `bearer\t${TOKEN}`]) {
      try {
        readCredential(withAuthorization(header), ['dpop']);
        throw new Error('expected a refusal');
      } catch (error) {
        expect(error).toBeInstanceOf(MissingTokenError);
        expect((error as MissingTokenError).schemes).toEqual(['dpop']);
        expect((error as MissingTokenError).reason).toBe(RefusalReason.DpopRequired);
      }
    }
    const none = (() => {
      try {
        readCredential(withAuthorization(undefined), ['dpop']);
      } catch (error) {
        return error as MissingTokenError;
      }
    })();
    expect(none?.schemes).toEqual(['dpop']);
    expect(none?.reason).toBe(RefusalReason.MissingToken);
  });

  it('names the scheme in a syntax error', () => {
    expect(() => checkTokenSyntax(`"${TOKEN}"`, 'dpop')).toThrow(/expected DPoP followed by one token/);
  });

  it('gives passport the token under either scheme', () => {
    expect(accessTokenOrNull(withAuthorization(`DPoP ${TOKEN}`))).toBe(TOKEN);
  });
});

describe('authorizationScheme', () => {
  it.each([
    [`Bearer ${TOKEN}`, 'bearer'],
    [`dPoP ${TOKEN}`, 'dpop'],
    ['DPoP', 'dpop'],
    [`DPoP\t${TOKEN}`, 'dpop'],
    [`DPoPx ${TOKEN}`, undefined],
    [`Basic ${TOKEN}`, undefined],
    [undefined, undefined],
  ])('reads %p as %p', (header, scheme) => {
    expect(authorizationScheme(withAuthorization(header))).toBe(scheme);
  });
});
