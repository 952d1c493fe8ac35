import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { loadConfig } from '../config/load-config.js';
import { helmetFor, securityHeaders } from './security-headers.js';

describe('securityHeaders', () => {
  const config = loadConfig({ OKTA_ISSUER: 'https://dev-123.okta.com/oauth2/default' });

  /** What helmet sets when it runs, per request, on a real Node response. */
  function helmetOnRealResponse(): Record<string, string> {
    const request = new IncomingMessage(new Socket());
    const response = new ServerResponse(request);
    response.setHeader('X-Powered-By', 'something');
    let error: unknown;
    helmetFor(config)(request, response, (failure?: unknown) => (error = failure));
    expect(error).toBeUndefined();
    return Object.fromEntries(
      Object.entries(response.getHeaders()).map(([name, value]) => [name, String(value)]),
    );
  }

  it('is exactly the set helmet writes on a real response, computed once', () => {
    const precomputed = securityHeaders(config);
    expect(precomputed).toEqual(helmetOnRealResponse());
    expect(Object.keys(precomputed)).toEqual(
      expect.arrayContaining([
        'content-security-policy',
        'strict-transport-security',
        'x-content-type-options',
      ]),
    );
    expect(precomputed).not.toHaveProperty('x-powered-by');
  });

  it('lets the page and Swagger UI reach the issuer, and nothing else off-site', () => {
    const csp = securityHeaders(config)['content-security-policy'];
    expect(csp).toContain("connect-src 'self' https://dev-123.okta.com");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'self'");
  });
});
