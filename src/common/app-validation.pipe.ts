import { ValidationPipe, type ArgumentMetadata, type Type } from '@nestjs/common';

type Template = Record<string, string | number | boolean | undefined>;

/**
 * The global ValidationPipe, minus its per-request cost for the commonest input: a query string
 * with no parameters (`GET /api/messages`). The first empty query of each DTO goes through the
 * full transform and validation; when that succeeds with a flat result, later empty queries get a
 * fresh copy of it. Sound because the DTOs' rules are pure functions of their input (no rule here
 * looks anything up), so the same empty input always validates the same way.
 */
export class AppValidationPipe extends ValidationPipe {
  private readonly emptyQueries = new Map<Type, Template | false>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const { metatype } = metadata;
    if (metadata.type !== 'query' || !metatype || !isEmptyObject(value)) {
      return super.transform(value, metadata);
    }
    const template = this.emptyQueries.get(metatype);
    if (template) return Object.assign(Object.create(metatype.prototype as object) as object, template);
    const result: unknown = await super.transform(value, metadata);
    if (template === undefined) this.emptyQueries.set(metatype, flatCopy(result, metatype) ?? false);
    return result;
  }
}

function isEmptyObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  for (const key in value) if (Object.hasOwn(value, key)) return false;
  return true;
}

/** The instance's own fields when they are all primitives (safe to share between requests). */
function flatCopy(result: unknown, metatype: Type): Template | undefined {
  if (typeof result !== 'object' || result === null || Object.getPrototypeOf(result) !== metatype.prototype) {
    return undefined;
  }
  const fields = Object.entries(result);
  const flat = fields.every(([, field]) => field === undefined || typeof field !== 'object');
  return flat ? Object.fromEntries(fields) : undefined;
}
