import { ApiClient, ApiError, type Me } from './api-client.js';
import { explainApiError } from './api-errors.js';
import { resumeDevSession, showDevSignIn } from './dev-sign-in.js';
import { byId, el, show } from './dom.js';
import { isSessionLost, MessagesView } from './messages-view.js';
import { oktaSignIn } from './okta-sign-in.js';
import { askToStepUp } from './step-up-prompt.js';
import type { Session, WebConfig } from './session.js';

const notice = byId('notice');

function say(text: string): void {
  notice.textContent = text;
  show(notice, text !== '');
}

async function loadConfig(): Promise<WebConfig> {
  const response = await fetch('/api/web-config').catch(() => undefined);
  if (response === undefined) throw new Error(explainApiError({ status: 0 }));
  if (!response.ok) throw new Error(explainApiError({ status: response.status }));
  return (await response.json()) as WebConfig;
}

async function signIn(config: WebConfig): Promise<Session> {
  switch (config.mode) {
    case 'development':
      byId('mode').textContent = 'Development sign-in (built-in issuer)';
      return resumeDevSession() ?? showDevSignIn(config);
    case 'okta':
      byId('mode').textContent = `Okta: ${new URL(config.issuer).host}`;
      return oktaSignIn(config, sessionLost);
    case 'unconfigured':
      throw new Error(config.reason);
  }
}

let session: Session | undefined;

/** Back to a clean sign-in, keeping the reason on screen after the reload. */
function sessionLost(reason: string): void {
  sessionStorage.setItem('messages-demo.notice', reason);
  void (session?.forget() ?? Promise.resolve()).finally(() => window.location.reload());
}

function renderMe(me: Me, tokenType: Session['tokenType']): void {
  byId('me').replaceChildren(
    el('dt', {}, 'Site'),
    el('dd', { id: 'me-site' }, me.site),
    el('dt', {}, 'User'),
    el('dd', { id: 'me-sub' }, me.sub),
    el('dt', {}, 'Scopes'),
    el('dd', { id: 'me-scopes' }, me.scopes.join(' ') || 'none'),
    el('dt', {}, 'Groups'),
    el('dd', { id: 'me-groups' }, me.groups.join(', ') || 'none'),
    el('dt', {}, 'Administrator'),
    el('dd', { id: 'me-admin' }, me.isAdmin ? 'yes' : 'no'),
    el('dt', {}, 'Token'),
    el(
      'dd',
      { id: 'me-token' },
      tokenType === 'DPoP' ? 'DPoP: bound to a key only this browser holds' : 'Bearer',
    ),
    el('dt', {}, 'Session ends'),
    el('dd', {}, new Date(me.expiresAt).toLocaleString()),
  );
}

async function start(): Promise<void> {
  say(sessionStorage.getItem('messages-demo.notice') ?? '');
  sessionStorage.removeItem('messages-demo.notice');
  const config = await loadConfig();
  session = await signIn(config);
  // What was said before signing in ("You have signed out.", why the last session ended) is over now.
  say('');
  const api = new ApiClient(
    (request) => session?.authorization(request) ?? Promise.resolve({}),
    (challenge, explanation) =>
      askToStepUp(explanation, () => session?.stepUp(challenge) ?? Promise.resolve(false)),
  );
  const onError = (error: unknown): void => {
    if (isSessionLost(error)) sessionLost((error as ApiError).message);
  };

  byId('sign-out').addEventListener('click', () => {
    sessionStorage.setItem('messages-demo.notice', 'You have signed out.');
    void session?.signOut();
  });
  show(byId('signed-in'), true);

  const me = await api.me().catch((error: unknown) => {
    onError(error);
    throw error;
  });
  renderMe(me, session.tokenType);

  const mine = new MessagesView({
    list: byId('my-messages'),
    more: byId<HTMLButtonElement>('my-more'),
    error: byId('my-error'),
    showAuthor: false,
    load: (cursor) => api.messages(cursor),
    remove: (id) => api.remove(id),
    onError,
  });
  const everyone = new MessagesView({
    list: byId('all-messages'),
    more: byId<HTMLButtonElement>('all-more'),
    error: byId('all-error'),
    showAuthor: true,
    load: (cursor) => api.allMessages(cursor),
    remove: (id) => api.remove(id),
    onError,
  });

  const form = byId<HTMLFormElement>('post-form');
  const text = byId<HTMLTextAreaElement>('post-text');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    api.post(text.value).then(
      () => {
        text.value = '';
        void mine.reload();
        if (me.isAdmin) void everyone.reload();
      },
      (error: unknown) => mine.showError(error),
    );
  });
  byId('my-refresh').addEventListener('click', () => void mine.reload());
  byId('all-load').addEventListener('click', () => void everyone.reload());

  byId('admin-note').textContent = me.isAdmin
    ? "You are in an admin group: here is every author's messages."
    : "Only members of an admin group can see every author's messages. You can try; the API will refuse.";
  await Promise.all([mine.reload(), me.isAdmin ? everyone.reload() : Promise.resolve()]);
}

start().catch((error: unknown) => {
  say(error instanceof Error ? error.message : String(error));
  document.body.dataset.state = 'error';
});
