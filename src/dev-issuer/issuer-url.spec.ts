import { isLoopbackHostHeader } from './issuer-url.js';

describe('isLoopbackHostHeader', () => {
  it.each([
    'localhost',
    'localhost:8000',
    'LocalHost:8000',
    '127.0.0.1',
    '127.0.0.1:8001',
    '127.1.2.3:80',
    '[::1]',
    '[::1]:8000',
    '[0:0:0:0:0:0:0:1]:8000',
  ])('accepts %s', (host) => {
    expect(isLoopbackHostHeader(host)).toBe(true);
  });

  it.each([
    undefined,
    '',
    'evil.example',
    'evil.example:8000',
    'localhost.evil.example',
    '127.0.0.1.nip.io',
    'localhost.',
    '10.0.0.1',
    '0.0.0.0:8000',
    '128.0.0.1',
    '[::2]',
    '[::ffff:127.0.0.1]',
    '::1',
    'localhost:abc',
    'localhost:8000:1',
    'user@localhost',
    '127.0.0.1 ',
    '127.0.0.1/evil',
  ])('refuses %s', (host) => {
    expect(isLoopbackHostHeader(host)).toBe(false);
  });
});
