import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { requestIdFrom } from './request-id.js';

/**
 * Fastify's request id becomes the caller's `X-Request-Id` (when safe) or a UUID; the request log
 * line and the audit events read it from the request, and every response echoes it.
 */
@Injectable()
export class RequestIdHooks implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.setGenReqId((raw) => requestIdFrom(raw.headers['x-request-id']));
    // onSend: every answer carries it, those a hook sends before routing (a 429, a bad OPTIONS) included.
    fastify.addHook('onSend', (request, reply, payload, done) => {
      void reply.header('x-request-id', request.id);
      done(null, payload);
    });
  }
}
