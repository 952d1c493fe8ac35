import { BadRequestException, type ArgumentMetadata } from '@nestjs/common';
import { IsString } from 'class-validator';
import { ListMessagesQuery } from '../messages/dto/list-messages.query.js';
import { AppValidationPipe } from './app-validation.pipe.js';

class RequiredQuery {
  @IsString()
  author: string;
}

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
