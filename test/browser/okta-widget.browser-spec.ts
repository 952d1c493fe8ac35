import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startApiProcess, type ApiProcess } from '../fixtures/api-process.js';
import { launchBrowser, type Browser } from './browser.js';

/**
 * A stand-in for an Okta org on loopback: it records what the widget asks for and answers like an
 * org that does not know this client. Real sign-in needs a real org (see the README); this checks
 * that the page wires the widget up and loads it only from this server.
 */
async function startFakeOrg(): Promise<{ issuer: string; paths: string[]; server: Server }> {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(`${req.method ?? ''} ${req.url ?? ''}`);
    res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
    res.setHeader('Access-Control-Allow-Headers', '*');
    res.setHeader('Content-Type', 'application/json');
    if (req.method === 'OPTIONS') {
      res.end();
      return;
    }
    if (req.url?.endsWith('/v1/keys')) {
      res.end(JSON.stringify({ keys: [] }));
      return;
    }
    res.statusCode = 400;
    res.end(JSON.stringify({ error: 'invalid_client', error_description: 'The client is not known here.' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { issuer: `http://127.0.0.1:${port}/oauth2/default`, paths, server };
}

describe('demo page in Chromium, Okta mode', () => {
  let org: Awaited<ReturnType<typeof startFakeOrg>>;
  let server: ApiProcess;
  let browser: Browser;

  beforeAll(async () => {
    org = await startFakeOrg();
    [server, browser] = await Promise.all([
      startApiProcess({ OKTA_ISSUER: org.issuer, OKTA_SPA_CLIENT_ID: '0oa1spaclient0example' }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await new Promise((resolve) => org?.server.close(resolve));
  });

  it('renders the Okta Sign-In Widget from this server and talks to the configured issuer only', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.locator('#widget-container').waitFor();
    // The widget's own root, rendered inside the page's container.
    await page.locator('#widget-container [data-se="auth-container"]').waitFor();
    await page.waitForTimeout(1500);
    await browser.screenshot(page, '10-okta-widget');

    expect(await page.textContent('#mode')).toBe(`Okta: ${new URL(org.issuer).host}`);
    expect(await page.locator('#dev-sign-in-form').count()).toBe(0);
    expect(browser.requests).toContain(`${server.url}/vendor/okta-signin-widget/js/okta-sign-in.min.js`);
    expect(browser.requests).toContain(`${server.url}/vendor/okta-signin-widget/css/okta-sign-in.min.css`);
    expect(browser.requests).toContain(`${server.url}/vendor/okta-auth-js/okta-auth-js.min.js`);
    // This org does not know the client: the widget says so, and so does the page, in words.
    expect(await page.textContent('#notice')).toBe('Okta sign-in failed: The client is not known here.');
    const elsewhere = browser.requests.filter(
      (url) =>
        !url.startsWith(`${server.url}/`) && !url.startsWith(`${org.issuer}/`) && !url.startsWith('data:'),
    );
    expect(elsewhere).toEqual([]);
    expect(org.paths.some((path) => path.includes('/oauth2/default/v1/'))).toBe(true);
    await page.close();
  });
});
