import { InvalidRequestError, MissingTokenError } from './bearer-errors.js';
import {
  bearerCredential,
  bearerTokenOrNull,
  checkTokenSyntax,
  extractBearerToken,
  type RequestParts,
} from './bearer-token.js';

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

describe('bearerTokenOrNull', () => {
  it('returns the token or null, never throws', () => {
    expect(bearerTokenOrNull(withAuthorization(`Bearer ${TOKEN}`))).toBe(TOKEN);
    expect(bearerTokenOrNull(withAuthorization('Basic x'))).toBeNull();
    expect(bearerTokenOrNull(withAuthorization('Bearer'))).toBeNull();
  });
});
