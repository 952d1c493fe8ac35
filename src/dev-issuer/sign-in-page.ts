import type { IncomingMessage, ServerResponse } from 'node:http';

/** Who signs in when the person does not change the form (the same default as the token command). */
export const DEFAULT_SIGN_IN_USER = 'dev-user@example.com';

/** Query parameters the form sets itself; every other one is carried through unchanged. */
const FORM_FIELDS = new Set(['login_hint', 'groups']);

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);

/**
 * The authorize endpoint's sign-in page: Okta asks who you are before it redirects back with a
 * code, and so does this, so that a browser client (Swagger UI, a sample SPA) can sign in as any
 * user, with any groups. A request that already names the user (`login_hint`) skips the page.
 * The answer is the same URL with `login_hint` and `groups` added, which the library then handles.
 */
export function serveSignInPage(query: URLSearchParams, res: ServerResponse): void {
  const hidden = [...query]
    .filter(([name]) => !FORM_FIELDS.has(name))
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  const scopes = escapeHtml(query.get('scope') ?? '(none)');
  const client = escapeHtml(query.get('client_id') ?? '(none)');
  res.statusCode = 200;
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.setHeader(
    'content-security-policy',
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  );
  res.setHeader('x-content-type-options', 'nosniff');
  res.end(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Development issuer: sign in</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}
label{display:block;margin:1rem 0 .25rem}input[type=text]{width:100%;padding:.4rem}
.note{background:#fff4d6;border:1px solid #e0b84c;padding:.5rem .75rem}</style></head>
<body>
<h1>Development issuer</h1>
<p class="note">Built-in development sign-in: no password, any user. It never exists in production.</p>
<p>Client <code>${client}</code> asks for the scopes <code>${scopes}</code>.</p>
<form method="get" id="dev-authorize">
${hidden}
<label for="login_hint">User (the token's <code>sub</code>)</label>
<input type="text" id="login_hint" name="login_hint" value="${DEFAULT_SIGN_IN_USER}" required>
<label for="groups">Groups, comma-separated (e.g. Admins)</label>
<input type="text" id="groups" name="groups" value="">
<p><button type="submit" id="dev-sign-in">Sign in</button></p>
</form>
</body>
</html>
`);
}

/** Whether a request to the authorize endpoint should see the sign-in page first. */
export function needsSignIn(req: IncomingMessage, query: URLSearchParams): boolean {
  return req.method === 'GET' && !query.has('login_hint') && query.get('response_type') === 'code';
}
