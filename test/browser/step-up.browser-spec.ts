import type { Page } from 'playwright-core';
import { startApiProcess, type ApiProcess } from '../fixtures/api-process.js';
import { launchBrowser, type Browser } from './browser.js';

const MAX_AGE_SECONDS = 5;
const EXPLANATION = `This admin action needs you to have signed in with a second factor, within the last ${MAX_AGE_SECONDS} seconds. Sign in again to continue.`;

describe('demo page in Chromium: step-up for admin actions (RFC 9470)', () => {
  let server: ApiProcess;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startApiProcess({
        ADMIN_ACR_VALUES: 'urn:okta:loa:2fa:any',
        ADMIN_MAX_AGE: String(MAX_AGE_SECONDS),
        // The sign-in's age is judged to the second: no leeway, so that a short wait makes it stale.
        OKTA_CLOCK_TOLERANCE: '0',
      }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function devToken(sub: string, groups: string[] = []): Promise<string> {
    const response = await fetch(`${server.url}/api/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sub, scopes: ['messages:read', 'messages:write'], groups }),
    });
    return ((await response.json()) as { access_token: string }).access_token;
  }

  /** Alice's message, written through the API; returns its id. */
  async function aliceWrites(text: string): Promise<string> {
    const response = await fetch(`${server.url}/api/messages`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await devToken('alice@example.com')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ text }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { id: string }).id;
  }

  async function aliceStillHas(id: string): Promise<boolean> {
    const response = await fetch(`${server.url}/api/messages/${id}`, {
      headers: { authorization: `Bearer ${await devToken('alice@example.com')}` },
    });
    return response.status === 200;
  }

  async function signInAsAdmin(page: Page, secondFactor: boolean): Promise<void> {
    await page.goto(server.url);
    await page.locator('#dev-sign-in-form').waitFor();
    await page.fill('#dev-user', 'root@example.com');
    await page.setChecked('input[name="group"][value="Admins"]', true);
    await page.setChecked('input[name="second-factor"]', secondFactor);
    await page.click('#dev-sign-in-button');
    await page.locator('#me-sub').waitFor();
  }

  const othersMessage = (page: Page, text: string) =>
    page.locator('#all-messages .message', { hasText: text });

  it("lets an admin signed in with a recent second factor delete another author's message, without asking", async () => {
    const id = await aliceWrites('Alice: delete me, admin');
    const page = await browser.newPage();
    await signInAsAdmin(page, true);
    await othersMessage(page, 'Alice: delete me, admin').locator('.delete').click();
    await othersMessage(page, 'Alice: delete me, admin').waitFor({ state: 'detached' });
    await expect(page.locator('#step-up').isHidden()).resolves.toBe(true);
    expect(await aliceStillHas(id)).toBe(false);
    await page.close();
  });

  it('asks an admin without one to sign in again, says why, and retries the action once they have', async () => {
    const id = await aliceWrites('Alice: guarded by step-up');
    const page = await browser.newPage();
    await signInAsAdmin(page, false);

    // Every author's messages is an admin action: the page says why it needs a new sign-in.
    const prompt = page.locator('#step-up');
    await prompt.waitFor();
    expect(await page.textContent('#step-up-reason')).toBe(EXPLANATION);
    await browser.screenshot(page, '20-step-up-asked');
    await page.click('#step-up-cancel');
    await page.locator('#all-error').waitFor();
    expect(await page.textContent('#all-error')).toBe(EXPLANATION);
    await expect(othersMessage(page, 'Alice: guarded by step-up').count()).resolves.toBe(0);
    // Declining keeps the session: the person's own messages still work.
    await expect(page.locator('#me-sub').textContent()).resolves.toBe('root@example.com');

    await page.click('#all-load');
    await prompt.waitFor();
    await page.click('#step-up-confirm');
    await othersMessage(page, 'Alice: guarded by step-up').waitFor();
    await expect(prompt.isHidden()).resolves.toBe(true);

    // The second factor grows old: deleting another author's message asks again, then goes through.
    await page.waitForTimeout((MAX_AGE_SECONDS + 2) * 1000);
    await othersMessage(page, 'Alice: guarded by step-up').locator('.delete').click();
    await prompt.waitFor();
    expect(await aliceStillHas(id)).toBe(true);
    await page.click('#step-up-confirm');
    await othersMessage(page, 'Alice: guarded by step-up').waitFor({ state: 'detached' });
    expect(await aliceStillHas(id)).toBe(false);
    await browser.screenshot(page, '21-step-up-done');
    await page.close();
  });
});
