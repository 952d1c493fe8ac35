import { applyDecorators } from '@nestjs/common';
import { ApiToken } from '../../docs/api-docs.decorators.js';
import { Scopes, type ScopeName } from './scopes.decorator.js';

/** What a route always states together: the scopes it needs, and the same in its OpenAPI security. */
export function Authenticated(...scopes: ScopeName[]): MethodDecorator & ClassDecorator {
  return applyDecorators(Scopes(scopes), ApiToken(...scopes));
}
