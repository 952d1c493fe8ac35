import { byId, el, show } from './dom.js';
import type { Session, WebConfig } from './session.js';

type OktaConfig = Extract<WebConfig, { mode: 'okta' }>;

/** The part of okta-auth-js this page uses. */
interface OktaAuth {
  start(): Promise<void>;
  isLoginRedirect(): boolean;
  handleLoginRedirect(tokens?: unknown): Promise<void>;
  isAuthenticated(): Promise<boolean>;
  getAccessToken(): string | undefined;
  signOut(): Promise<unknown>;
  /** With `dpop: true`: `Authorization: DPoP <token>` and a fresh proof (`Dpop`) for one request. */
  getDPoPAuthorizationHeaders(params: {
    url: string;
    method: string;
    nonce?: string;
  }): Promise<Record<string, string>>;
  clearDPoPStorage(clearAll?: boolean): Promise<void>;
  features: { isDPoPSupported(): boolean };
  token: {
    getWithPopup(params: Record<string, unknown>): Promise<{ tokens: unknown }>;
  };
  tokenManager: {
    clear(): void;
    setTokens(tokens: unknown): void;
    on(event: 'error', handler: (error: unknown) => void): void;
  };
}

interface OktaSignInWidget {
  showSignIn(options: { el: string }): Promise<{ tokens?: unknown }>;
  remove(): void;
}

type OktaAuthConstructor = new (options: Record<string, unknown>) => OktaAuth;
type OktaSignInConstructor = new (options: Record<string, unknown>) => OktaSignInWidget;

/** Both come from npm packages, served by this API; never from a CDN. */
const AUTH_JS = '/vendor/okta-auth-js/okta-auth-js.min.js';
const WIDGET = '/vendor/okta-signin-widget';

function loadScript<T>(src: string, global: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const script = el('script', { src });
    script.addEventListener('load', () => {
      const value = (window as unknown as Record<string, unknown>)[global];
      if (value) resolve(value as T);
      else reject(new Error(`${src} did not define ${global}.`));
    });
    script.addEventListener('error', () =>
      reject(new Error(`The sign-in code (${src}) could not be loaded.`)),
    );
    document.head.append(script);
  });
}

/**
 * Okta mode. okta-auth-js (the same version the widget bundles) holds the tokens and, once
 * started, renews them before they expire (`tokenManager.autoRenew`); the Sign-In Widget signs the
 * person in with the interaction code flow, Okta's Authorization Code with PKCE for embedded sign-in.
 */
export async function oktaSignIn(
  config: OktaConfig,
  onSessionLost: (reason: string) => void,
): Promise<Session> {
  document.head.append(el('link', { rel: 'stylesheet', href: `${WIDGET}/css/okta-sign-in.min.css` }));
  const [OktaAuthClass, OktaSignIn] = await Promise.all([
    loadScript<OktaAuthConstructor>(AUTH_JS, 'OktaAuth'),
    loadScript<OktaSignInConstructor>(`${WIDGET}/js/okta-sign-in.min.js`, 'OktaSignIn'),
  ]);
  const home = `${window.location.origin}/`;
  const authClient = new OktaAuthClass({
    issuer: config.issuer,
    clientId: config.clientId,
    redirectUri: home,
    postLogoutRedirectUri: home,
    scopes: config.scopes,
    pkce: true,
    tokenManager: { autoRenew: true, storage: 'sessionStorage' },
    // The Okta app requires DPoP (OKTA_SPA_DPOP): Okta Auth JS binds the tokens to a non-extractable
    // key pair it keeps in IndexedDB, and refuses a token response that is not token_type DPoP.
    dpop: config.dpop,
    // After a redirect callback, drop the code from the address bar instead of navigating again.
    restoreOriginalUri: () => window.history.replaceState(null, '', '/'),
  });
  authClient.tokenManager.on('error', () =>
    onSessionLost('Your session could not be renewed. Please sign in again.'),
  );
  await authClient.start();

  // Sign-on policies that need a redirect (social IdP, email magic link) come back to this page.
  if (authClient.isLoginRedirect()) await authClient.handleLoginRedirect();
  if (config.dpop && !authClient.features.isDPoPSupported()) {
    throw new Error(
      'This Okta app requires DPoP, which this browser cannot do here (it needs https or localhost).',
    );
  }
  if (!(await authClient.isAuthenticated())) {
    // Key pairs of sessions that ended without a sign-out (Okta Auth JS's advice).
    if (config.dpop) await authClient.clearDPoPStorage(true);
    const container = byId('widget-container');
    show(container, true);
    const widget = new OktaSignIn({
      issuer: config.issuer,
      clientId: config.clientId,
      redirectUri: home,
      scopes: config.scopes,
      authClient,
    });
    const result = await widget.showSignIn({ el: '#widget-container' }).catch((error: unknown) => {
      throw new Error(`Okta sign-in failed: ${error instanceof Error ? error.message : String(error)}`);
    });
    widget.remove();
    show(container, false);
    await authClient.handleLoginRedirect(result.tokens);
  }
  return {
    tokenType: config.dpop ? 'DPoP' : 'Bearer',
    authorization: async ({ method, url, nonce }) => {
      const token = authClient.getAccessToken();
      if (token === undefined) return {};
      if (!config.dpop) return { authorization: `Bearer ${token}` };
      return authClient.getDPoPAuthorizationHeaders({
        url,
        method,
        ...(nonce === undefined ? {} : { nonce }),
      });
    },
    // Ends the Okta session too; the sign-out redirect URI must be allowed in the Okta app.
    signOut: async () => {
      await authClient.signOut();
    },
    forget: async () => {
      // The key pair bound to the tokens goes with them (signOut does this itself).
      if (config.dpop) await authClient.clearDPoPStorage().catch(() => undefined);
      authClient.tokenManager.clear();
    },
    // RFC 9470 step-up: Okta's sign-in page in a pop-up, with the challenge's acr_values and max_age
    // (Okta Auth JS token parameters), so the page and its state stay as they are.
    stepUp: async ({ acrValues, maxAge }) => {
      try {
        const { tokens } = await authClient.token.getWithPopup({
          scopes: config.scopes,
          ...(acrValues.length > 0 ? { acrValues: acrValues.join(' ') } : {}),
          ...(maxAge === undefined ? {} : { maxAge }),
        });
        authClient.tokenManager.setTokens(tokens);
        return true;
      } catch {
        return false;
      }
    },
  };
}
