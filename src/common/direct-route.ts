import { ForbiddenException, type CanActivate, type RequestMethod, type Type } from '@nestjs/common';
import { HOST_METADATA, METHOD_METADATA, RouteParamtypes } from '@nestjs/common/internal';
import { MetadataScanner } from '@nestjs/core';
import { FORBIDDEN_MESSAGE } from '@nestjs/core/guards/constants.js';
import { GuardsConsumer } from '@nestjs/core/guards/guards-consumer.js';
import { GuardsContextCreator } from '@nestjs/core/guards/guards-context-creator.js';
import { ContextUtils } from '@nestjs/core/helpers/context-utils.js';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { NestContainer } from '@nestjs/core/injector/container.js';
import { InterceptorsConsumer } from '@nestjs/core/interceptors/interceptors-consumer.js';
import { InterceptorsContextCreator } from '@nestjs/core/interceptors/interceptors-context-creator.js';
import { PipesConsumer } from '@nestjs/core/pipes/pipes-consumer.js';
import { PipesContextCreator } from '@nestjs/core/pipes/pipes-context-creator.js';
import { RouteParamsFactory } from '@nestjs/core/router/route-params-factory.js';
import { RouterExceptionFilters } from '@nestjs/core/router/router-exception-filters.js';
import { RouterExecutionContext } from '@nestjs/core/router/router-execution-context.js';
import type { RouterProxyCallback } from '@nestjs/core/router/router-proxy.js';
import { isStreamingBody } from '@nestjs/core/router/streaming-body.js';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { isObservable, lastValueFrom } from 'rxjs';

const DIRECT_ROUTE = 'app:direct-route';

interface DirectRouteTarget {
  controller: Type;
  methodName: string;
}

/**
 * Serves the route from the handler Fastify calls, without the chain of async layers Nest's router
 * puts around every handler (router proxy, guards consumer, interceptors consumer, response
 * controller): on `GET /api/messages` that chain was about a fifth of a request's CPU (README,
 * "Performance"). Everything that decides the answer is still Nest's, resolved for the method by
 * Nest's own context creators, so global, controller and method ones alike: the guards in Nest's
 * order, the pipes, the parameter decorators, `@HttpCode()` and the exception filters. Nest still
 * registers the route (path, prefix, OpenAPI document); `serveDirectRoutes` only swaps its handler.
 *
 * The route may use nothing that this handler does not run: interceptors, `@Res()`, `@Next()`,
 * `@Header()`, `@Redirect()`, `@Render()`, `@Sse()`, a host filter or a request-scoped controller
 * stop the start-up rather than being skipped, and an answer that is a stream (which Nest streams
 * itself) is a 500.
 */
export function DirectRoute(): MethodDecorator {
  return (prototype, methodName, descriptor) => {
    const target: DirectRouteTarget = {
      controller: prototype.constructor as Type,
      methodName: String(methodName),
    };
    Reflect.defineMetadata(DIRECT_ROUTE, target, descriptor.value as object);
  };
}

/** A controller method, as Nest's router and this handler call it. */
type Method = RouterProxyCallback & ((...args: unknown[]) => unknown);

/** Whether the method is marked `@DirectRoute()`: `serveDirectRoutes` serves it so, or the start fails. */
export function isDirectRoute(method: unknown): boolean {
  return typeof method === 'function' && Reflect.hasMetadata(DIRECT_ROUTE, method);
}

type RouteHandler = (request: FastifyRequest, reply: FastifyReply) => void;

/**
 * Call before `app.init()`: routes marked `@DirectRoute()` are served as Nest registers them. A
 * marked route that could not be is an error when the server gets ready, never a silent fallback.
 */
export function serveDirectRoutes(app: NestFastifyApplication): void {
  const container = nestContainer(app);
  const config = container.applicationConfig;
  if (!config) throw new Error('@DirectRoute(): the application has no configuration');
  const httpAdapter = container.getHttpAdapterRef();
  const guards = new GuardsContextCreator(container, config);
  const pipes = new PipesContextCreator(container, config);
  const interceptors = new InterceptorsContextCreator(container, config);
  const filters = new RouterExceptionFilters(container, config, httpAdapter);
  // Built as Nest's router builds its own, for the metadata, parameter and pipe functions it shares.
  const execution = new RouterExecutionContext(
    new RouteParamsFactory(config),
    pipes,
    new PipesConsumer(),
    guards,
    new GuardsConsumer(),
    interceptors,
    new InterceptorsConsumer(),
    httpAdapter,
  );
  const served = new Set<Method>();

  const createHandler = ({ controller, methodName }: DirectRouteTarget): RouteHandler => {
    const where = `@DirectRoute() on ${controller.name}.${methodName}`;
    if (httpAdapter.getOnRouteTriggered())
      throw new Error(`${where}: the adapter wraps its routes' handlers`);
    const { moduleKey, instance } = findController(container, controller, where);
    const callback = instance[methodName] as Method;
    // Nest's, not the route's: Fastify adds a HEAD route with the GET route's handler.
    const requestMethod = Reflect.getMetadata(METHOD_METADATA, callback) as RequestMethod;
    const metadata = execution.getMetadata(instance, callback, methodName, moduleKey, requestMethod, 'http');
    const params = new ContextUtils().mergeParamsMetatypes(
      metadata.getParamsMetadata(moduleKey),
      metadata.paramtypes,
    );
    const refused = [
      interceptors.create(instance, callback, moduleKey).length > 0 && 'interceptors',
      params.some(({ type }) => type === RouteParamtypes.RESPONSE || type === RouteParamtypes.NEXT) &&
        '@Res() or @Next()',
      metadata.hasCustomHeaders && '@Header()',
      execution.reflectRedirect(callback) && '@Redirect()',
      execution.reflectRenderTemplate(callback) && '@Render()',
      metadata.isSseHandler && '@Sse()',
      Reflect.getMetadata(HOST_METADATA, controller) !== undefined && 'a host filter',
    ].filter(Boolean);
    if (refused.length > 0)
      throw new Error(`${where}: the route uses ${refused.join(', ')}, which it would skip`);
    served.add(callback);
    const handler = directHandler({
      controller,
      instance,
      handler: callback,
      argsLength: metadata.argsLength,
      statusCode: metadata.httpStatusCode,
      guards: guards.create(instance, callback, moduleKey),
      applyPipes: execution.createPipesFn(
        pipes.create(instance, callback, moduleKey),
        params,
      ) as DirectHandlerParts['applyPipes'],
      exceptions: filters.create(instance, callback, moduleKey),
      reply: (response, body, status) => {
        httpAdapter.reply(response, body, status);
      },
      status: (response, status) => {
        httpAdapter.status(response, status);
      },
    });
    return Object.defineProperty(handler, 'name', { value: `direct ${controller.name}.${methodName}` });
  };

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const target = Reflect.getMetadata(DIRECT_ROUTE, route.handler) as DirectRouteTarget | undefined;
    if (target) route.handler = createHandler(target);
  });
  // Nest's adapter wraps the handler of a path with parameters, which hides the mark from the hook.
  fastify.addHook('onReady', (done) => {
    const missed = markedMethods(container).filter(({ method }) => !served.has(method));
    done(
      missed.length === 0
        ? undefined
        : new Error(`@DirectRoute() on ${missed.map(({ name }) => name).join(', ')}: not served directly`),
    );
  });
}

/** Every method of the application's controllers marked `@DirectRoute()`. */
function markedMethods(container: NestContainer): { name: string; method: Method }[] {
  const scanner = new MetadataScanner();
  return [...container.getModules().values()].flatMap((moduleRef) =>
    [...moduleRef.controllers.values()].flatMap(({ instance }) => {
      if (!instance) return [];
      const prototype = Object.getPrototypeOf(instance) as Record<string, Method>;
      return scanner
        .getAllMethodNames(prototype)
        .filter((methodName) => isDirectRoute(prototype[methodName]))
        .map((methodName) => ({
          name: `${prototype.constructor.name}.${methodName}`,
          method: (instance as Record<string, Method>)[methodName],
        }));
    }),
  );
}

interface DirectHandlerParts {
  controller: Type;
  instance: object;
  /** The method, as guards and decorators see it (`context.getHandler()`). */
  handler: Method;
  argsLength: number;
  statusCode: number;
  guards: CanActivate[];
  /** Sets the handler's arguments: extracted, then through their pipes. */
  applyPipes:
    ((args: unknown[], request: FastifyRequest, reply: FastifyReply) => Promise<unknown> | undefined) | null;
  exceptions: { next(error: unknown, host: ExecutionContextHost): void };
  /** The adapter's, as Nest's response controller calls them. */
  reply(response: FastifyReply, body: unknown, statusCode: number): void;
  status(response: FastifyReply, statusCode: number): void;
}

/**
 * The steps of Nest's `RouterExecutionContext.create` for a route without interceptors, in its order.
 *
 * Returns nothing to Fastify, so Fastify waits for nothing: the answer is sent by `reply.send`, from
 * the exception filters on error. (An async handler would have to return `reply`, whose `then`
 * waits for the response to be written: with writes held to the end of the turn, a promise of
 * nothing settles first, and Fastify would send a second, empty answer.)
 */
function directHandler(parts: DirectHandlerParts): RouteHandler {
  return (request, reply) => {
    // A filter that throws is left to Fastify's error handler, as the rejection of Nest's handler is.
    serve(parts, request, reply).catch((error: unknown) => reply.send(error));
  };
}

async function serve(parts: DirectHandlerParts, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const { controller, instance, handler, argsLength, statusCode, guards, applyPipes } = parts;
  const args = [request, reply, undefined];
  try {
    if (guards.length > 0) {
      const context = new ExecutionContextHost(args, controller, handler);
      context.setType('http');
      for (const guard of guards) {
        // Awaited only when a guard answers with a promise or an Observable, as Nest's consumer does.
        let allowed: unknown = guard.canActivate(context);
        if (typeof allowed !== 'boolean') {
          allowed = await allowed;
          if (isObservable(allowed)) allowed = await lastValueFrom(allowed);
        }
        if (!allowed) throw new ForbiddenException(FORBIDDEN_MESSAGE);
      }
    }
    parts.status(reply, statusCode);
    const handlerArgs: unknown[] = new Array(argsLength).fill(undefined);
    const pending = applyPipes?.(handlerArgs, request, reply);
    if (pending) await pending;
    let result: unknown = handler.apply(instance, handlerArgs);
    if (isThenable(result)) result = await result;
    if (isObservable(result)) result = await lastValueFrom(result);
    // Nest streams these itself (backpressure, a client that goes away); not done here.
    if (isStreamingBody(result)) throw new Error('@DirectRoute(): the route answered with a stream');
    parts.reply(reply, result, statusCode);
  } catch (error) {
    parts.exceptions.next(error, new ExecutionContextHost(args));
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

/** The container Nest's own router reads; not part of the application's public interface. */
function nestContainer(app: NestFastifyApplication): NestContainer {
  const { container } = app as unknown as { container?: unknown };
  if (!(container instanceof NestContainer))
    throw new Error('@DirectRoute(): cannot reach the Nest container');
  return container;
}

function findController(
  container: NestContainer,
  controller: Type,
  where: string,
): { moduleKey: string; instance: Record<string, unknown> } {
  const found = [...container.getModules()].flatMap(([moduleKey, moduleRef]) => {
    const wrapper = moduleRef.controllers.get(controller);
    return wrapper ? [{ moduleKey, wrapper }] : [];
  });
  if (found.length !== 1) throw new Error(`${where}: the controller is in ${found.length} modules, not one`);
  const [{ moduleKey, wrapper }] = found;
  if (!wrapper.isDependencyTreeStatic()) throw new Error(`${where}: the controller is request-scoped`);
  return { moduleKey, instance: wrapper.instance as Record<string, unknown> };
}
