import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Sees a response once it has been sent: the request log line and the request metrics. */
export type ResponseObserver = (request: FastifyRequest, reply: FastifyReply, elapsedMs: number) => void;

const observers = new WeakMap<FastifyInstance, ResponseObserver>();

/**
 * Fastify runs no hook for what its router answers itself (a malformed URL, an over-long path
 * segment: see `createAdapter`), so `onResponse` never sees those requests. What writes the log
 * line and the metrics from `onResponse` registers here as well, once per Fastify instance (tests
 * run several apps in one process), and the adapter's answer calls it when the response closes.
 */
export function observeRouterAnswers(fastify: FastifyInstance, observer: ResponseObserver): void {
  observers.set(fastify, observer);
}

export function routerAnswerObserver(fastify: FastifyInstance): ResponseObserver | undefined {
  return observers.get(fastify);
}
