import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { observeRouterAnswers } from '../common/router-answers.js';
import { RequestLog } from '../logging/request.log.js';
import { MetricsService } from './metrics.service.js';

/**
 * The one place a finished request is recorded: its log line and its metrics. A Fastify
 * `onResponse` hook, so it sees every response (errors, 404s and preflights included) with its
 * final status and duration; and what the router answers itself, which runs no hook.
 */
@Injectable()
export class RequestCompletionHook implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly log: RequestLog,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onResponse', (request, reply, done) => {
      this.record(request, reply, reply.elapsedTime);
      done();
    });
    observeRouterAnswers(fastify, (request, reply, elapsedMs) => this.record(request, reply, elapsedMs));
  }

  private record(request: FastifyRequest, reply: FastifyReply, elapsedMs: number): void {
    const route = request.routeOptions.url;
    this.metrics.observe(request, reply, route, elapsedMs);
    this.log.write(request, reply, route, elapsedMs);
  }
}
