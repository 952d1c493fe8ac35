import { BadRequestException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../database/data-source-options.js';
import { MessageEntity } from './message.entity.js';
import type { Message } from './message.js';
import type { StepUpService } from '../auth/step-up.service.js';
import type { AuditLogger } from '../logging/audit.logger.js';
import { MessagesService, type PageRequest } from './messages.service.js';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';

/** Every page from the first to the last, following nextCursor. */
async function walk(service: MessagesService, request: PageRequest): Promise<Message[][]> {
  const pages: Message[][] = [];
  let cursor: string | undefined;
  do {
    const page = await service.page({ ...request, cursor });
    pages.push(page.messages);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return pages;
}

describe('MessagesService pages', () => {
  let dataSource: DataSource;
  let service: MessagesService;
  const expected: MessageEntity[] = [];

  beforeAll(async () => {
    dataSource = await new DataSource(dataSourceOptions({ type: 'sqlite', path: ':memory:' })).initialize();
    const repository = dataSource.getRepository(MessageEntity);
    // Runs of equal timestamps, so ordering and cursors must fall back on the id.
    for (let i = 0; i < 23; i += 1) {
      const author = i % 3 === 0 ? BOB : ALICE;
      const entity = repository.create({
        id: `0000000${i % 10}-0000-4000-8000-${String(i).padStart(12, '0')}`,
        site: 'default',
        author,
        text: `message ${i}`,
        createdAt: 1_700_000_000_000 + Math.floor(i / 4),
      });
      await repository.insert(entity);
      expected.push(entity);
    }
    // The same authors on another site, interleaved in time: never on a page of this one.
    for (let i = 0; i < 7; i += 1) {
      await repository.insert(
        repository.create({
          id: `1000000${i}-0000-4000-8000-${String(i).padStart(12, '0')}`,
          site: 'other',
          author: i % 2 === 0 ? ALICE : BOB,
          text: `elsewhere ${i}`,
          createdAt: 1_700_000_000_000 + i,
        }),
      );
    }
    expected.sort((x, y) => y.createdAt - x.createdAt || (x.id < y.id ? 1 : -1));
    // Reading pages never writes an audit event.
    const noAudit = {} as AuditLogger;
    service = new MessagesService(repository, noAudit, {} as StepUpService);
  });

  afterAll(() => dataSource.destroy());

  it.each([
    ['the caller', ALICE],
    ['every author', undefined],
  ])(
    'returns every message of %s on the site once, newest first, across pages with equal timestamps',
    async (_, author) => {
      const pages = await walk(service, { site: 'default', limit: 4, author });
      const ids = pages.flat().map((message) => message.id);
      const want = expected
        .filter((entity) => author === undefined || entity.author === author)
        .map((e) => e.id);
      expect(ids).toEqual(want);
      expect(pages.slice(0, -1).every((page) => page.length === 4)).toBe(true);
    },
  );

  it('maps rows to the contract shape', async () => {
    const { messages } = await service.page({ site: 'default', limit: 1, author: ALICE });
    const newest = expected.find((entity) => entity.author === ALICE)!;
    expect(messages).toEqual([
      { id: newest.id, text: newest.text, date: new Date(newest.createdAt).toISOString(), author: ALICE },
    ]);
  });

  it('refuses a cursor this API did not issue', async () => {
    await expect(
      service.page({ site: 'default', limit: 5, author: ALICE, cursor: 'bm90LWEtY3Vyc29y' }),
    ).rejects.toThrow(BadRequestException);
  });
});
