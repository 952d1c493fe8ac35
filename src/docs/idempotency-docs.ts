import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import { ErrorModel } from './api-models.js';

const example = (status: number, error: string, message: string) => ({ statusCode: status, error, message });

/** `Idempotency-Key` on a POST (draft-ietf-httpapi-idempotency-key-header): the header and its answers. */
export function ApiIdempotencyKey(): MethodDecorator {
  return applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Makes a retry safe: the same key from the same caller with the same body within 24 hours answers the ' +
        'original 201 again (with `Idempotent-Replayed: true`) and writes nothing. Use a fresh UUID per message.',
      schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]+$' },
    }),
    ApiResponse({
      status: 409,
      type: ErrorModel,
      description:
        'A request with the same `Idempotency-Key` is still in progress (`Retry-After` is set), or the message it wrote has since been deleted',
      headers: {
        'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'string' } },
      },
      example: example(
        409,
        'Conflict',
        'a request with this Idempotency-Key is still in progress; try again shortly',
      ),
    }),
    ApiResponse({
      status: 422,
      type: ErrorModel,
      description: 'The `Idempotency-Key` was already used with a different body',
      example: example(
        422,
        'Unprocessable Entity',
        'this Idempotency-Key was already used with a different body',
      ),
    }),
  );
}
