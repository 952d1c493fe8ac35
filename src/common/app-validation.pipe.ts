import { BadRequestException, ValidationPipe, type ArgumentMetadata } from '@nestjs/common';

/**
 * Deeper bodies are refused before class-transformer, which walks a body recursively and overflows
 * the stack at a few thousand levels (a 4 KB body), which would answer 500.
 */
export const MAX_DEPTH = 32;
/**
 * More fields (keys and list items, at any depth) than any body or query of this API has. Refused
 * before validation, whose cost grows faster than the number of unknown fields.
 */
export const MAX_FIELDS = 64;

/** The global ValidationPipe, after a check of a body's or query's size that costs at most MAX_FIELDS steps. */
export class AppValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const where = metadata.type === 'body' ? 'request body' : 'query string';
      const shape = measure(value);
      if (shape === 'too-deep')
        throw new BadRequestException(`${where} is nested more than ${MAX_DEPTH} levels deep`);
      if (shape === 'too-many') throw new BadRequestException(`${where} has more than ${MAX_FIELDS} fields`);
    }
    return super.transform(value, metadata);
  }
}

/** Walks `value` iteratively (any depth is safe), stopping at the first limit it passes. */
export function measure(value: unknown): 'ok' | 'too-deep' | 'too-many' {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  let fields = 0;
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth >= MAX_DEPTH) return 'too-deep';
    for (const key in next.value) {
      if (!Object.hasOwn(next.value, key)) continue;
      if (++fields > MAX_FIELDS) return 'too-many';
      pending.push({ value: (next.value as Record<string, unknown>)[key], depth: next.depth + 1 });
    }
  }
  return 'ok';
}
