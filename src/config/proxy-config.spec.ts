import { createAdapter } from '../app.setup.js';
import { ConfigError, loadConfig } from './load-config.js';

function refusal(value: string): string {
  try {
    loadConfig({ TRUST_PROXY: value });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error(`TRUST_PROXY=${value} was accepted`);
}

describe('TRUST_PROXY', () => {
  it('trusts no proxy by default, or when empty', () => {
    expect(loadConfig({}).trustProxy).toEqual([]);
    expect(loadConfig({ TRUST_PROXY: ' ' }).trustProxy).toEqual([]);
  });

  it('takes IPv4 and IPv6 addresses and CIDR ranges, and Fastify compiles them', () => {
    const entries = [
      '10.0.0.5',
      '10.0.0.0/8',
      '192.168.1.0/24',
      '::1',
      '2001:db8::/32',
      '::ffff:10.0.0.0/104',
    ];
    const config = loadConfig({ TRUST_PROXY: entries.join(', ') });
    expect(config.trustProxy).toEqual(entries);
    expect(() => createAdapter(config)).not.toThrow();
  });

  it.each([
    ['loopback', 'is not an IP address or CIDR range'],
    ['[::1]', 'is not an IP address or CIDR range'],
    ['10.0.0', 'is not an IP address or CIDR range'],
    ['010.0.0.1', 'is not an IP address or CIDR range'],
    ['fe80::1%eth0', 'is not an IP address or CIDR range'],
    ['10.0.0.0/255.0.0.0', 'has a prefix length that is not a whole number from 1 to 32'],
    ['10.0.0.0/33', 'has a prefix length that is not a whole number from 1 to 32'],
    ['2001:db8::/129', 'has a prefix length that is not a whole number from 1 to 128'],
    ['10.0.0.0/8/8', 'is not an IP address or CIDR range'],
    ['0.0.0.0/0', 'trusts every address'],
    ['::/0', 'trusts every address'],
  ])('refuses %s, naming the variable and the entry', (entry, problem) => {
    expect(refusal(entry)).toContain(`TRUST_PROXY entry "${entry}" ${problem}`);
    expect(refusal(`10.0.0.5, ${entry}`).split('\n')).toHaveLength(1);
  });

  it('names every bad entry, one line each', () => {
    const lines = refusal('10.0.0.5, nope, 10.0.0.0/99, ::1, also-bad').split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^TRUST_PROXY entry "nope" /),
      expect.stringMatching(/^TRUST_PROXY entry "10\.0\.0\.0\/99" /),
      expect.stringMatching(/^TRUST_PROXY entry "also-bad" /),
    ]);
  });
});
