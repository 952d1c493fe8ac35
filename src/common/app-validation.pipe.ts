import { BadRequestException, ValidationPipe, type ArgumentMetadata, type Type } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

type Template = Record<string, string | number | boolean | undefined>;

/** Distinct query strings remembered per DTO. A miss costs only the validation it would have saved. */
const MEMO_ENTRIES = 1000;
/** Longer queries are validated every time, which keeps the memo's memory small. */
const MEMO_KEY_CHARS = 512;
/**
 * Deeper JSON bodies are refused before class-transformer, which walks a body recursively and
 * overflows the stack at a few thousand levels (a 4 KB body), which would answer 500.
 */
export const MAX_BODY_DEPTH = 32;

/**
 * The global ValidationPipe, minus most of its per-request cost for query strings, which repeat:
 * `GET /api/messages` and `?limit=10` arrive thousands of times. class-transformer and
 * class-validator take about 20 µs for `?limit=10`, a tenth of the CPU of such a request.
 *
 * The first time a DTO sees a given query it goes through the full transform and validation; when
 * that succeeds with a flat result (only primitive fields), later requests with the same query get
 * a fresh copy of it. Sound because the DTOs' rules are pure functions of their input (no rule
 * here looks anything up), so the same input always validates the same way; and the key is the
 * whole input, taken only when every value is a string or a list of strings (what the query
 * parser produces), for which JSON is one-to-one. A query that fails is never remembered, and
 * bodies are always validated in full.
 */
export class AppValidationPipe extends ValidationPipe {
  /** Per DTO: its memo, or false once a result was not flat (such DTOs are always validated). */
  private readonly memos = new Map<Type, LRUCache<string, Template> | false>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const { metatype } = metadata;
    if (metadata.type === 'body' && nestedDeeperThan(value, MAX_BODY_DEPTH))
      throw new BadRequestException(`request body is nested more than ${MAX_BODY_DEPTH} levels deep`);
    if (metadata.type !== 'query' || !metatype) return super.transform(value, metadata);
    let memo = this.memos.get(metatype);
    if (memo === false) return super.transform(value, metadata);
    const key = memoKey(value);
    if (key === undefined) return super.transform(value, metadata);
    const template = memo?.get(key);
    if (template) return Object.assign(Object.create(metatype.prototype as object) as object, template);
    const result: unknown = await super.transform(value, metadata);
    const flat = flatCopy(result, metatype);
    if (!flat) {
      this.memos.set(metatype, false);
      return result;
    }
    if (!memo) {
      memo = new LRUCache<string, Template>({ max: MEMO_ENTRIES });
      this.memos.set(metatype, memo);
    }
    memo.set(key, flat);
    return result;
  }
}

/** The query as a memo key, or undefined when it is not a plain object of strings (or is too long). */
function memoKey(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (Object.getOwnPropertySymbols(value).length > 0) return undefined;
  const fields = value as Record<string, unknown>;
  // Fastify's parser builds the query on a prototype of its own, empty and without Object's.
  for (const name in fields) {
    if (!Object.hasOwn(fields, name)) return undefined;
    const field = fields[name];
    if (typeof field === 'string') continue;
    if (Array.isArray(field) && field.every((item) => typeof item === 'string')) continue;
    return undefined;
  }
  const key = JSON.stringify(value);
  return key.length <= MEMO_KEY_CHARS ? key : undefined;
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

/** Whether objects or arrays in `value` nest deeper than `limit` levels; iterative, so any depth is safe. */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth >= limit) return true;
    for (const child of Object.values(next.value)) pending.push({ value: child, depth: next.depth + 1 });
  }
  return false;
}
