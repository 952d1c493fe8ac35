import { Reflector } from '@nestjs/core';

/** The scopes this API defines (on the Okta authorization server's Scopes tab). */
export const Scope = {
  MessagesRead: 'messages:read',
  MessagesWrite: 'messages:write',
} as const;

export type ScopeName = (typeof Scope)[keyof typeof Scope];

/** Every listed scope is required. */
export const Scopes = Reflector.createDecorator<string[]>();
