import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { IntrospectionOutcome } from '../metrics/revocation.metrics.js';

/** Why an introspection call gave no answer to go by; `outcome` is its metric label. */
export class IntrospectionError extends Error {
  override readonly name = 'IntrospectionError';
  constructor(
    readonly outcome: Exclude<IntrospectionOutcome, 'active' | 'inactive'>,
    message: string,
  ) {
    super(message);
  }
}

/** Okta's introspection answer is a few hundred bytes. */
const MAX_BODY_LENGTH = 64 * 1024;

/** RFC 6749 2.3.1: the client id and secret are form-encoded before they are joined for Basic. */
function formEncoded(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

export interface IntrospectionClient {
  id: string;
  secret: string;
}

/**
 * RFC 7662: POSTs the token to `endpoint` with the client's credentials (client_secret_basic) and
 * resolves to the answer's `active`, within `timeoutMs` overall. Node's http client rather than
 * `fetch`, like the key fetch: its errors carry a code for every network failure, and it takes any
 * port. Redirects are not followed. Anything but `200` with a JSON object whose `active` is a
 * boolean is an `IntrospectionError`: no answer is never taken for a yes.
 */
export function introspect(
  endpoint: string,
  token: string,
  client: IntrospectionClient,
  timeoutMs: number,
): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const url = new URL(endpoint);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const body = new URLSearchParams({ token, token_type_hint: 'access_token' }).toString();
    const basic = Buffer.from(`${formEncoded(client.id)}:${formEncoded(client.secret)}`).toString('base64');
    const fail = (error: Error) => {
      reject(error);
      request.destroy();
    };
    const request = send(
      url,
      {
        method: 'POST',
        headers: {
          accept: 'application/json',
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        readAnswer(response).then(resolve, fail);
      },
    );
    const timer = setTimeout(
      () => fail(new IntrospectionError('timeout', `no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    request.on('error', (error: NodeJS.ErrnoException) =>
      fail(
        error instanceof IntrospectionError
          ? error
          : new IntrospectionError('unreachable', error.code ?? error.message),
      ),
    );
    request.on('close', () => clearTimeout(timer));
    request.end(body);
  });
}

async function readAnswer(response: IncomingMessage): Promise<boolean> {
  const status = response.statusCode ?? 0;
  if (status !== 200) {
    response.resume();
    const hint = status === 401 ? ' (check OKTA_INTROSPECTION_CLIENT_ID and _SECRET)' : '';
    throw new IntrospectionError('http_error', `HTTP ${status}${hint}`);
  }
  let text = '';
  for await (const chunk of response.setEncoding('utf8')) {
    text += chunk as string;
    if (text.length > MAX_BODY_LENGTH) throw new IntrospectionError('bad_answer', 'the answer is too large');
  }
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    throw new IntrospectionError('bad_answer', 'the answer is not JSON');
  }
  const active = (answer as { active?: unknown } | null)?.active;
  if (typeof active !== 'boolean')
    throw new IntrospectionError('bad_answer', 'no boolean "active" in the answer');
  return active;
}
