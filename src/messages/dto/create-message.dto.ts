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

export class CreateMessageDto {
  @ApiProperty({ minLength: 1, maxLength: MAX_TEXT_LENGTH, description: 'Trimmed; length in characters' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString({ message: 'text must be a string' })
  @TextLength(1, MAX_TEXT_LENGTH)
  text: string;
}
