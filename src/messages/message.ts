import type { MessageEntity } from './message.entity.js';

/** The API's message: what Okta's sample frontends render (`text`, `date`). */
export interface Message {
  id: string;
  text: string;
  date: string;
  author: string;
}

export interface MessagePage {
  messages: Message[];
  nextCursor: string | null;
}

export function toMessage(entity: MessageEntity): Message {
  return {
    id: entity.id,
    text: entity.text,
    date: new Date(entity.createdAt).toISOString(),
    author: entity.author,
  };
}
