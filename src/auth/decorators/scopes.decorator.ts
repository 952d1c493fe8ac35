import { Reflector } from '@nestjs/core';

/** Every listed scope is required. */
export const Scopes = Reflector.createDecorator<string[]>();
