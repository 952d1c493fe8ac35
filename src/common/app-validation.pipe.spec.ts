import { BadRequestException, type ArgumentMetadata } from '@nestjs/common';
import { IsOptional, IsString, ValidateBy } from 'class-validator';
import { encodeCursor } from '../messages/cursor.js';
import { ListMessagesQuery } from '../messages/dto/list-messages.query.js';
import { AppValidationPipe } from './app-validation.pipe.js';

class RequiredQuery {
  @IsString()
  author: string;
}

let validations = 0;

class CountedQuery {
  @IsOptional()
  @ValidateBy({
    name: 'counted',
    validator: {
      validate: () => {
        validations += 1;
        return true;
      },
    },
  })
  limit?: string;
}

/** A query as Fastify's parser (fast-querystring) builds it: on an empty prototype without Object's. */
const parsed = (fields: Record<string, string>): object =>
  Object.assign(Object.create(Object.create(null) as object) as object, fields);

const options = { whitelist: true, forbidNonWhitelisted: true, transform: true };
const query = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'query', metatype });

describe('AppValidationPipe', () => {
  it('gives every empty query a fresh DTO instance equal to what full validation produces', async () => {
    const pipe = new AppValidationPipe(options);
    const first = await pipe.transform({}, query(ListMessagesQuery));
    const second = await pipe.transform({}, query(ListMessagesQuery));
    const third = await pipe.transform(Object.create(null), query(ListMessagesQuery));
    expect(first).toBeInstanceOf(ListMessagesQuery);
    expect(second).toBeInstanceOf(ListMessagesQuery);
    expect(second).toEqual(first);
    expect(third).toEqual(first);
    expect(second).not.toBe(first);
  });

  it('still validates every query that has parameters, after empty ones were served from the copy', async () => {
    const pipe = new AppValidationPipe(options);
    await pipe.transform({}, query(ListMessagesQuery));
    await pipe.transform({}, query(ListMessagesQuery));
    await expect(pipe.transform({ limit: '0' }, query(ListMessagesQuery))).rejects.toThrow(
      BadRequestException,
    );
    await expect(pipe.transform({ other: 'x' }, query(ListMessagesQuery))).rejects.toThrow(
      BadRequestException,
    );
    await expect(pipe.transform({ limit: '5' }, query(ListMessagesQuery))).resolves.toEqual(
      expect.objectContaining({ limit: 5 }),
    );
  });

  it('gives a repeated query with parameters a fresh DTO instance equal to what full validation produces', async () => {
    const pipe = new AppValidationPipe(options);
    const first = await pipe.transform({ limit: '10' }, query(ListMessagesQuery));
    const second = await pipe.transform({ limit: '10' }, query(ListMessagesQuery));
    expect(second).toBeInstanceOf(ListMessagesQuery);
    expect(second).toEqual(first);
    expect(second).toEqual(expect.objectContaining({ limit: 10 }));
    expect(second).not.toBe(first);
    const cursor = encodeCursor({ createdAt: 1, id: '00000000-0000-4000-8000-000000000000' });
    await expect(pipe.transform({ limit: '10', cursor }, query(ListMessagesQuery))).resolves.toEqual(
      expect.objectContaining({ limit: 10, cursor }),
    );
    await expect(pipe.transform({ limit: '101' }, query(ListMessagesQuery))).rejects.toThrow(
      BadRequestException,
    );
  });

  it("answers a repeated query without validating it again, for queries shaped as Fastify's parser makes them", async () => {
    const pipe = new AppValidationPipe(options);
    validations = 0;
    await pipe.transform(parsed({ limit: '1' }), query(CountedQuery));
    const again = await pipe.transform(parsed({ limit: '1' }), query(CountedQuery));
    expect(validations).toBe(1);
    expect(again).toBeInstanceOf(CountedQuery);
    expect(again).toEqual(expect.objectContaining({ limit: '1' }));
    await pipe.transform(parsed({ limit: '2' }), query(CountedQuery));
    expect(validations).toBe(2);
  });

  it('never remembers a query that failed', async () => {
    const pipe = new AppValidationPipe(options);
    for (let i = 0; i < 3; i += 1) {
      await expect(pipe.transform({ limit: '0' }, query(ListMessagesQuery))).rejects.toThrow(
        BadRequestException,
      );
    }
  });

  it('validates in full a query that is not all strings, even when its JSON matches a remembered one', async () => {
    const pipe = new AppValidationPipe(options);
    await pipe.transform({}, query(ListMessagesQuery));
    // `{"other": undefined}` is `{}` in JSON: were it a key, it would be answered from `{}`.
    await expect(pipe.transform({ other: undefined }, query(ListMessagesQuery))).rejects.toThrow(
      BadRequestException,
    );
    await pipe.transform({ limit: '5' }, query(ListMessagesQuery));
    await expect(pipe.transform({ limit: ['5', '6'] }, query(ListMessagesQuery))).rejects.toThrow(
      BadRequestException,
    );
  });

  it('rejects an empty query every time when the DTO requires a parameter', async () => {
    const pipe = new AppValidationPipe(options);
    for (let i = 0; i < 3; i += 1) {
      await expect(pipe.transform({}, query(RequiredQuery))).rejects.toThrow(BadRequestException);
    }
  });

  it('validates an empty body in full every time', async () => {
    const pipe = new AppValidationPipe(options);
    for (let i = 0; i < 2; i += 1) {
      await expect(pipe.transform({}, { type: 'body', metatype: RequiredQuery })).rejects.toThrow(
        BadRequestException,
      );
    }
  });
});
