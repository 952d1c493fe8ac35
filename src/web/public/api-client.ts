import type { Message, MessagePage } from '../../messages/message.js';
import {
  explainApiError,
  needsSignIn,
  parseChallenge,
  stepUpChallenge,
  type ApiFailure,
  type StepUpChallenge,
} from './api-errors.js';

/** An API call that failed; `message` is already in plain words for the person. */
export class ApiError extends Error {
  readonly failure: ApiFailure;
  constructor(failure: ApiFailure) {
    super(explainApiError(failure));
    this.failure = failure;
  }
  get needsSignIn(): boolean {
    return needsSignIn(this.failure);
  }
  /** The new sign-in the API asks for before an admin action (RFC 9470), if that is what failed. */
  get stepUp(): StepUpChallenge | undefined {
    return stepUpChallenge(this.failure);
  }
}

/** Asks the person to sign in again as the challenge says; true once a new token is held. */
export type StepUpHandler = (challenge: StepUpChallenge, explanation: string) => Promise<boolean>;

export interface Me {
  site: string;
  sub: string;
  uid: string | null;
  cid: string | null;
  scopes: string[];
  groups: string[];
  isAdmin: boolean;
  expiresAt: string;
  acr: string | null;
  auth_time: number | null;
}

import type { AuthorizedRequest } from './session.js';

// The API's own response types. Type-only, so the page's compiled module imports nothing from them.
export type { Message, MessagePage };

/** The headers that authorize one request (see `Session.authorization`). */
export type Authorizer = (request: AuthorizedRequest) => Promise<Record<string, string>>;

/**
 * Calls the API on this origin with the session's `Authorization` (and, for DPoP, a fresh proof
 * per call). A step-up challenge is handed to `stepUp`; once it has a new token, the call is made
 * again, once. The API's latest `DPoP-Nonce` goes into the next proof; a `use_dpop_nonce` answer
 * is tried again at once with the nonce it brought (RFC 9449 section 9).
 */
export class ApiClient {
  private dpopNonce: string | undefined;

  constructor(
    private readonly authorize: Authorizer,
    private readonly stepUp?: StepUpHandler,
  ) {}

  me(): Promise<Me> {
    return this.call<Me>('GET', '/api/me');
  }

  messages(cursor: string | null, limit = 5): Promise<MessagePage> {
    return this.call<MessagePage>('GET', `/api/messages?${pageQuery(cursor, limit)}`);
  }

  allMessages(cursor: string | null, limit = 5): Promise<MessagePage> {
    return this.call<MessagePage>('GET', `/api/admin/messages?${pageQuery(cursor, limit)}`);
  }

  /**
   * One fresh `Idempotency-Key` per message, reused by the retries: a post whose answer was lost
   * (the connection broke, the server was briefly unavailable) is retried without writing it twice.
   */
  async post(text: string): Promise<Message> {
    const headers = { 'idempotency-key': newIdempotencyKey() };
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.call<Message>('POST', '/api/messages', { text }, headers);
      } catch (error) {
        if (attempt >= POST_ATTEMPTS || !(error instanceof ApiError) || !retryable(error.failure))
          throw error;
        await new Promise((resolve) => setTimeout(resolve, retryDelayMs(error.failure)));
      }
    }
  }

  remove(id: string): Promise<void> {
    return this.call<void>('DELETE', `/api/messages/${encodeURIComponent(id)}`);
  }

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
    retried = false,
  ): Promise<T> {
    try {
      return await this.send<T>(method, path, body, extraHeaders);
    } catch (error) {
      const challenge = error instanceof ApiError ? error.stepUp : undefined;
      if (challenge === undefined || retried || !this.stepUp) throw error;
      if (!(await this.stepUp(challenge, (error as ApiError).message))) throw error;
      return this.call<T>(method, path, body, extraHeaders, true);
    }
  }

  private async send<T>(
    method: string,
    path: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<T> {
    const url = new URL(path, window.location.href).href;
    let response: Response;
    for (let attempt = 1; ; attempt += 1) {
      const authorization = await this.authorize({ method, url, nonce: this.dpopNonce });
      const headers: Record<string, string> = {
        accept: 'application/json',
        ...extraHeaders,
        ...authorization,
      };
      if (body !== undefined) headers['content-type'] = 'application/json';
      try {
        response = await fetch(url, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch {
        throw new ApiError({ status: 0 });
      }
      const sentNonce = this.dpopNonce;
      this.dpopNonce = response.headers.get('dpop-nonce') ?? this.dpopNonce;
      const askedForNonce =
        response.status === 401 &&
        parseChallenge(response.headers.get('www-authenticate')).error === 'use_dpop_nonce';
      if (!askedForNonce || attempt > 1 || this.dpopNonce === sentNonce) break;
    }
    if (response.ok) {
      return (response.status === 204 ? undefined : await response.json()) as T;
    }
    const errorBody = (await response.json().catch(() => ({}))) as { message?: unknown };
    throw new ApiError({
      status: response.status,
      message: typeof errorBody.message === 'string' ? errorBody.message : undefined,
      wwwAuthenticate: response.headers.get('www-authenticate'),
      retryAfter: response.headers.get('retry-after'),
    });
  }
}

/** A post is tried at most this many times. */
const POST_ATTEMPTS = 3;

/** No answer, the server briefly unavailable, or the first try still in flight (409 with Retry-After). */
function retryable({ status, retryAfter }: ApiFailure): boolean {
  return (
    status === 0 || status === 502 || status === 503 || status === 504 || (status === 409 && !!retryAfter)
  );
}

function retryDelayMs({ retryAfter }: ApiFailure): number {
  const seconds = Number(retryAfter);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 5) * 1000 : 1000;
}

/** A random UUID; `crypto.randomUUID` exists only in secure contexts (https, localhost). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function pageQuery(cursor: string | null, limit: number): string {
  const query = new URLSearchParams({ limit: String(limit) });
  if (cursor !== null) query.set('cursor', cursor);
  return query.toString();
}
