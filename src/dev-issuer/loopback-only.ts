import type { RequestListener } from 'node:http';
import { isLoopbackHostHeader } from './issuer-url.js';

/**
 * oauth2-mock-server always sends `Access-Control-Allow-Origin: *` and has no option to change it.
 * Here only a page on a loopback origin (the API's own Swagger UI exchanging its code) gets CORS
 * headers, naming that origin; any other page gets none (on the response itself: Express swaps its
 * prototype), so no web site can read a token from this issuer.
 */
export function loopbackCorsOnly(handler: RequestListener): RequestListener {
  return (req, res) => {
    const origin = req.headers.origin;
    const allowed = typeof origin === 'string' && isLoopbackOrigin(origin) ? origin : undefined;
    const setHeader = res.setHeader.bind(res);
    res.setHeader = (name: string, value: number | string | readonly string[]) => {
      if (!/^access-control-/i.test(name)) return setHeader(name, value);
      if (allowed === undefined) return res;
      return setHeader(name, /^access-control-allow-origin$/i.test(name) ? allowed : value);
    };
    if (allowed !== undefined) res.setHeader('Vary', 'Origin');
    handler(req, res);
  };
}

function isLoopbackOrigin(origin: string): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHostHeader(url.host);
  } catch {
    return false;
  }
}

/** Like the API's development routes, this issuer answers only requests addressed to loopback. */
export function loopbackHostOnly(handler: RequestListener): RequestListener {
  return (req, res) => {
    if (isLoopbackHostHeader(req.headers.host)) {
      handler(req, res);
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
    res.end(
      JSON.stringify({
        statusCode: 404,
        error: 'Not Found',
        message: `Cannot ${req.method ?? 'GET'} ${path}`,
      }),
    );
  };
}
