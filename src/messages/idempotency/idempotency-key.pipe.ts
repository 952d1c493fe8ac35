import {
  BadRequestException,
  createParamDecorator,
  Injectable,
  type ExecutionContext,
  type PipeTransform,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** 1 to 255 visible ASCII characters (draft-ietf-httpapi-idempotency-key-header leaves the syntax to the API). */
const VISIBLE_ASCII = /^[\x21-\x7e]{1,255}$/;

/** Validates an optional `Idempotency-Key` header; absent means an ordinary, non-idempotent POST. */
@Injectable()
export class IdempotencyKeyPipe implements PipeTransform<unknown, string | undefined> {
  transform(value: unknown): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value === 'string' && VISIBLE_ASCII.test(value)) return value;
    throw new BadRequestException('Idempotency-Key must be 1 to 255 visible ASCII characters');
  }
}

const HeaderValue = createParamDecorator(
  (name: string, context: ExecutionContext): unknown =>
    context.switchToHttp().getRequest<FastifyRequest>().headers[name],
);

/** The request's `Idempotency-Key`, validated; undefined when it sent none. */
export const IdempotencyKey = (): ParameterDecorator => HeaderValue('idempotency-key', IdempotencyKeyPipe);
