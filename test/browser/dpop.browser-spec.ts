import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, decodeJwt, EmbeddedJWK, jwtVerify } from 'jose';
import type { Page } from 'playwright-core';
import { startApiProcess, type ApiProcess } from '../fixtures/api-process.js';
import { launchBrowser, type Browser } from './browser.js';

/** One API call the page made, and how it was answered. */
interface Call {
  method: string;
  url: string;
  authorization?: string;
  dpop?: string;
  status: number;
  wwwAuthenticate?: string;
  dpopNonce?: string;
}

/** Records every call the page makes to the API (the sign-in's included), in order. */
function recordCalls(page: Page): { calls: Call[]; settled: () => Promise<void> } {
  const calls: Call[] = [];
  const pending: Promise<unknown>[] = [];
  page.on('response', (response) => {
    const request = response.request();
    if (!new URL(request.url()).pathname.startsWith('/api/')) return;
    const call: Call = { method: request.method(), url: request.url(), status: response.status() };
    calls.push(call);
    // allHeaders: headers() leaves out Authorization.
    pending.push(
      Promise.all([request.allHeaders(), response.allHeaders()]).then(([sent, answered]) =>
        Object.assign(call, {
          authorization: sent.authorization,
          dpop: sent.dpop,
          wwwAuthenticate: answered['www-authenticate'],
          dpopNonce: answered['dpop-nonce'],
        }),
      ),
    );
  });
  return { calls, settled: () => Promise.all(pending).then(() => undefined) };
}

async function signIn(page: Page, url: string, user: string, dpop: boolean): Promise<void> {
  await page.goto(url);
  await page.locator('#dev-sign-in-form').waitFor();
  await page.fill('#dev-user', user);
  await page.setChecked('input[name="dpop"]', dpop);
  await page.click('#dev-sign-in-button');
  await page.locator('#me-sub').waitFor();
}

async function post(page: Page, text: string): Promise<void> {
  await page.fill('#post-text', text);
  await page.click('#post-button');
  await page.locator('#my-messages .message .text', { hasText: text }).waitFor();
}

const pathOf = (url: string) => new URL(url).pathname;
/** The calls that carry the token: not the sign-in, not the page's configuration. */
const withToken = (calls: Call[]) =>
  calls.filter((call) => !['/api/dev/token', '/api/web-config'].includes(pathOf(call.url)));

describe('demo page in Chromium: sign-in with DPoP (RFC 9449), the API asking for nonces', () => {
  let server: ApiProcess;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startApiProcess({ DPOP_NONCE: 'true' }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('signs in with a bound token and sends a fresh proof with every call, retrying once after use_dpop_nonce', async () => {
    const page = await browser.newPage();
    const { calls, settled } = recordCalls(page);
    await signIn(page, server.url, 'dpop-ann@example.com', true);
    expect(await page.textContent('#me-token')).toBe('DPoP: bound to a key only this browser holds');
    await browser.screenshot(page, '30-dpop-signed-in');

    await settled();
    // The sign-in: the issuer asked for a nonce first (as Okta does), then bound the token.
    const signIns = calls.filter((call) => pathOf(call.url) === '/api/dev/token');
    expect(signIns.map(({ status }) => status)).toEqual([400, 200]);
    expect(signIns[0].dpopNonce).toEqual(expect.any(String));
    expect(decodeJwt(signIns[1].dpop!).nonce).toBe(signIns[0].dpopNonce);

    await post(page, 'Posted with a DPoP proof');
    await post(page, 'And another one');
    await page.click('#my-refresh');
    await page.locator('#my-messages .message').nth(1).waitFor();
    expect(await page.locator('#my-messages .message .text').allTextContents()).toEqual([
      'And another one',
      'Posted with a DPoP proof',
    ]);

    await settled();
    const token = await page.evaluate(() => sessionStorage.getItem('messages-demo.dev-token'));
    const { cnf } = decodeJwt(token!) as { cnf?: { jkt?: string } };
    expect(cnf?.jkt).toEqual(expect.any(String));

    const apiCalls = withToken(calls);
    expect(apiCalls.map(({ method, url }) => `${method} ${pathOf(url)}`)).toEqual(
      expect.arrayContaining(['GET /api/me', 'GET /api/messages', 'POST /api/messages']),
    );
    const jtis = new Set<unknown>();
    for (const call of apiCalls) {
      expect(call.authorization).toBe(`DPoP ${token}`);
      const { payload, protectedHeader } = await jwtVerify(call.dpop!, EmbeddedJWK, {
        typ: 'dpop+jwt',
        algorithms: ['ES256'],
      });
      expect(await calculateJwkThumbprint(protectedHeader.jwk!, 'sha256')).toBe(cnf!.jkt);
      const url = new URL(call.url);
      expect(payload).toMatchObject({
        htm: call.method,
        htu: `${url.origin}${url.pathname}`,
        ath: createHash('sha256').update(token!).digest('base64url'),
      });
      jtis.add(payload.jti);
    }
    expect(jtis.size).toBe(apiCalls.length);

    // DPOP_NONCE=true: the first call was answered use_dpop_nonce, and tried again at once with that
    // nonce, which then succeeded; list and post then went through with proofs.
    const asked = apiCalls.findIndex((call) => call.status === 401);
    expect(asked).toBeGreaterThanOrEqual(0);
    expect(apiCalls[asked].wwwAuthenticate).toMatch(/^DPoP .*error="use_dpop_nonce"/);
    const retry = apiCalls[asked + 1];
    expect([retry.method, retry.url]).toEqual([apiCalls[asked].method, apiCalls[asked].url]);
    expect(decodeJwt(retry.dpop!).nonce).toBe(apiCalls[asked].dpopNonce);
    expect(retry.status).toBe(200);
    expect(apiCalls.filter((call) => call.status === 401)).toHaveLength(1);
    expect(apiCalls.some((call) => call.method === 'POST' && call.status === 201)).toBe(true);
    expect(apiCalls.some((call) => pathOf(call.url) === '/api/messages' && call.status === 200)).toBe(true);

    // The key pair stays in IndexedDB, and its private half cannot be read out.
    const key = await page.evaluate(async () => {
      const database = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('messages-demo');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(new Error('no database'));
      });
      const pairs = await new Promise<CryptoKeyPair[]>((resolve) => {
        const request = database.transaction('dpop-keys').objectStore('dpop-keys').getAll();
        request.onsuccess = () => resolve(request.result as CryptoKeyPair[]);
      });
      const exported = await crypto.subtle.exportKey('jwk', pairs[0].privateKey).then(
        () => 'exported',
        () => 'refused',
      );
      return { count: pairs.length, extractable: pairs[0].privateKey.extractable, exported };
    });
    expect(key).toEqual({ count: 1, extractable: false, exported: 'refused' });

    // Taken away from the page, the token alone is refused.
    const stolen = await fetch(`${server.url}/api/messages`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(stolen.status).toBe(401);
    const noProof = await fetch(`${server.url}/api/messages`, {
      headers: { authorization: `DPoP ${token}` },
    });
    expect(noProof.status).toBe(401);
    await page.close();
  });

  it('still signs in with a Bearer token when the box is not ticked', async () => {
    const page = await browser.newPage();
    const { calls, settled } = recordCalls(page);
    await signIn(page, server.url, 'bearer-bob@example.com', false);
    expect(await page.textContent('#me-token')).toBe('Bearer');
    await post(page, 'Posted with a bearer token');
    await settled();
    const apiCalls = withToken(calls);
    expect(apiCalls.every((call) => call.authorization?.startsWith('Bearer ') && !call.dpop)).toBe(true);
    await page.close();
  });

  it('forgets the key pair on sign-out', async () => {
    const page = await browser.newPage();
    await signIn(page, server.url, 'dpop-cat@example.com', true);
    const keyId = await page.evaluate(
      () =>
        (
          JSON.parse(sessionStorage.getItem('messages-demo.dev-sign-in') ?? '{}') as {
            dpop?: { keyId: string };
          }
        ).dpop?.keyId,
    );
    const stored = (id: string) =>
      page.evaluate(
        (key) =>
          new Promise<boolean>((resolve) => {
            const open = indexedDB.open('messages-demo');
            open.onsuccess = () => {
              const found = open.result.transaction('dpop-keys').objectStore('dpop-keys').get(key);
              found.onsuccess = () => resolve(found.result !== undefined);
            };
          }),
        id,
      );
    expect(keyId).toEqual(expect.any(String));
    expect(await stored(keyId!)).toBe(true);
    await page.click('#sign-out');
    await page.locator('#dev-sign-in-form').waitFor();
    expect(await stored(keyId!)).toBe(false);
    await page.close();
  });

  it('asked nothing of any host but this machine', () => {
    expect(browser.requests.filter((url) => !/^http:\/\/127\.0\.0\.1[:/]/.test(url))).toEqual([]);
  });
});
