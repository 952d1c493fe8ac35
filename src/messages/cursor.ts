/** Opaque page cursor: the (created_at, id) of the last message on the page, so ties on time stay ordered. */
export interface Cursor {
  createdAt: number;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.createdAt}.${cursor.id}`, 'utf8').toString('base64url');
}

/** The cursor, or undefined when it is not one this API issued. */
export function decodeCursor(value: string): Cursor | undefined {
  const decoded = Buffer.from(value, 'base64url').toString('utf8');
  const match = /^(\d{1,15})\.(.+)$/.exec(decoded);
  if (!match || !UUID.test(match[2])) return undefined;
  return { createdAt: Number(match[1]), id: match[2] };
}

export function isMessageId(value: string): boolean {
  return UUID.test(value);
}
