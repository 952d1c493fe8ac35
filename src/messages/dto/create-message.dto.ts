import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, ValidateBy } from 'class-validator';

export const MAX_TEXT_LENGTH = 2000;

/** Length in Unicode code points, so an emoji counts as one character, as a person would count it. */
function TextLength(min: number, max: number): PropertyDecorator {
  return ValidateBy({
    name: 'textLength',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && [...value].length >= min && [...value].length <= max,
      defaultMessage: () => `text must be ${min} to ${max} characters long after trimming`,
    },
  });
}

/** A lone UTF-16 surrogate cannot be stored as UTF-8, so it would not come back as sent. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text every supported database stores and returns unchanged: no NUL (PostgreSQL refuses it), no lone surrogate. */
function StorableText(): PropertyDecorator {
  return ValidateBy({
    name: 'storableText',
    validator: {
      validate: (value: unknown) =>
        typeof value !== 'string' || (!value.includes('\u0000') && !LONE_SURROGATE.test(value)),
      defaultMessage: () => 'text must be valid Unicode without NUL characters',
    },
  });
}

export class CreateMessageDto {
  @ApiProperty({ minLength: 1, maxLength: MAX_TEXT_LENGTH, description: 'Trimmed; length in characters' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString({ message: 'text must be a string' })
  @TextLength(1, MAX_TEXT_LENGTH)
  @StorableText()
  text: string;
}
