import type { Page } from 'playwright-core';
import { startApiProcess, type ApiProcess } from '../fixtures/api-process.js';
import { launchBrowser, type Browser } from './browser.js';

/**
 * Swagger UI's Authorize with the development issuer, as a person does it: the popup goes to the
 * issuer's sign-in page, comes back to the redirect page, which hands the code to Swagger UI
 * through `window.opener`; Swagger UI then redeems it (PKCE) at the issuer's token endpoint.
 */
async function authorize(page: Page, user: string, groups = ''): Promise<void> {
  await page.click('.scheme-container .btn.authorize');
  const dialog = page.locator('.dialog-ux .modal-ux');
  await dialog.waitFor();
  const oauth2 = dialog.locator('.auth-container', {
    hasText: 'oauth2 (OAuth2, authorizationCode with PKCE)',
  });
  await expect(oauth2.locator('#client_id_authorizationCode').inputValue()).resolves.toBe('dev-client');
  // A public client: Swagger UI's client_secret box is hidden.
  await expect(oauth2.locator('#client_secret_authorizationCode').isVisible()).resolves.toBe(false);

  const [popup] = await Promise.all([
    page.waitForEvent('popup'),
    oauth2.locator('.auth-btn-wrapper .btn.authorize').click(),
  ]);
  await popup.locator('#dev-authorize').waitFor();
  expect(await popup.textContent('body')).toContain('messages:read messages:write');
  await popup.fill('#login_hint', user);
  await popup.fill('#groups', groups);
  await Promise.all([popup.waitForEvent('close'), popup.click('#dev-sign-in')]);

  // Signed in: the section offers Logout instead of Authorize.
  await oauth2.locator('.auth-btn-wrapper .btn', { hasText: 'Logout' }).waitFor();
  expect(await oauth2.textContent()).toContain('Authorized');
  await dialog.locator('.btn-done, .close-modal').first().click();
}

/** Try it out, Execute, and the status Swagger UI shows. */
async function execute(page: Page, method: string, path: string): Promise<{ status: string; body: string }> {
  const operation = page.locator(`.opblock-${method}`, {
    has: page.locator(`.opblock-summary-path[data-path="${path}"]`),
  });
  await operation.locator('.opblock-summary').click();
  await operation.locator('.try-out__btn').click();
  await operation.locator('.execute').click();
  const response = operation.locator('.live-responses-table .response');
  await response.waitFor();
  return {
    status: (await response.locator('.response-col_status').textContent())?.trim() ?? '',
    body: (await response.locator('.response-col_description pre').first().textContent()) ?? '',
  };
}

describe('Swagger UI in Chromium, sign-in with the development issuer', () => {
  let server: ApiProcess;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startApiProcess(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it.each([
    ['/api/docs', 'sam@example.com'],
    ['/api/docs/', 'tess@example.com'],
  ])('signs in from %s and calls GET /api/messages with the token', async (docsPath, user) => {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${server.url}${docsPath}`);
    await page.locator('.scheme-container .btn.authorize').waitFor();

    await authorize(page, user);
    await browser.screenshot(page, `20-api-docs-authorized${docsPath.endsWith('/') ? '-slash' : ''}`);
    const list = await execute(page, 'get', '/api/messages');
    expect(list).toEqual({ status: '200', body: expect.stringContaining('"messages": []') });

    const me = await execute(page, 'get', '/api/me');
    expect(me.status).toBe('200');
    expect(JSON.parse(me.body)).toMatchObject({
      sub: user,
      cid: 'dev-client',
      scopes: ['messages:read', 'messages:write'],
      isAdmin: false,
    });
    await browser.screenshot(page, `21-api-docs-executed${docsPath.endsWith('/') ? '-slash' : ''}`);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('signs in with a group, so that admin routes can be tried too', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/api/docs`);
    await authorize(page, 'ada@example.com', 'Admins');
    const admin = await execute(page, 'get', '/api/admin/messages');
    expect(admin.status).toBe('200');
    await page.close();
  });
});
