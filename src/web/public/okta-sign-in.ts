import { el, byId, show } from './dom.js';
import type { Session, WebConfig } from './session.js';

type OktaConfig = Extract<WebConfig, { mode: 'okta' }>;

/** The part of okta-auth-js (the widget's `authClient`) this page uses. */
interface OktaAuthClient {
  start(): Promise<void>;
  isLoginRedirect(): boolean;
  handleLoginRedirect(tokens?: unknown): Promise<void>;
  isAuthenticated(): Promise<boolean>;
  getAccessToken(): string | undefined;
  signOut(options: { postLogoutRedirectUri: string }): Promise<unknown>;
  tokenManager: {
    clear(): void;
    on(event: 'expired' | 'renewed' | 'removed' | 'error', handler: (...args: unknown[]) => void): void;
  };
}

interface OktaSignInWidget {
  authClient: OktaAuthClient;
  showSignIn(options: { el: string }): Promise<{ tokens?: unknown }>;
  remove(): void;
}

type OktaSignInConstructor = new (options: Record<string, unknown>) => OktaSignInWidget;

const WIDGET = '/vendor/okta-signin-widget';

/** Loads the widget's script and stylesheet from this server (the npm package), never from a CDN. */
function loadWidget(): Promise<OktaSignInConstructor> {
  document.head.append(el('link', { rel: 'stylesheet', href: `${WIDGET}/css/okta-sign-in.min.css` }));
  return new Promise((resolve, reject) => {
    const script = el('script', { src: `${WIDGET}/js/okta-sign-in.min.js` });
    script.addEventListener('load', () => {
      const constructor = (window as unknown as { OktaSignIn?: OktaSignInConstructor }).OktaSignIn;
      if (constructor) resolve(constructor);
      else reject(new Error('The Okta Sign-In Widget did not load.'));
    });
    script.addEventListener('error', () => reject(new Error('The Okta Sign-In Widget could not be loaded.')));
    document.head.append(script);
  });
}

/**
 * Okta mode: the Sign-In Widget (interaction code flow, Authorization Code with PKCE) on this page.
 * okta-auth-js keeps the tokens and renews them before they expire (`autoRenew`, started by `start()`).
 */
export async function oktaSignIn(
  config: OktaConfig,
  onSessionLost: (reason: string) => void,
): Promise<Session> {
  const OktaSignIn = await loadWidget();
  const home = `${window.location.origin}/`;
  const widget = new OktaSignIn({
    issuer: config.issuer,
    clientId: config.clientId,
    redirectUri: home,
    scopes: config.scopes,
    authParams: {
      pkce: true,
      responseType: ['code'],
      tokenManager: { autoRenew: true, storage: 'sessionStorage', expireEarlySeconds: 60 },
      // After a redirect callback, drop the code from the address bar instead of reloading.
      restoreOriginalUri: () => {
        window.history.replaceState(null, '', '/');
        return Promise.resolve();
      },
    },
  });
  const auth = widget.authClient;
  await auth.start();
  auth.tokenManager.on('error', () =>
    onSessionLost('Your session could not be renewed. Please sign in again.'),
  );

  // Sign-on policies that need a redirect (social IdP, email magic link) come back here.
  if (auth.isLoginRedirect()) await auth.handleLoginRedirect();
  if (!(await auth.isAuthenticated())) {
    const container = byId('okta-sign-in');
    show(container, true);
    const result = await widget.showSignIn({ el: '#okta-sign-in' });
    widget.remove();
    show(container, false);
    await auth.handleLoginRedirect(result.tokens);
  }
  return {
    accessToken: () => Promise.resolve(auth.getAccessToken()),
    // Ends the Okta session too (the sign-out redirect URI must be allowed in the Okta app).
    signOut: async () => {
      await auth.signOut({ postLogoutRedirectUri: home });
    },
    forget: () => auth.tokenManager.clear(),
  };
}
