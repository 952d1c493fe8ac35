import { requestDevToken, type DevDpop, type DevSignIn } from './dev-token-request.js';
import { byId, el, show } from './dom.js';
import { dpopProof, dpopSupported, generateDpopKeyPair, loadJose } from './dpop.js';
import { deleteKeyPair, findKeyPair, saveKeyPair } from './dpop-key-store.js';
import type { Session, WebConfig } from './session.js';

type DevConfig = Extract<WebConfig, { mode: 'development' }>;

const STORAGE_KEY = 'messages-demo.dev-token';
/** Who signed in, with which scopes and groups: a step-up signs the same person in again. */
const REQUEST_KEY = 'messages-demo.dev-sign-in';

/** A sign-in as this tab remembers it; with DPoP, where its key pair is (IndexedDB) and whom the proof names. */
type StoredSignIn = DevSignIn & { dpop?: { keyId: string; tokenEndpoint: string } };

/**
 * Development only: the token lives in this tab's sessionStorage until sign-out or expiry. A
 * DPoP-bound one is worth nothing without the key pair, which stays in IndexedDB, non-extractable.
 */
function devSession(token: string, signIn: StoredSignIn): Session {
  sessionStorage.setItem(STORAGE_KEY, token);
  sessionStorage.setItem(REQUEST_KEY, JSON.stringify(signIn));
  const { dpop, ...request } = signIn;
  let keyPair: Promise<CryptoKeyPair | undefined> | undefined;
  const key = () => (keyPair ??= dpop ? findKeyPair(dpop.keyId) : Promise.resolve(undefined));
  const forget = async () => {
    sessionStorage.removeItem(STORAGE_KEY);
    sessionStorage.removeItem(REQUEST_KEY);
    if (dpop) await deleteKeyPair(dpop.keyId).catch(() => undefined);
  };
  return {
    tokenType: dpop ? 'DPoP' : 'Bearer',
    authorization: async (target): Promise<Record<string, string>> => {
      const current = sessionStorage.getItem(STORAGE_KEY);
      if (current === null) return {};
      if (!dpop) return { authorization: `Bearer ${current}` };
      // Without its key (site data cleared) the token cannot be used: the API asks to sign in.
      const pair = await key();
      if (pair === undefined) return {};
      const proof = await dpopProof(await loadJose(), pair, { ...target, accessToken: current });
      return { authorization: `DPoP ${current}`, dpop: proof };
    },
    signOut: async () => {
      await forget();
      window.location.reload();
    },
    forget,
    // The development issuer has no second factor to ask for: signing in again "with" one stands in.
    stepUp: async () => {
      const pair = await key();
      if (dpop && pair === undefined) return false;
      const bound = dpop && pair ? { keyPair: pair, tokenEndpoint: dpop.tokenEndpoint } : undefined;
      return requestDevToken({ ...request, secondFactor: true }, bound).then(
        (fresh) => {
          sessionStorage.setItem(STORAGE_KEY, fresh.token);
          return true;
        },
        () => false,
      );
    },
  };
}

export function resumeDevSession(): Session | undefined {
  const token = sessionStorage.getItem(STORAGE_KEY);
  const signIn = sessionStorage.getItem(REQUEST_KEY);
  return token === null || signIn === null
    ? undefined
    : devSession(token, JSON.parse(signIn) as StoredSignIn);
}

/** A new key pair for a DPoP sign-in, kept in IndexedDB under a new id. */
async function newDpopKey(tokenEndpoint: string): Promise<DevDpop & { keyId: string }> {
  const keyPair = await generateDpopKeyPair();
  const keyId = crypto.randomUUID();
  await saveKeyPair(keyId, keyPair);
  return { keyPair, keyId, tokenEndpoint };
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
  const dpopBox = checkbox('dpop', 'yes', false, 'DPoP: bind the token to a key only this browser holds');
  if (!dpopSupported()) {
    dpopBox.querySelector('input')!.disabled = true;
    dpopBox.append(' (needs https or localhost)');
  }
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
      dpopBox,
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
      const signIn: DevSignIn = {
        sub: user.value.trim(),
        scopes: picked('scope'),
        groups: picked('group'),
        secondFactor: picked('second-factor').length > 0,
        site: config.sites.length > 0 ? site.value : undefined,
      };
      const tokenEndpoint =
        config.sites.find(({ id }) => id === site.value)?.tokenEndpoint ?? `${config.issuer}/v1/token`;
      const dpop = picked('dpop').length > 0 ? newDpopKey(tokenEndpoint) : Promise.resolve(undefined);
      void dpop
        .then(async (key) => {
          try {
            const { token } = await requestDevToken(signIn, key);
            const stored = key ? { ...signIn, dpop: { keyId: key.keyId, tokenEndpoint } } : signIn;
            show(container, false);
            resolve(devSession(token, stored));
          } catch (reason) {
            if (key) await deleteKeyPair(key.keyId).catch(() => undefined);
            throw reason;
          }
        })
        .catch((reason: unknown) => {
          error.textContent = reason instanceof Error ? reason.message : String(reason);
          show(error, true);
        });
    });
  });
}
