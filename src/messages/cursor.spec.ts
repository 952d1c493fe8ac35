import { randomUUID } from 'node:crypto';
import { decodeCursor, encodeCursor, isMessageId } from './cursor.js';

function raw(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

describe('page cursor', () => {
  it('round-trips created_at and id', () => {
    const cursor = { createdAt: 1763712000123, id: randomUUID() };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it('is URL-safe', () => {
    expect(encodeCursor({ createdAt: 1763712000123, id: randomUUID() })).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['empty', ''],
    ['not base64', '!!!'],
    ['plain text', 'hello'],
    ['no id', raw('1763712000123.')],
    ['no time', raw(`.${randomUUID()}`)],
    ['negative time', raw(`-1.${randomUUID()}`)],
    ['fractional time', raw(`1.5.${randomUUID()}`)],
    ['an absurd time', raw(`1234567890123456.${randomUUID()}`)],
    ['an id that is not a uuid', raw('1763712000123.abc')],
    ['SQL in the id', raw("1763712000123.' OR 1=1 --")],
    ['an uppercase uuid', raw(`1763712000123.${randomUUID().toUpperCase()}`)],
  ])('refuses a cursor that is %s', (_name, value) => {
    expect(decodeCursor(value)).toBeUndefined();
  });

  it('refuses a tampered cursor', () => {
    const cursor = encodeCursor({ createdAt: 1763712000123, id: randomUUID() });
    const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
    expect(decodeCursor(raw(`${decoded}x`))).toBeUndefined();
    expect(decodeCursor(raw(decoded.replace('.', ':')))).toBeUndefined();
  });
});

describe('isMessageId', () => {
  it('accepts a v4 uuid and refuses anything else', () => {
    expect(isMessageId(randomUUID())).toBe(true);
    expect(isMessageId('not-an-id')).toBe(false);
    expect(isMessageId(`${randomUUID()}x`)).toBe(false);
    expect(isMessageId('')).toBe(false);
  });
});
