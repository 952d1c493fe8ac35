import { ApiError, type Message, type MessagePage } from './api-client.js';
import { el, show } from './dom.js';

export interface MessagesViewOptions {
  list: HTMLElement;
  more: HTMLButtonElement;
  error: HTMLElement;
  showAuthor: boolean;
  load(cursor: string | null): Promise<MessagePage>;
  remove(id: string): Promise<void>;
  /** Told about every failure, so a lost session can send the person back to sign-in. */
  onError(error: unknown): void;
}

/** A paged list of messages, newest first, each with a delete button. */
export class MessagesView {
  private cursor: string | null = null;

  constructor(private readonly options: MessagesViewOptions) {
    options.more.addEventListener('click', () => void this.loadMore());
  }

  /** Reloads from the newest message. */
  async reload(): Promise<void> {
    this.cursor = null;
    this.options.list.replaceChildren();
    await this.loadMore();
  }

  showError(error: unknown): void {
    this.options.error.textContent = error instanceof Error ? error.message : String(error);
    show(this.options.error, true);
    this.options.onError(error);
  }

  clearError(): void {
    this.options.error.textContent = '';
    show(this.options.error, false);
  }

  private async loadMore(): Promise<void> {
    const { list, more } = this.options;
    more.disabled = true;
    try {
      const page = await this.options.load(this.cursor);
      this.clearError();
      list.append(...page.messages.map((message) => this.row(message)));
      if (list.childElementCount === 0) list.append(el('li', { class: 'empty' }, 'No messages yet.'));
      this.cursor = page.nextCursor;
      show(more, page.nextCursor !== null);
    } catch (error) {
      show(more, false);
      this.showError(error);
    } finally {
      more.disabled = false;
    }
  }

  private row(message: Message): HTMLLIElement {
    const remove = el(
      'button',
      { type: 'button', class: 'delete', 'aria-label': 'Delete this message' },
      'Delete',
    );
    const item = el(
      'li',
      { class: 'message', 'data-id': message.id },
      el('p', { class: 'text' }, message.text),
      el(
        'p',
        { class: 'meta' },
        this.options.showAuthor ? `${message.author} · ` : '',
        el('time', { datetime: message.date }, new Date(message.date).toLocaleString()),
      ),
      remove,
    );
    remove.addEventListener('click', () => {
      remove.disabled = true;
      this.options.remove(message.id).then(
        () => {
          this.clearError();
          item.remove();
        },
        (error: unknown) => {
          remove.disabled = false;
          this.showError(error);
        },
      );
    });
    return item;
  }
}

export function isSessionLost(error: unknown): boolean {
  return error instanceof ApiError && error.needsSignIn;
}
