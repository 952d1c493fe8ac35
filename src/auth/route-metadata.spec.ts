import { Reflector } from '@nestjs/core';
import { guardContext } from '../../test/fixtures/guard-context.js';
import { Scopes } from './decorators/scopes.decorator.js';
import { PerRoute } from './route-metadata.js';

@Scopes(['messages:read'])
class ReadController {
  list(this: void) {}

  @Scopes(['messages:write'])
  create(this: void) {}
}

/** Shares `list` and `create` with its parent, under another class-level requirement. */
@Scopes(['admin:read'])
class AdminController extends ReadController {}

describe('PerRoute', () => {
  const reflector = new Reflector();
  const { list, create } = ReadController.prototype;

  function counted() {
    const reads: string[] = [];
    const scopes = new PerRoute((handler, controller) => {
      reads.push(`${controller.name}.${handler.name}`);
      return reflector.getAllAndOverride(Scopes, [handler, controller]);
    });
    return { reads, scopes };
  }

  it('reads a route once, then answers from memory', () => {
    const { reads, scopes } = counted();
    for (let i = 0; i < 3; i += 1) {
      expect(scopes.get(guardContext(list, undefined, ReadController))).toEqual(['messages:read']);
      expect(scopes.get(guardContext(create, undefined, ReadController))).toEqual(['messages:write']);
    }
    expect(reads).toEqual(['ReadController.list', 'ReadController.create']);
  });

  it('keeps a subclass that shares its handler functions apart from its parent', () => {
    const { reads, scopes } = counted();
    expect(scopes.get(guardContext(list, undefined, ReadController))).toEqual(['messages:read']);
    expect(scopes.get(guardContext(list, undefined, AdminController))).toEqual(['admin:read']);
    expect(scopes.get(guardContext(create, undefined, AdminController))).toEqual(['messages:write']);
    expect(scopes.get(guardContext(list, undefined, ReadController))).toEqual(['messages:read']);
    expect(reads).toEqual(['ReadController.list', 'AdminController.list', 'AdminController.create']);
  });

  it('remembers a route without the decorator too', () => {
    const { reads, scopes } = counted();
    class Plain {
      open(this: void) {}
    }
    expect(scopes.get(guardContext(Plain.prototype.open, undefined, Plain))).toBeUndefined();
    expect(scopes.get(guardContext(Plain.prototype.open, undefined, Plain))).toBeUndefined();
    expect(reads).toEqual(['Plain.open']);
  });
});
