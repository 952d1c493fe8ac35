import { hasAll, hasAny, readGroups, readScopes } from './claims.js';

describe('readScopes', () => {
  it('reads an Okta scp array', () => {
    expect(readScopes({ scp: ['messages:read', 'messages:write'] })).toEqual([
      'messages:read',
      'messages:write',
    ]);
  });

  it('reads scp given as a space-delimited string', () => {
    expect(readScopes({ scp: 'messages:read  messages:write' })).toEqual(['messages:read', 'messages:write']);
  });

  it('reads the RFC 9068 scope string', () => {
    expect(readScopes({ scope: 'openid messages:read' })).toEqual(['openid', 'messages:read']);
  });

  it('merges scp and scope without duplicates', () => {
    expect(readScopes({ scp: ['messages:read'], scope: 'messages:read messages:write' }).sort()).toEqual([
      'messages:read',
      'messages:write',
    ]);
  });

  it('ignores scope claims of the wrong type and non-string or empty array items', () => {
    expect(readScopes({ scp: { 'messages:read': true }, scope: ['messages:write'] })).toEqual([]);
    expect(readScopes({ scp: 42, scope: null })).toEqual([]);
    expect(readScopes({ scp: ['messages:read', 7, null, '', { a: 1 }] })).toEqual(['messages:read']);
  });

  it('returns no scopes when neither claim is present', () => {
    expect(readScopes({})).toEqual([]);
  });
});

describe('readGroups', () => {
  it('reads an array of group names from the groups claim', () => {
    expect(readGroups({ groups: ['Everyone', 'Admins'] }, 'groups')).toEqual(['Everyone', 'Admins']);
  });

  it.each([
    ['missing', {}],
    ['a string', { groups: 'Admins' }],
    ['an object', { groups: { Admins: true } }],
    ['a number', { groups: 1 }],
    ['null', { groups: null }],
  ])('treats a groups claim that is %s as no groups', (_name, claims) => {
    expect(readGroups(claims, 'groups')).toEqual([]);
  });

  it('drops non-string items', () => {
    expect(readGroups({ groups: ['Admins', 1, null, { name: 'Ops' }, ['Ops']] }, 'groups')).toEqual([
      'Admins',
    ]);
  });

  it('reads the configured claim name and ignores the default one', () => {
    const claims = { groups: ['Admins'], 'https://example.com/roles': ['Ops'] };
    expect(readGroups(claims, 'https://example.com/roles')).toEqual(['Ops']);
    expect(readGroups({ groups: ['Admins'] }, 'okta_groups')).toEqual([]);
  });
});

describe('hasAll', () => {
  it('needs every required item', () => {
    expect(hasAll(['messages:read', 'messages:write'], ['messages:read', 'messages:write'])).toBe(true);
    expect(hasAll(['messages:read'], ['messages:read', 'messages:write'])).toBe(false);
  });

  it('matches exactly: a longer or prefixed scope is not the scope', () => {
    expect(hasAll(['messages:readx'], ['messages:read'])).toBe(false);
    expect(hasAll(['messages'], ['messages:read'])).toBe(false);
    expect(hasAll(readScopes({ scp: 'messages:readx' }), ['messages:read'])).toBe(false);
  });

  it('is case-sensitive', () => {
    expect(hasAll(['Messages:Read'], ['messages:read'])).toBe(false);
  });

  it('holds vacuously when nothing is required', () => {
    expect(hasAll([], [])).toBe(true);
  });
});

describe('hasAny', () => {
  it('is satisfied by one of the wanted items', () => {
    expect(hasAny(['Everyone', 'Ops'], ['Admins', 'Ops'])).toBe(true);
  });

  it('refuses when none is held', () => {
    expect(hasAny(['Everyone'], ['Admins', 'Ops'])).toBe(false);
    expect(hasAny([], ['Admins'])).toBe(false);
  });

  it('matches group names exactly and case-sensitively', () => {
    expect(hasAny(['admins'], ['Admins'])).toBe(false);
    expect(hasAny(['Admins '], ['Admins'])).toBe(false);
    expect(hasAny(['AdminsX'], ['Admins'])).toBe(false);
  });

  it('is never satisfied by an empty wanted list', () => {
    expect(hasAny(['Admins'], [])).toBe(false);
  });
});
