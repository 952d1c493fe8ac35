import { configError } from '../../test/fixtures/config-error.js';
import { loadConfig } from './load-config.js';

describe('REDIS_URL', () => {
  it('is off by default: each instance keeps its own limits, replay memory and notices', () => {
    expect(loadConfig({}).redis).toBeUndefined();
    expect(loadConfig({ REDIS_URL: '' }).redis).toBeUndefined();
  });

  it('reads host, port, database, credentials and TLS, and shows the URL without the password', () => {
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).redis).toEqual({
      host: '127.0.0.1',
      port: 6379,
      db: 0,
      username: undefined,
      password: undefined,
      tls: false,
      display: 'redis://127.0.0.1:6379/0',
      timeoutMs: 200,
      keyPrefix: 'okta-api:',
    });
    expect(
      loadConfig({
        REDIS_URL: 'rediss://api:p%40ss%3Aword@cache.example.com/3',
        REDIS_TIMEOUT_MS: '100',
        REDIS_KEY_PREFIX: 'staging:',
      }).redis,
    ).toMatchObject({
      host: 'cache.example.com',
      port: 6379,
      db: 3,
      username: 'api',
      password: 'p@ss:word',
      tls: true,
      display: 'rediss://cache.example.com:6379/3',
      timeoutMs: 100,
      keyPrefix: 'staging:',
    });
    expect(loadConfig({ REDIS_URL: 'redis://:secret@[::1]:6380/' }).redis).toMatchObject({
      host: '::1',
      port: 6380,
      db: 0,
      username: undefined,
      password: 'secret',
      display: 'redis://[::1]:6380/0',
    });
  });

  it.each([
    ['not a URL', 'cache:6379'],
    ['another scheme', 'http://cache.example.com:6379'],
    ['no host', 'redis://'],
    ['a port out of range', 'redis://cache.example.com:70000'],
    ['a database that is not a number', 'redis://cache.example.com:6379/cache'],
    ['a path after the database', 'redis://cache.example.com:6379/0/1'],
    ['a query', 'redis://cache.example.com:6379?db=1'],
    ['a badly encoded password', 'redis://user:%zz@cache.example.com'],
  ])('refuses %s in one line naming REDIS_URL', (_, value) => {
    expect(configError({ REDIS_URL: value }, 'REDIS_URL')).toMatch(/^REDIS_URL /);
  });

  it('never puts the password in the error', () => {
    const message = configError({ REDIS_URL: 'redis://user:hunter2@cache.example.com/x' }, 'REDIS_URL');
    expect(message).not.toContain('hunter2');
    expect(configError({ REDIS_URL: 'hunter2' }, 'REDIS_URL')).not.toContain('hunter2');
  });

  it.each([
    ['REDIS_TIMEOUT_MS', '0'],
    ['REDIS_TIMEOUT_MS', '20000'],
    ['REDIS_TIMEOUT_MS', 'fast'],
    ['REDIS_KEY_PREFIX', 'has space'],
    ['REDIS_KEY_PREFIX', 'x'.repeat(101)],
  ])('refuses %s=%s', (name, value) => {
    configError({ REDIS_URL: 'redis://127.0.0.1:6379', [name]: value }, name);
  });
});
