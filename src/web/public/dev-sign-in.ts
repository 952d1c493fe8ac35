import { explainApiError } from './api-errors.js';
import { byId, el, show } from './dom.js';
import type { Session, WebConfig } from './session.js';

type DevConfig = Extract<WebConfig, { mode: 'development' }>;

const STORAGE_KEY = 'messages-demo.dev-token';

/** Development only: the token lives in this tab's sessionStorage until sign-out or expiry. */
function devSession(token: string): Session {
  sessionStorage.setItem(STORAGE_KEY, token);
  return {
    accessToken: () => Promise.resolve(sessionStorage.getItem(STORAGE_KEY) ?? undefined),
    signOut: () => {
      sessionStorage.removeItem(STORAGE_KEY);
      window.location.reload();
      return Promise.resolve();
    },
    forget: () => sessionStorage.removeItem(STORAGE_KEY),
  };
}

export function resumeDevSession(): Session | undefined {
  const token = sessionStorage.getItem(STORAGE_KEY);
  return token === null ? undefined : devSession(token);
}

function checkbox(name: string, value: string, checked: boolean, label: string): HTMLLabelElement {
  const input = el('input', { type: 'checkbox', name, value });
  input.checked = checked;
  return el('label', { class: 'check' }, input, ` ${label}`);
}

/** Renders the development sign-in form; resolves with a session once the issuer gave a token. */
export function showDevSignIn(config: DevConfig): Promise<Session> {
  const container = byId('dev-sign-in');
  const error = el('p', { class: 'error', role: 'alert', hidden: '' });
  const user = el('input', {
    id: 'dev-user',
    name: 'sub',
    value: 'alice@example.com',
    required: '',
    autocomplete: 'off',
  });
  // Several sites (SITES_FILE): pick one; its own admin groups are offered.
  const site = el(
    'select',
    { id: 'dev-site', name: 'site' },
    ...config.sites.map(({ id }) => el('option', { value: id }, id)),
  );
  const groups = el('fieldset', {});
  const renderGroups = () => {
    const adminGroups = config.sites.find(({ id }) => id === site.value)?.adminGroups ?? config.adminGroups;
    groups.replaceChildren(
      el('legend', {}, 'Okta groups'),
      ...adminGroups.map((group) => checkbox('group', group, false, `${group} (admin)`)),
      checkbox('group', 'Everyone', true, 'Everyone'),
    );
  };
  site.addEventListener('change', renderGroups);
  renderGroups();
  const sitePicker = config.sites.length > 1 ? [el('label', { for: 'dev-site' }, 'Site'), site] : [];
  const form = el(
    'form',
    { id: 'dev-sign-in-form' },
    el(
      'p',
      { class: 'banner' },
      'Development sign-in: the built-in development issuer is running because OKTA_ISSUER is not set. This never exists in production.',
    ),
    ...sitePicker,
    el('label', { for: 'dev-user' }, "User (the token's sub)"),
    user,
    el(
      'fieldset',
      {},
      el('legend', {}, 'Scopes'),
      ...config.devScopes.map((scope) => checkbox('scope', scope, true, scope)),
    ),
    groups,
    el('button', { type: 'submit', id: 'dev-sign-in-button' }, 'Sign in'),
    error,
  );
  container.replaceChildren(form);
  show(container, true);

  return new Promise((resolve) => {
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const picked = (name: string): string[] =>
        [...form.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)].map(
          (input) => input.value,
        );
      const chosenSite = config.sites.length > 0 ? site.value : undefined;
      void requestToken(user.value.trim(), picked('scope'), picked('group'), chosenSite).then(
        (token) => {
          show(container, false);
          resolve(devSession(token));
        },
        (reason: unknown) => {
          error.textContent = reason instanceof Error ? reason.message : String(reason);
          show(error, true);
        },
      );
    });
  });
}

async function requestToken(
  sub: string,
  scopes: string[],
  groups: string[],
  site: string | undefined,
): Promise<string> {
  let response: Response;
  try {
    response = await fetch('/api/dev/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ sub, scopes, groups, site }),
    });
  } catch {
    throw new Error(explainApiError({ status: 0 }));
  }
  const body = (await response.json().catch(() => ({}))) as { access_token?: unknown; message?: unknown };
  if (response.ok && typeof body.access_token === 'string') return body.access_token;
  throw new Error(
    explainApiError({
      status: response.status,
      message: typeof body.message === 'string' ? body.message : undefined,
      retryAfter: response.headers.get('retry-after'),
    }),
  );
}
