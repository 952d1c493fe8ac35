import { generateKeyPair, randomBytes } from 'node:crypto';
import { createServer, type RequestListener, type Server } from 'node:http';
import { promisify } from 'node:util';
import { OAuth2Issuer, OAuth2Service, type OAuth2EndpointsInput } from 'oauth2-mock-server';
import { devIssuerUrl, isLoopbackHost, tokenEndpointOf } from './issuer-url.js';
import { loopbackCorsOnly, loopbackHostOnly } from './loopback-only.js';
import { DevDpopTokenEndpoint } from './dpop-token-endpoint.js';
import { installOktaTokenShape } from './okta-token-shape.js';
import { needsSignIn, serveSignInPage } from './sign-in-page.js';
import { withTokenState } from './token-state.js';

export interface DevIssuerOptions {
  host: string;
  /** 0 picks a random free port. */
  port: number;
  audience: string;
  /**
   * Authorization servers to serve, by name, as Okta's `/oauth2/<name>` (one per site); each
   * has its own keys and puts its own audience in its tokens. Default: `default` for `audience`.
   */
  servers?: { name: string; audience: string }[];
}

export interface DevIssuer {
  /** The first authorization server's issuer and token endpoint. */
  issuer: string;
  tokenEndpoint: string;
  /** Every authorization server's issuer, by name. */
  issuers: Record<string, string>;
  stop(): Promise<void>;
}

/*
 * Endpoint paths are relative to the issuer: the service is mounted under
 * its `/oauth2/<name>` path, so the library's `issuer.url + path` discovery URLs come
 * out as Okta's `{issuer}/v1/...` without overriding the document.
 */
const DISCOVERY_PATH = '/.well-known/openid-configuration';
const TOKEN_PATH = '/v1/token';
const OKTA_ENDPOINTS: OAuth2EndpointsInput = {
  wellKnownDocument: DISCOVERY_PATH,
  jwks: '/v1/keys',
  token: TOKEN_PATH,
  authorize: '/v1/authorize',
  userinfo: '/v1/userinfo',
  revoke: '/v1/revoke',
  endSession: '/v1/logout',
  introspect: '/v1/introspect',
};
const WELL_KNOWN_ALIASES = new Set(['/.well-known/oauth-authorization-server']);

export async function startDevIssuer(options: DevIssuerOptions): Promise<DevIssuer> {
  // Anyone who can reach this issuer can mint trusted tokens.
  if (!isLoopbackHost(options.host)) {
    throw new Error(`the development issuer only listens on loopback, not on "${options.host}"`);
  }
  const servers = options.servers ?? [{ name: 'default', audience: options.audience }];
  const issuers = new Map<string, OAuth2Issuer>();
  const handlers = new Map<string, RequestListener>();
  const dpop = new DevDpopTokenEndpoint();
  for (const { name, audience } of servers) {
    const issuer = new OAuth2Issuer();
    await issuer.keys.add(await generateSigningKey());
    const service = new OAuth2Service(issuer, OKTA_ENDPOINTS);
    installOktaTokenShape(service, audience, (req) => dpop.boundKey(req));
    issuers.set(name, issuer);
    const prefix = `/oauth2/${name}`;
    const handler = mountUnderIssuerPath(prefix, loopbackCorsOnly(withTokenState(service)));
    handlers.set(name, dpop.wrap(`${prefix}${TOKEN_PATH}`, handler));
  }

  const server = createServer(loopbackHostOnly(byAuthorizationServer(handlers)));
  const port = await listen(server, options.port, options.host);
  for (const [name, issuer] of issuers) issuer.url = devIssuerUrl(options.host, port, name);
  const urls = Object.fromEntries([...issuers].map(([name, issuer]) => [name, issuer.url!]));
  const first = urls[servers[0].name];

  let stopping: Promise<void> | undefined;
  return {
    issuer: first,
    tokenEndpoint: tokenEndpointOf(first),
    issuers: urls,
    stop: () => (stopping ??= close(server)),
  };
}

/** `/oauth2/<name>/...` goes to that authorization server; anything else is a 404. */
function byAuthorizationServer(handlers: Map<string, RequestListener>): RequestListener {
  return (req, res) => {
    const name = /^\/oauth2\/([^/?]+)/.exec(req.url ?? '/')?.[1];
    const handler = name === undefined ? undefined : handlers.get(name);
    if (handler) return handler(req, res);
    res.statusCode = 404;
    res.end();
  };
}

async function generateSigningKey(): Promise<Record<string, unknown>> {
  const { privateKey } = await promisify(generateKeyPair)('rsa', {
    modulusLength: 2048,
  });
  return {
    ...privateKey.export({ format: 'jwk' }),
    kid: randomBytes(32).toString('base64url'),
    alg: 'RS256',
    use: 'sig',
  };
}

function mountUnderIssuerPath(prefix: string, handler: RequestListener): RequestListener {
  return (req, res) => {
    const url = req.url ?? '/';
    const rest = url.slice(prefix.length);
    if (!url.startsWith(prefix) || !/^(\/|\?|$)/.test(rest)) {
      res.statusCode = 404;
      res.end();
      return;
    }
    const queryStart = rest.search(/\?|$/);
    const path = rest.slice(0, queryStart);
    const target = WELL_KNOWN_ALIASES.has(path) ? DISCOVERY_PATH : path;
    const query = new URLSearchParams(rest.slice(queryStart));
    if (target === OKTA_ENDPOINTS.authorize && needsSignIn(req, query)) {
      serveSignInPage(query, res);
      return;
    }
    req.url = `${target === '' ? '/' : target}${rest.slice(queryStart)}`;
    handler(req, res);
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error('the development issuer did not bind a TCP port'));
        return;
      }
      resolve(address.port);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => {
      if (err) reject(err);
      else resolve();
    });
    // Keep-alive sockets (e.g. from fetch) would otherwise delay close.
    server.closeAllConnections();
  });
}
