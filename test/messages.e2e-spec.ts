import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { MessageEntity } from '../src/messages/message.entity.js';
import { startOktaTestEnv, type OktaTestEnv } from './fixtures/okta-test-env.js';

interface Message {
  id: string;
  text: string;
  date: string;
  author: string;
}
interface Page {
  messages: Message[];
  nextCursor: string | null;
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('messages (own)', () => {
  let env: OktaTestEnv;
  const as = (sub: string) => `Bearer ${env.token({ claims: { sub } })}`;

  beforeAll(async () => {
    env = await startOktaTestEnv();
  });
  afterAll(async () => {
    await env.close();
  });

  const post = (sub: string, body: unknown) =>
    request(env.api.server)
      .post('/api/messages')
      .set('Authorization', as(sub))
      .send(body as object);
  const list = (sub: string, query: Record<string, string | number> = {}) =>
    request(env.api.server).get('/api/messages').query(query).set('Authorization', as(sub));

  /** Every message of a listing, following nextCursor to the end. */
  async function allPages(sub: string, limit: number): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await list(sub, cursor ? { limit, cursor } : { limit }).expect(200);
      const page = response.body as Page;
      expect(page.messages.length).toBeLessThanOrEqual(limit);
      ids.push(...page.messages.map((message) => message.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 1000);
    return { ids, pages };
  }

  describe('POST /api/messages', () => {
    it('answers 201 with the Message and its Location', async () => {
      const before = Date.now();
      const response = await post('writer@example.com', { text: 'hello' }).expect(201);
      const message = response.body as Message;
      expect(Object.keys(message).sort()).toEqual(['author', 'date', 'id', 'text']);
      expect(message.text).toBe('hello');
      expect(message.author).toBe('writer@example.com');
      expect(message.date).toMatch(ISO_8601);
      expect(Date.parse(message.date)).toBeGreaterThanOrEqual(before - 1000);
      expect(response.headers.location).toBe(`/api/messages/${message.id}`);
      await request(env.api.server)
        .get(response.headers.location)
        .set('Authorization', as('writer@example.com'))
        .expect(200);
    });

    it('stores and finds messages of a caller whose sub is longer than 255 characters', async () => {
      const sub = `${'u'.repeat(300)}@example.com`;
      const created = (await post(sub, { text: 'long sub' }).expect(201)).body as Message;
      expect(created.author).toBe(sub);
      const page = (await list(sub).expect(200)).body as Page;
      expect(page.messages.map((message) => message.id)).toEqual([created.id]);
    });

    it('trims the text', async () => {
      const response = await post('trim@example.com', { text: '  \n hello \t ' }).expect(201);
      expect((response.body as Message).text).toBe('hello');
    });

    it.each([
      ['unicode', 'Grüße, 你好, Привет, مرحبا'],
      ['emoji', '👩‍👩‍👧 🎉 🇫🇷'],
      ['markup', '<script>alert("x")</script><b>&amp;</b>'],
      ['quotes and backslashes', `it's "quoted" \\ and \`back\``],
      ['newlines inside', 'line one\nline two\r\n\tline three'],
    ])('stores %s exactly as sent', async (_name, text) => {
      const created = (await post('roundtrip@example.com', { text }).expect(201)).body as Message;
      expect(created.text).toBe(text);
      const read = await request(env.api.server)
        .get(`/api/messages/${created.id}`)
        .set('Authorization', as('roundtrip@example.com'))
        .expect(200);
      expect((read.body as Message).text).toBe(text);
    });

    it('accepts 2000 characters, counting an emoji as one', async () => {
      await post('long@example.com', { text: '😀'.repeat(2000) }).expect(201);
      await post('long@example.com', { text: ` ${'a'.repeat(2000)} ` }).expect(201);
    });

    it.each([
      ['2001 characters', { text: 'a'.repeat(2001) }, 'text'],
      ['2001 emoji', { text: '😀'.repeat(2001) }, 'text'],
      ['empty text', { text: '' }, 'text'],
      ['whitespace only', { text: ' \n\t ' }, 'text'],
      ['a number', { text: 42 }, 'text'],
      ['null', { text: null }, 'text'],
      ['an array', { text: ['hi'] }, 'text'],
      ['an object', { text: { value: 'hi' } }, 'text'],
      ['no text', {}, 'text'],
      ['an unknown field', { text: 'hi', author: 'mallory' }, 'author'],
      ['a NUL character (PostgreSQL cannot store it)', { text: 'a\u0000b' }, 'text'],
      ['a lone surrogate (it would not come back as sent)', { text: '\ud800x' }, 'text'],
    ])('refuses %s with 400 naming the field', async (_name, body, field) => {
      const response = await post('invalid@example.com', body).expect(400);
      expect(response.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
      expect(response.body.message).toContain(field);
      expect(response.headers['www-authenticate']).toBeUndefined();
    });

    it('names each bad field at once', async () => {
      const response = await post('invalid@example.com', { text: '', author: 'x', date: 'y' }).expect(400);
      for (const field of ['text', 'author', 'date']) expect(response.body.message).toContain(field);
    });

    it.each([
      ['no body', (r: request.Test) => r],
      ['invalid JSON', (r: request.Test) => r.set('Content-Type', 'application/json').send('{"text": ')],
      ['a JSON string', (r: request.Test) => r.set('Content-Type', 'application/json').send('"hello"')],
      ['text/plain', (r: request.Test) => r.set('Content-Type', 'text/plain').send('hello')],
      ['XML', (r: request.Test) => r.set('Content-Type', 'application/xml').send('<text>hi</text>')],
    ])('answers %s with a 4xx in the error shape', async (_name, send) => {
      const response = await send(
        request(env.api.server).post('/api/messages').set('Authorization', as('invalid@example.com')),
      );
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.body).toEqual({
        statusCode: response.status,
        error: expect.any(String),
        message: expect.any(String),
      });
      expect(JSON.stringify(response.body)).not.toMatch(/stack|at \w+ \(/);
    });

    it('refuses a body over 1 MiB with 413, and one of a type it does not read with 415, before the token', async () => {
      const large = await request(env.api.server)
        .post('/api/messages')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ text: 'a'.repeat(1024 * 1024) }))
        .expect(413);
      expect(large.body).toEqual({
        statusCode: 413,
        error: 'Payload Too Large',
        message: expect.any(String),
      });
      const xml = await request(env.api.server)
        .post('/api/messages')
        .set('Content-Type', 'application/xml')
        .send('<text>hi</text>')
        .expect(415);
      expect(xml.body).toEqual({
        statusCode: 415,
        error: 'Unsupported Media Type',
        message: expect.any(String),
      });
      expect(xml.headers['www-authenticate']).toBeUndefined();
    });

    it('validates the fields of a form body like those of JSON', async () => {
      const postForm = (body: string) =>
        request(env.api.server)
          .post('/api/messages')
          .set('Authorization', as('form@example.com'))
          .type('form')
          .send(body);
      expect((await postForm('text=from+a+form').expect(201)).body).toMatchObject({ text: 'from a form' });
      expect((await postForm('text=hi&author=x').expect(400)).body.message).toContain('author');
    });

    it('does not store a refused message', async () => {
      await post('refused@example.com', { text: '' }).expect(400);
      expect(((await list('refused@example.com').expect(200)).body as Page).messages).toEqual([]);
    });
  });

  describe('GET /api/messages', () => {
    it('lists only the caller’s own messages, newest first', async () => {
      for (const text of ['first', 'second', 'third']) {
        await post('lister@example.com', { text }).expect(201);
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
      await post('someone-else@example.com', { text: 'not yours' }).expect(201);
      const page = (await list('lister@example.com').expect(200)).body as Page;
      expect(page.messages.map((message) => message.text)).toEqual(['third', 'second', 'first']);
      expect(page.messages.every((message) => message.author === 'lister@example.com')).toBe(true);
      expect(page.nextCursor).toBeNull();
    });

    it('answers an empty page to a caller with no messages', async () => {
      expect((await list('nobody@example.com').expect(200)).body).toEqual({ messages: [], nextCursor: null });
    });

    it('returns 20 messages by default and up to 100 on request', async () => {
      await Promise.all(
        Array.from({ length: 105 }, (_, i) => post('many@example.com', { text: `m${i}` }).expect(201)),
      );
      const first = (await list('many@example.com').expect(200)).body as Page;
      expect(first.messages).toHaveLength(20);
      expect(first.nextCursor).toEqual(expect.any(String));
      expect(
        ((await list('many@example.com', { limit: 100 }).expect(200)).body as Page).messages,
      ).toHaveLength(100);
      expect(((await list('many@example.com', { limit: 1 }).expect(200)).body as Page).messages).toHaveLength(
        1,
      );
    });

    it.each([['0'], ['101'], ['-1'], ['abc'], ['1.5'], [''], ['0x10'], ['1e1'], [' 5']])(
      'refuses limit=%s naming limit',
      async (limit) => {
        const response = await list('many@example.com', { limit }).expect(400);
        expect(response.body.message).toContain('limit');
      },
    );

    it('pages through every message exactly once when many share a timestamp', async () => {
      const author = 'same-time@example.com';
      const createdAt = Date.now() - 60_000;
      const site = 'default';
      const rows = Array.from({ length: 57 }, (_, i) => ({
        id: randomUUID(),
        site,
        author,
        text: `tie ${i}`,
        createdAt,
      }));
      rows.push({ id: randomUUID(), site, author, text: 'newer', createdAt: createdAt + 1 });
      rows.push({ id: randomUUID(), site, author, text: 'older', createdAt: createdAt - 1 });
      await env.api.app.get(DataSource).getRepository(MessageEntity).insert(rows);

      for (const limit of [1, 7, 20, 100]) {
        const { ids, pages } = await allPages(author, limit);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.sort()).toEqual(rows.map((row) => row.id).sort());
        expect(pages).toBe(Math.max(1, Math.ceil(rows.length / limit)));
      }
      const first = ((await list(author, { limit: 100 }).expect(200)).body as Page).messages;
      expect(first[0].text).toBe('newer');
      expect(first.at(-1)!.text).toBe('older');
    });

    it('does not let a cursor reach another author’s messages', async () => {
      const page = (await list('many@example.com', { limit: 5 }).expect(200)).body as Page;
      const next = (await list('lister@example.com', { cursor: page.nextCursor! }).expect(200)).body as Page;
      expect(next.messages.every((message) => message.author === 'lister@example.com')).toBe(true);
    });

    it.each([['junk'], ['!!!'], [Buffer.from('1.not-a-uuid').toString('base64url')], ['a'.repeat(201)]])(
      'refuses the cursor %s with 400',
      async (cursor) => {
        const response = await list('lister@example.com', { cursor }).expect(400);
        expect(response.body.message).toContain('cursor');
      },
    );

    it('refuses an unknown query parameter', async () => {
      const response = await list('lister@example.com', { author: 'someone-else@example.com' }).expect(400);
      expect(response.body.message).toContain('author');
    });
  });

  describe('GET and DELETE /api/messages/:id', () => {
    it('shows the writer their message and hides it from others as 404', async () => {
      const message = (await post('owner@example.com', { text: 'mine' }).expect(201)).body as Message;
      const read = await request(env.api.server)
        .get(`/api/messages/${message.id}`)
        .set('Authorization', as('owner@example.com'))
        .expect(200);
      expect(read.body).toEqual(message);
      await request(env.api.server)
        .get(`/api/messages/${message.id}`)
        .set('Authorization', as('other@example.com'))
        .expect(404);
    });

    it.each([['not-a-uuid'], [randomUUID()], ['1%20OR%201=1']])('answers 404 for the id %s', async (id) => {
      const response = await request(env.api.server)
        .get(`/api/messages/${id}`)
        .set('Authorization', as('owner@example.com'));
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ statusCode: 404, error: 'Not Found', message: expect.any(String) });
    });

    it('deletes the writer’s message with 204, then answers 404', async () => {
      const message = (await post('owner@example.com', { text: 'bye' }).expect(201)).body as Message;
      const url = `/api/messages/${message.id}`;
      const response = await request(env.api.server)
        .delete(url)
        .set('Authorization', as('owner@example.com'))
        .expect(204);
      expect(response.text).toBe('');
      await request(env.api.server).get(url).set('Authorization', as('owner@example.com')).expect(404);
      await request(env.api.server).delete(url).set('Authorization', as('owner@example.com')).expect(404);
    });

    it('answers 404 to another user’s delete and keeps the message', async () => {
      const message = (await post('owner@example.com', { text: 'keep me' }).expect(201)).body as Message;
      const url = `/api/messages/${message.id}`;
      await request(env.api.server).delete(url).set('Authorization', as('other@example.com')).expect(404);
      await request(env.api.server).get(url).set('Authorization', as('owner@example.com')).expect(200);
    });
  });
});
