import type { Page } from 'playwright-core';
import { startApiProcess, type ApiProcess } from '../fixtures/api-process.js';
import { launchBrowser, type Browser } from './browser.js';

/** The development sign-in on one of the sites of examples/sites.json, as a person fills it in. */
async function signIn(page: Page, url: string, site: string, user: string): Promise<void> {
  await page.goto(url);
  await page.locator('#dev-sign-in-form').waitFor();
  await page.selectOption('#dev-site', site);
  await page.fill('#dev-user', user);
  await page.click('#dev-sign-in-button');
  await page.locator('#me-sub').waitFor();
}

async function post(page: Page, text: string): Promise<void> {
  await page.fill('#post-text', text);
  await page.click('#post-button');
  await page.locator('#my-messages .message .text', { hasText: text }).waitFor();
}

const myTexts = (page: Page) => page.locator('#my-messages .message .text').allTextContents();

describe('demo page in Chromium, two sites (SITES_FILE=examples/sites.json)', () => {
  let server: ApiProcess;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startApiProcess({ SITES_FILE: 'examples/sites.json' }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("signs in on the site picked, shows it, and shows that site's own messages only", async () => {
    const blog = await browser.newPage();
    await signIn(blog, server.url, 'blog', 'alice@example.com');
    expect(await blog.textContent('#me-site')).toBe('blog');
    await post(blog, 'Written on the blog');

    const shop = await browser.newPage();
    await signIn(shop, server.url, 'shop', 'alice@example.com');
    expect(await shop.textContent('#me-site')).toBe('shop');
    await expect(shop.locator('#my-messages .empty').textContent()).resolves.toBe('No messages yet.');
    await post(shop, 'Written on the shop');
    expect(await myTexts(shop)).toEqual(['Written on the shop']);
    await browser.screenshot(shop, 'sites-01-shop');

    await blog.click('#my-refresh');
    await blog.locator('#my-messages .message').first().waitFor();
    expect(await myTexts(blog)).toEqual(['Written on the blog']);
    await browser.screenshot(blog, 'sites-02-blog');
    await blog.close();
    await shop.close();
  });

  it("offers the picked site's own admin groups", async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.locator('#dev-sign-in-form').waitFor();
    await page.selectOption('#dev-site', 'shop');
    await page.locator('input[name="group"][value="Shop Admins"]').waitFor();
    expect(await page.locator('input[name="group"][value="Blog Admins"]').count()).toBe(0);
    await page.setChecked('input[name="group"][value="Shop Admins"]', true);
    await page.fill('#dev-user', 'owner@example.com');
    await page.click('#dev-sign-in-button');
    await page.locator('#me-admin').waitFor();
    expect(await page.textContent('#me-site')).toBe('shop');
    expect(await page.textContent('#me-admin')).toBe('yes');
    await page.close();
  });
});
