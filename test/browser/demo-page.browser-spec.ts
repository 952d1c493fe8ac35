import type { Page } from 'playwright-core';
import { startApiProcess, type ApiProcess } from '../fixtures/api-process.js';
import { launchBrowser, type Browser } from './browser.js';

interface SignIn {
  user: string;
  scopes?: string[];
  admin?: boolean;
}

/** The development sign-in form, as a person fills it in. */
async function signIn(page: Page, url: string, who: SignIn): Promise<void> {
  await page.goto(url);
  await fillSignIn(page, who);
}

/** The development sign-in form on the page as it is (after a sign-out, say). */
async function fillSignIn(page: Page, { user, scopes, admin = false }: SignIn): Promise<void> {
  await page.locator('#dev-sign-in-form').waitFor();
  await page.fill('#dev-user', user);
  for (const scope of ['messages:read', 'messages:write']) {
    await page.setChecked(`input[name="scope"][value="${scope}"]`, scopes?.includes(scope) ?? true);
  }
  await page.setChecked('input[name="group"][value="Admins"]', admin);
  await page.click('#dev-sign-in-button');
  await page.locator('#me-sub').waitFor();
}

async function post(page: Page, text: string): Promise<void> {
  await page.fill('#post-text', text);
  await page.click('#post-button');
}

const myTexts = (page: Page) => page.locator('#my-messages .message .text').allTextContents();

describe('demo page in Chromium, development sign-in', () => {
  let server: ApiProcess;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startApiProcess(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows the development sign-in, clearly labelled', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.locator('#dev-sign-in-form').waitFor();
    expect(await page.textContent('#dev-sign-in')).toContain('never exists in production');
    expect(await page.textContent('#mode')).toContain('Development sign-in');
    await browser.screenshot(page, '01-dev-sign-in');
    await page.close();
  });

  it('signs in, shows who the token says, posts, pages, and deletes', async () => {
    const page = await browser.newPage();
    await signIn(page, server.url, { user: 'alice@example.com' });
    expect(await page.textContent('#me-sub')).toBe('alice@example.com');
    expect(await page.textContent('#me-scopes')).toContain('messages:write');
    expect(await page.textContent('#me-admin')).toBe('no');
    await expect(page.locator('#my-messages .empty').textContent()).resolves.toBe('No messages yet.');
    await browser.screenshot(page, '02-signed-in');

    // Text from the API is shown as text, never parsed as HTML.
    await post(page, '<img src=x onerror="document.body.dataset.pwned=1"> is just text');
    await page.locator('#my-messages .message').first().waitFor();
    for (let n = 1; n <= 6; n++) {
      await post(page, `Message number ${n}`);
      await page.locator('#my-messages .message .text', { hasText: `Message number ${n}` }).waitFor();
    }
    expect(await myTexts(page)).toEqual([
      'Message number 6',
      'Message number 5',
      'Message number 4',
      'Message number 3',
      'Message number 2',
    ]);
    expect(await page.getAttribute('body', 'data-pwned')).toBeNull();
    await browser.screenshot(page, '03-posted');

    await page.click('#my-more');
    await page.locator('#my-messages .message').nth(6).waitFor();
    expect((await myTexts(page)).slice(5)).toEqual([
      'Message number 1',
      '<img src=x onerror="document.body.dataset.pwned=1"> is just text',
    ]);
    await expect(page.locator('#my-more').isHidden()).resolves.toBe(true);

    await page.locator('#my-messages .message', { hasText: 'Message number 6' }).locator('.delete').click();
    await page
      .locator('#my-messages .message', { hasText: 'Message number 6' })
      .waitFor({ state: 'detached' });
    await page.click('#my-refresh');
    await page.locator('#my-messages .message').first().waitFor();
    expect((await myTexts(page))[0]).toBe('Message number 5');
    await browser.screenshot(page, '04-deleted');
    await page.close();
  });

  it('explains a missing scope and a missing admin group in plain words', async () => {
    const page = await browser.newPage();
    await signIn(page, server.url, { user: 'bob@example.com', scopes: ['messages:read'] });
    await post(page, 'Bob tries to write');
    const error = page.locator('#my-error');
    await error.waitFor();
    expect(await error.textContent()).toBe(
      'Your sign-in does not allow you to write and delete messages: it lacks the scope messages:write. Sign out and sign in again with that permission.',
    );
    await browser.screenshot(page, '05-missing-scope');

    await page.click('#all-load');
    const adminError = page.locator('#all-error');
    await adminError.waitFor();
    expect(await adminError.textContent()).toMatch(/^Only administrators can do this/);
    await browser.screenshot(page, '06-not-an-admin');
    await page.close();
  });

  it("shows an admin every author's messages, with the author", async () => {
    const page = await browser.newPage();
    await signIn(page, server.url, { user: 'carol@example.com', admin: true });
    expect(await page.textContent('#me-admin')).toBe('yes');
    await post(page, 'Carol the admin was here');
    await page.locator('#all-messages .message', { hasText: 'Carol the admin was here' }).waitFor();
    const alice = page.locator('#all-messages .message', { hasText: 'Message number 5' });
    await alice.waitFor();
    expect(await alice.locator('.meta').textContent()).toContain('alice@example.com');
    await browser.screenshot(page, '07-admin-view');

    // An admin may delete anyone's message.
    await alice.locator('.delete').click();
    await alice.waitFor({ state: 'detached' });
    await page.close();
  });

  it('sends the person back to sign-in, saying why, when the token is no longer valid', async () => {
    const page = await browser.newPage();
    await signIn(page, server.url, { user: 'dave@example.com' });
    await page.evaluate(() => {
      const key = 'messages-demo.dev-token';
      const token = sessionStorage.getItem(key) ?? '';
      sessionStorage.setItem(key, `${token.slice(0, -4)}AAAA`);
    });
    await page.click('#my-refresh');
    await page.locator('#dev-sign-in-form').waitFor();
    expect(await page.textContent('#notice')).toMatch(
      /^Your sign-in is no longer valid\. Please sign in again\./,
    );
    await browser.screenshot(page, '08-session-no-longer-valid');
    await page.close();
  });

  it('signs out, and drops the sign-out notice once signed in again', async () => {
    const page = await browser.newPage();
    await signIn(page, server.url, { user: 'erin@example.com' });
    await page.click('#sign-out');
    await page.locator('#dev-sign-in-form').waitFor();
    expect(await page.textContent('#notice')).toBe('You have signed out.');
    await expect(page.locator('#notice').isVisible()).resolves.toBe(true);

    await fillSignIn(page, { user: 'frank@example.com' });
    expect(await page.textContent('#me-sub')).toBe('frank@example.com');
    await expect(page.locator('#notice').isHidden()).resolves.toBe(true);
    await page.close();
  });

  it('drops the reason the last session ended once signed in again', async () => {
    const page = await browser.newPage();
    await signIn(page, server.url, { user: 'grace@example.com' });
    await page.evaluate(() => {
      const key = 'messages-demo.dev-token';
      sessionStorage.setItem(key, `${(sessionStorage.getItem(key) ?? '').slice(0, -4)}AAAA`);
    });
    await page.click('#my-refresh');
    await page.locator('#dev-sign-in-form').waitFor();
    await expect(page.locator('#notice').isVisible()).resolves.toBe(true);

    await fillSignIn(page, { user: 'grace@example.com' });
    await expect(page.locator('#notice').isHidden()).resolves.toBe(true);
    await page.close();
  });

  it('retries a post whose answer was lost with the same Idempotency-Key, so it is written once', async () => {
    const page = await browser.newPage();
    await signIn(page, server.url, { user: 'dora@example.com' });
    const keys: (string | undefined)[] = [];
    await page.route('**/api/messages', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      keys.push(route.request().headers()['idempotency-key']);
      if (keys.length > 1) return route.continue();
      // The message reaches the API and is written; the answer never reaches the page.
      await route.fetch();
      return route.abort('connectionreset');
    });
    await post(page, 'Sent once, answered twice');
    await page.locator('#my-messages .message .text', { hasText: 'Sent once' }).waitFor();
    expect(await myTexts(page)).toEqual(['Sent once, answered twice']);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(keys[1]).toBe(keys[0]);

    // The next message gets a key of its own.
    await post(page, 'A second message');
    await page.locator('#my-messages .message .text', { hasText: 'A second message' }).waitFor();
    expect(keys).toHaveLength(3);
    expect(keys[2]).not.toBe(keys[0]);
    await page.close();
  });

  it('says so when the server cannot be reached', async () => {
    const page = await browser.newPage();
    await signIn(page, server.url, { user: 'alice@example.com' });
    await server.stop();
    await page.click('#my-refresh');
    const error = page.locator('#my-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/^The server could not be reached/);
    await browser.screenshot(page, '09-server-unreachable');
    await page.close();
  });

  it('asked nothing of any host but this machine', () => {
    const external = browser.requests.filter((url) => !/^http:\/\/127\.0\.0\.1[:/]/.test(url));
    expect(external).toEqual([]);
  });
});
