import { hash as digest } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { Events, type MutableResponse, type OAuth2Service } from 'oauth2-mock-server';

interface Issued {
  claims: Record<string, unknown>;
  /** Milliseconds since the epoch. */
  expiresAt: number;
  revoked: boolean;
}

/** Sweep expired tokens once this many are held. */
const SWEEP_AT = 10_000;
const MAX_FORM_LENGTH = 16 * 1024;

/**
 * What the development issuer knows of the access tokens it issued, so that `/v1/introspect`
 * (RFC 7662) answers as Okta would: active until the token expires or is revoked through
 * `/v1/revoke` (RFC 7009), inactive for anything it did not issue. Kept in memory: a restarted
 * issuer has new keys, and none of its earlier tokens verifies anyway.
 */
export class DevTokenState {
  private readonly issued = new Map<string, Issued>();

  constructor(private readonly now: () => number = Date.now) {}

  record(token: string): void {
    const claims = payloadOf(token);
    if (claims === undefined || typeof claims.exp !== 'number') return;
    if (this.issued.size >= SWEEP_AT) this.sweep();
    this.issued.set(key(token), { claims, expiresAt: claims.exp * 1000, revoked: false });
  }

  /** RFC 7009: revoking a token that is unknown or revoked already is no error. */
  revoke(token: string): void {
    const entry = this.issued.get(key(token));
    if (entry) entry.revoked = true;
  }

  /** Okta's answer: `{active: false}`, or `active: true` with the token's claims. */
  introspect(token: string): Record<string, unknown> {
    const entry = this.issued.get(key(token));
    if (!entry || entry.revoked || entry.expiresAt <= this.now()) return { active: false };
    const { claims } = entry;
    const scopes = Array.isArray(claims.scp) ? (claims.scp as unknown[]) : [];
    return {
      active: true,
      scope: scopes.join(' '),
      username: claims.sub,
      exp: claims.exp,
      iat: claims.iat,
      sub: claims.sub,
      aud: claims.aud,
      iss: claims.iss,
      jti: claims.jti,
      token_type: 'Bearer',
      client_id: claims.cid,
      uid: claims.uid,
    };
  }

  private sweep(): void {
    const now = this.now();
    for (const [hash, entry] of this.issued) if (entry.expiresAt <= now) this.issued.delete(hash);
  }
}

/**
 * The service's handler, with `/v1/introspect` and `/v1/revoke` answered from real state (the
 * library's answer every introspection `active: true` and forget every revocation). Like Okta, both
 * need client authentication; here any client id (Basic or `client_id`) will do.
 */
export function withTokenState(service: OAuth2Service, state = new DevTokenState()): RequestListener {
  service.on(Events.BeforeResponse, (response: MutableResponse) => {
    const token = response.body === '' ? undefined : response.body.access_token;
    if (typeof token === 'string') state.record(token);
  });
  const handler = service.requestHandler;
  return (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'POST' || (path !== '/v1/introspect' && path !== '/v1/revoke')) {
      handler(req, res);
      return;
    }
    readForm(req).then(
      (form) => answer(path, form, req, res, state),
      () => json(res, 400, { error: 'invalid_request', error_description: 'the body must be a small form' }),
    );
  };
}

function answer(
  path: string,
  form: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
  state: DevTokenState,
) {
  if (!hasClient(req, form)) {
    json(res, 401, { error: 'invalid_client', error_description: 'client authentication is required' });
    return;
  }
  const token = form.get('token');
  if (!token) {
    json(res, 400, { error: 'invalid_request', error_description: 'token is required' });
    return;
  }
  if (path === '/v1/introspect') {
    json(res, 200, state.introspect(token));
    return;
  }
  state.revoke(token);
  res.writeHead(200).end();
}

function hasClient(req: IncomingMessage, form: URLSearchParams): boolean {
  const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const user = basic === undefined ? '' : Buffer.from(basic, 'base64').toString('utf8').split(':')[0];
  return user !== '' || (form.get('client_id') ?? '') !== '';
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let text = '';
  for await (const chunk of req.setEncoding('utf8')) {
    text += chunk as string;
    if (text.length > MAX_FORM_LENGTH) throw new Error('too large');
  }
  return new URLSearchParams(text);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function key(token: string): string {
  return digest('sha256', token, 'base64url');
}

/** The payload of a token this issuer signed (only its own are ever recorded). */
function payloadOf(token: string): Record<string, unknown> | undefined {
  try {
    const payload: unknown = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
