import { Reflector } from '@nestjs/core';
import { InsufficientScopeError } from '../bearer-errors.js';
import { Scopes } from '../decorators/scopes.decorator.js';
import { ScopesGuard } from './scopes.guard.js';
import { guardContext, principalWith } from '../../../test/fixtures/guard-context.js';

const caller = (scopes: string[]) => principalWith({ scopes });

class ReadController {
  @Scopes(['messages:read'])
  read(this: void) {}

  @Scopes(['messages:read', 'messages:write'])
  readAndWrite(this: void) {}

  unmarked(this: void) {}
}

@Scopes(['messages:read'])
class ClassScoped {
  inherited(this: void) {}

  @Scopes(['messages:write'])
  overridden(this: void) {}
}

describe('ScopesGuard', () => {
  const guard = new ScopesGuard(new Reflector());
  const proto = ReadController.prototype;

  it('lets a route without @Scopes through, even without a caller', () => {
    expect(guard.canActivate(guardContext(proto.unmarked))).toBe(true);
  });

  it('lets a caller holding the scope through', () => {
    expect(guard.canActivate(guardContext(proto.read, caller(['messages:read'])))).toBe(true);
  });

  it('needs every listed scope, not just one', () => {
    const both = caller(['messages:read', 'messages:write']);
    expect(guard.canActivate(guardContext(proto.readAndWrite, both))).toBe(true);
    expect(() => guard.canActivate(guardContext(proto.readAndWrite, caller(['messages:read'])))).toThrow(
      InsufficientScopeError,
    );
  });

  it('matches scopes exactly', () => {
    expect(() => guard.canActivate(guardContext(proto.read, caller(['messages:readx'])))).toThrow(
      InsufficientScopeError,
    );
    expect(() => guard.canActivate(guardContext(proto.read, caller(['Messages:Read'])))).toThrow(
      InsufficientScopeError,
    );
  });

  it('refuses a route with @Scopes when there is no caller', () => {
    expect(() => guard.canActivate(guardContext(proto.read))).toThrow(InsufficientScopeError);
  });

  it('throws insufficient_scope carrying every required scope for the challenge', () => {
    let thrown: unknown;
    try {
      guard.canActivate(guardContext(proto.readAndWrite, caller([])));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InsufficientScopeError);
    const error = thrown as InsufficientScopeError;
    expect(error.status).toBe(403);
    expect(error.code).toBe('insufficient_scope');
    expect(error.scope).toBe('messages:read messages:write');
  });

  it('reads scopes declared on the controller class', () => {
    const context = guardContext(ClassScoped.prototype.inherited, caller(['messages:write']), ClassScoped);
    expect(() => guard.canActivate(context)).toThrow(InsufficientScopeError);
  });

  it('lets a handler override the class scopes', () => {
    const context = guardContext(ClassScoped.prototype.overridden, caller(['messages:write']), ClassScoped);
    expect(guard.canActivate(context)).toBe(true);
  });
});
