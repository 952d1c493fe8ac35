import { BadRequestException, type ArgumentMetadata } from '@nestjs/common';
import { IsString } from 'class-validator';
import { AppValidationPipe, MAX_DEPTH, MAX_FIELDS, measure } from './app-validation.pipe.js';

class TextBody {
  @IsString()
  text: string;
}

const options = { whitelist: true, forbidNonWhitelisted: true, transform: true };
const body: ArgumentMetadata = { type: 'body', metatype: TextBody };
const query: ArgumentMetadata = { type: 'query', metatype: TextBody };

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i += 1) value = { a: value };
  return value;
}

describe('AppValidationPipe', () => {
  const pipe = new AppValidationPipe(options);

  it('validates a body of the right shape as the ValidationPipe does', async () => {
    await expect(pipe.transform({ text: 'hi' }, body)).resolves.toEqual(
      Object.assign(new TextBody(), { text: 'hi' }),
    );
    await expect(pipe.transform({ text: 'hi', extra: 1 }, body)).rejects.toThrow(BadRequestException);
  });

  it('refuses a body with more fields than any body has, before validating it', async () => {
    const many = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`f${i}`, i]));
    await expect(pipe.transform(many, body)).rejects.toThrow(
      `request body has more than ${MAX_FIELDS} fields`,
    );
  });

  it('counts list items and nested fields too', () => {
    expect(measure({ a: Array.from({ length: MAX_FIELDS }, () => 1) })).toBe('too-many');
    expect(measure({ a: Array.from({ length: MAX_FIELDS - 1 }, () => 1) })).toBe('ok');
  });

  it('refuses a query string with too many fields', async () => {
    const many = Object.fromEntries(Array.from({ length: MAX_FIELDS + 1 }, (_, i) => [`q${i}`, 'x']));
    await expect(pipe.transform(many, query)).rejects.toThrow(
      `query string has more than ${MAX_FIELDS} fields`,
    );
  });

  it('refuses a body nested deeper than the limit with a 400, not a stack overflow', async () => {
    await expect(pipe.transform({ text: nested(MAX_DEPTH + 1) }, body)).rejects.toThrow(BadRequestException);
    await expect(pipe.transform(nested(100_000), body)).rejects.toThrow('nested more than');
    expect(measure(nested(MAX_DEPTH))).toBe('ok');
  });

  it('stops walking at the limit, whatever the size of the rest', () => {
    const huge = Array.from({ length: 1_000_000 }, () => ({}));
    expect(measure(huge)).toBe('too-many');
  });
});
