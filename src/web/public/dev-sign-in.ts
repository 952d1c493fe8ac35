import { explainApiError } from './api-errors.js';
import { byId, el, show } from './dom.js';
import type { Session, WebConfig } from './session.js';

type DevConfig = Extract<WebConfig, { mode: 'development' }>;

const STORAGE_KEY = 'messages-demo.dev-token';
/** Who signed in, with which scopes and groups: a step-up signs the same person in again. */
const REQUEST_KEY = 'messages-demo.dev-sign-in';

interface DevSignIn {
  sub: string;
  scopes: string[];
  groups: string[];
  secondFactor: boolean;
  /** With several sites, the one picked. */
  site?: string;
}

/** Development only: the token lives in this tab's sessionStorage until sign-out or expiry. */
function devSession(token: string, signIn: DevSignIn): Session {
  sessionStorage.setItem(STORAGE_KEY, token);
  sessionStorage.setItem(REQUEST_KEY, JSON.stringify(signIn));
  const forget = () => {
    sessionStorage.removeItem(STORAGE_KEY);
    sessionStorage.removeItem(REQUEST_KEY);
  };
  return {
    accessToken: () => Promise.resolve(sessionStorage.getItem(STORAGE_KEY) ?? undefined),
    signOut: () => {
      forget();
      window.location.reload();
      return Promise.resolve();
    },
    forget,
    // The development issuer has no second factor to ask for: signing in again "with" one stands in.
    stepUp: () =>
      requestToken({ ...signIn, secondFactor: true }).then(
        (fresh) => {
          sessionStorage.setItem(STORAGE_KEY, fresh);
          return true;
        },
        () => false,
      ),
  };
}

export function resumeDevSession(): Session | undefined {
  const token = sessionStorage.getItem(STORAGE_KEY);
  const signIn = sessionStorage.getItem(REQUEST_KEY);
  return token === null || signIn === null ? undefined : devSession(token, JSON.parse(signIn) as DevSignIn);
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
    el(
      'fieldset',
      {},
      el('legend', {}, 'Sign-in'),
      checkbox('second-factor', 'yes', false, 'Signed in with a second factor (acr, amr, auth_time)'),
    ),
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
      const signIn = {
        sub: user.value.trim(),
        scopes: picked('scope'),
        groups: picked('group'),
        secondFactor: picked('second-factor').length > 0,
        site: config.sites.length > 0 ? site.value : undefined,
      };
      void requestToken(signIn).then(
        (token) => {
          show(container, false);
          resolve(devSession(token, signIn));
        },
        (reason: unknown) => {
          error.textContent = reason instanceof Error ? reason.message : String(reason);
          show(error, true);
        },
      );
    });
  });
}

async function requestToken(signIn: DevSignIn): Promise<string> {
  let response: Response;
  try {
    response = await fetch('/api/dev/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(signIn),
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
