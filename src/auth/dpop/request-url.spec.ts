import { normaliseHtu, requestHtu } from './request-url.js';

describe('requestHtu', () => {
  it('is http:// and the Host header, then the path, without PUBLIC_URL', () => {
    expect(requestHtu(undefined, 'api.example.test', '/api/messages')).toBe(
      'http://api.example.test/api/messages',
    );
    expect(requestHtu(undefined, '127.0.0.1:8000', '/api/me')).toBe('http://127.0.0.1:8000/api/me');
    expect(requestHtu(undefined, '[::1]:8000', '/api/me')).toBe('http://[::1]:8000/api/me');
  });

  it('is the PUBLIC_URL origin, whatever the Host', () => {
    expect(requestHtu('https://api.example.com', 'internal:8000', '/api/me')).toBe(
      'https://api.example.com/api/me',
    );
    expect(requestHtu('https://api.example.com', undefined, '/api/me')).toBe(
      'https://api.example.com/api/me',
    );
  });

  it('leaves out the query and fragment', () => {
    expect(requestHtu(undefined, 'h', '/api/messages?limit=5&cursor=x')).toBe('http://h/api/messages');
    expect(requestHtu(undefined, 'h', '/api/messages#x')).toBe('http://h/api/messages');
  });

  it('normalises the Host: lower case, no default port', () => {
    expect(requestHtu(undefined, 'API.Example.TEST:80', '/api/me')).toBe('http://api.example.test/api/me');
  });

  it('keeps a path that looks like another origin a path', () => {
    expect(requestHtu(undefined, 'h', '//evil.example/api/me')).toBe('http://h//evil.example/api/me');
  });

  it.each([
    ['no Host', undefined, '/api/me'],
    ['a Host with a path', 'h/evil', '/api/me'],
    ['a Host with credentials', 'user@h', '/api/me'],
    ['a Host with a space', 'h x', '/api/me'],
    ['an absolute-form request target', 'h', 'http://evil.example/api/me'],
    ['no request target', 'h', undefined],
  ])('is undefined for %s', (_case, host, target) => {
    expect(requestHtu(undefined, host, target)).toBeUndefined();
  });
});

describe('normaliseHtu', () => {
  it.each([
    ['HTTPS://API.EXAMPLE.COM/api/me', 'https://api.example.com/api/me'],
    ['https://api.example.com:443/api/me', 'https://api.example.com/api/me'],
    ['http://api.example.com:80/api/me', 'http://api.example.com/api/me'],
    ['http://api.example.com:8080/api/me', 'http://api.example.com:8080/api/me'],
    ['https://api.example.com/api/me?x=1#y', 'https://api.example.com/api/me'],
  ])('reads %s as %s', (htu, normalised) => {
    expect(normaliseHtu(htu)).toBe(normalised);
  });

  it('compares the path exactly: case and a trailing slash count', () => {
    expect(normaliseHtu('https://h/API/me')).not.toBe(normaliseHtu('https://h/api/me'));
    expect(normaliseHtu('https://h/api/me/')).not.toBe(normaliseHtu('https://h/api/me'));
  });

  it.each([['/api/me'], ['api.example.com/api/me'], ['ftp://h/api/me'], [''], [42], [undefined]])(
    'is undefined for %p',
    (htu) => {
      expect(normaliseHtu(htu)).toBeUndefined();
    },
  );
});
