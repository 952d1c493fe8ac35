import {
  Controller,
  createParamDecorator,
  Get,
  Header,
  HttpCode,
  Injectable,
  NotFoundException,
  Param,
  Query,
  Redirect,
  Res,
  Scope,
  UnauthorizedException,
  UseFilters,
  UseGuards,
  UseInterceptors,
  ValidationPipe,
  type ArgumentsHost,
  type CallHandler,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
  type NestInterceptor,
  type PipeTransform,
  type Type,
} from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Type as TransformTo } from 'class-transformer';
import { IsInt, IsOptional, Max } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { of, type Observable } from 'rxjs';
import { Readable } from 'node:stream';
import request from 'supertest';
import { DirectRoute, serveDirectRoutes } from './direct-route.js';
import { batchResponseWrites } from './write-batching.js';

/** What the guards and pipes saw, in order, per request (keyed by the x-case header). */
const trail = new Map<string, string[]>();
const note = (request: FastifyRequest, step: string) => {
  const key = String(request.headers['x-case']);
  trail.set(key, [...(trail.get(key) ?? []), step]);
};
/** The name of the handler Fastify ran, by path. */
const handlers = new Map<string, string>();
const requestOf = (context: ExecutionContext) => context.switchToHttp().getRequest<FastifyRequest>();

const Label = Reflector.createDecorator<string>();

/** Registered with APP_GUARD, as this app's guards are; reads the method's own metadata. */
@Injectable()
class GlobalGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}
  canActivate(context: ExecutionContext): boolean {
    note(requestOf(context), `global:${this.reflector.get(Label, context.getHandler())}`);
    return true;
  }
}

/** Answers with an Observable. */
class ClassGuard implements CanActivate {
  canActivate(context: ExecutionContext): Observable<boolean> {
    const request = requestOf(context);
    note(request, `class:${context.getClass().name}`);
    if (request.headers['x-throw']) throw new UnauthorizedException('the class guard says no');
    return of(true);
  }
}

/** Answers with a promise. */
class MethodGuard implements CanActivate {
  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = requestOf(context);
    note(request, 'method');
    await Promise.resolve();
    return !request.headers['x-deny'];
  }
}

class RecordingPipe implements PipeTransform {
  transform(value: unknown, { type }: { type: string }): unknown {
    if (type === 'custom') note((value as { request: FastifyRequest }).request, 'pipe');
    return value;
  }
}

const Caller = createParamDecorator((_data: unknown, context: ExecutionContext) => ({
  request: requestOf(context),
  name: String(requestOf(context).headers['x-who'] ?? 'nobody'),
}));

class ItemsQuery {
  @IsOptional()
  @TransformTo(() => Number)
  @IsInt()
  @Max(100)
  n?: number;
}

class TeapotError extends Error {}

class TeapotFilter implements ExceptionFilter {
  catch(_error: TeapotError, host: ArgumentsHost): void {
    void host.switchToHttp().getResponse<FastifyReply>().code(418).send({ teapot: true });
  }
}

type Caller = { name: string };
const items = (caller: Caller, query: ItemsQuery) =>
  Promise.resolve({ who: caller.name, n: query.n ?? null });

/** Each route twice: as Nest serves it, and marked. The pair must answer alike. */
@Controller()
@UseGuards(ClassGuard)
class TwinController {
  @Get('nest/items')
  @Label('items')
  @HttpCode(203)
  @UseGuards(MethodGuard)
  nestItems(@Caller() caller: Caller, @Query() query: ItemsQuery) {
    return items(caller, query);
  }

  @Get('direct/items')
  @DirectRoute()
  @Label('items')
  @HttpCode(203)
  @UseGuards(MethodGuard)
  directItems(@Caller() caller: Caller, @Query() query: ItemsQuery) {
    return items(caller, query);
  }

  @Get('nest/observable')
  nestObservable() {
    return of({ observed: true });
  }

  @Get('direct/observable')
  @DirectRoute()
  directObservable() {
    return of({ observed: true });
  }

  @Get('nest/teapot')
  @UseFilters(TeapotFilter)
  nestTeapot(): never {
    throw new TeapotError();
  }

  @Get('direct/teapot')
  @DirectRoute()
  @UseFilters(TeapotFilter)
  directTeapot(): never {
    throw new TeapotError();
  }

  @Get('nest/missing')
  nestMissing(): Promise<never> {
    return Promise.reject(new NotFoundException('no such thing'));
  }

  @Get('direct/missing')
  @DirectRoute()
  directMissing(): Promise<never> {
    return Promise.reject(new NotFoundException('no such thing'));
  }

  @Get('direct/stream')
  @DirectRoute()
  directStream() {
    return Readable.from(['a stream']);
  }

  @Get('nest/broken')
  nestBroken(): never {
    throw new Error('a bug');
  }

  @Get('direct/broken')
  @DirectRoute()
  directBroken(): never {
    throw new Error('a bug');
  }
}

async function createApp(
  controller: Type,
  options: { warnings?: string[]; interceptor?: NestInterceptor } = {},
): Promise<NestFastifyApplication> {
  const moduleRef = await Test.createTestingModule({
    controllers: [controller],
    providers: [{ provide: APP_GUARD, useClass: GlobalGuard }],
  }).compile();
  const stream = { write: (line: string) => options.warnings?.push(line) };
  const app = moduleRef.createNestApplication<NestFastifyApplication>(
    new FastifyAdapter({ logger: { level: 'warn', stream } }),
    { logger: false },
  );
  app.useGlobalPipes(new RecordingPipe(), new ValidationPipe({ transform: true }));
  if (options.interceptor) app.useGlobalInterceptors(options.interceptor);
  // The app holds every response to the end of the turn: a handler must not answer twice meanwhile.
  const fastify = app.getHttpAdapter().getInstance();
  batchResponseWrites(fastify);
  fastify.addHook('onResponse', (request, _reply, done) => {
    handlers.set(request.url, request.routeOptions.handler.name);
    done();
  });
  serveDirectRoutes(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe('@DirectRoute()', () => {
  let app: NestFastifyApplication;
  const warnings: string[] = [];

  beforeAll(async () => {
    app = await createApp(TwinController, { warnings });
  });

  afterAll(() => app.close());

  const call = (method: 'GET' | 'HEAD', url: string, headers: Record<string, string>) =>
    request(app.getHttpServer())[method === 'GET' ? 'get' : 'head'](url).set(headers);

  it('is what Fastify calls for a marked route, and only for one', async () => {
    await call('GET', '/direct/items', { 'x-case': 'handler' });
    await call('GET', '/direct/missing', { 'x-case': 'handler' });
    await call('GET', '/nest/items', { 'x-case': 'handler' });
    // Fastify runs the handler bound to its instance: 'bound direct ...'.
    expect(handlers.get('/direct/items')).toMatch(/\bdirect TwinController\.directItems$/);
    expect(handlers.get('/direct/missing')).toMatch(/\bdirect TwinController\.directMissing$/);
    expect(handlers.get('/nest/items')).toMatch(/\bTwinController\.nestItems$/);
    expect(handlers.get('/nest/items')).not.toMatch(/\bdirect /);
  });

  it.each([
    ['a page, through every guard and pipe', 'GET', '/items?n=5', { 'x-who': 'ana' }],
    ['HEAD', 'HEAD', '/items?n=5', {}],
    ['a query the validation pipe refuses', 'GET', '/items?n=500', {}],
    ['a method guard answering false', 'GET', '/items', { 'x-deny': '1' }],
    ['a class guard throwing', 'GET', '/items', { 'x-throw': '1' }],
    ['an Observable', 'GET', '/observable', {}],
    ["the method's own exception filter", 'GET', '/teapot', {}],
    ['a rejected promise', 'GET', '/missing', {}],
    ['an unexpected error', 'GET', '/broken', {}],
  ] as const)('answers like Nest: %s', async (label, method, path, headers) => {
    const nest = await call(method, `/nest${path}`, { ...headers, 'x-case': `nest ${label}` });
    const direct = await call(method, `/direct${path}`, { ...headers, 'x-case': `direct ${label}` });
    expect(direct.status).toBe(nest.status);
    expect(direct.text).toBe(nest.text);
    expect(direct.headers['content-type']).toBe(nest.headers['content-type']);
    expect(direct.headers['content-length']).toBe(nest.headers['content-length']);
    expect(trail.get(`direct ${label}`)).toEqual(trail.get(`nest ${label}`));
  });

  it('runs the guards in order (global, class, method) with the marked method as the handler, then pipes', async () => {
    const response = await call('GET', '/direct/items?n=7', { 'x-who': 'bo', 'x-case': 'order' });
    expect(response.status).toBe(203);
    expect(response.body).toEqual({ who: 'bo', n: 7 });
    expect(trail.get('order')).toEqual(['global:items', 'class:TwinController', 'method', 'pipe']);
  });

  it('refuses to answer with a stream, which Nest would stream itself', async () => {
    const response = await call('GET', '/direct/stream', { 'x-case': 'stream' });
    expect(response.status).toBe(500);
    expect(response.text).not.toContain('a stream');
  });

  it('answers once: nothing is sent again after the response', () => {
    expect(warnings).toEqual([]);
  });
});

describe('@DirectRoute() refuses to start a route it would serve differently', () => {
  class Passthrough implements NestInterceptor {
    intercept(_context: ExecutionContext, next: CallHandler) {
      return next.handle();
    }
  }

  @Controller()
  class WithInterceptor {
    @Get('x')
    @DirectRoute()
    @UseInterceptors(Passthrough)
    x() {
      return {};
    }
  }

  @Controller()
  class WithResponse {
    @Get('x')
    @DirectRoute()
    x(@Res({ passthrough: true }) reply: FastifyReply) {
      return { sent: reply.sent };
    }
  }

  @Controller()
  class WithHeader {
    @Get('x')
    @DirectRoute()
    @Header('Cache-Control', 'no-store')
    x() {
      return {};
    }
  }

  @Controller()
  class WithRedirect {
    @Get('x')
    @DirectRoute()
    @Redirect('/elsewhere')
    x() {
      return {};
    }
  }

  @Controller({ path: '', scope: Scope.REQUEST })
  class RequestScoped {
    @Get('x')
    @DirectRoute()
    x() {
      return {};
    }
  }

  @Controller({ host: 'api.example.com' })
  class WithHost {
    @Get('x')
    @DirectRoute()
    x() {
      return {};
    }
  }

  @Controller()
  class WithPathParameter {
    @Get('x/:id')
    @DirectRoute()
    x(@Param('id') id: string) {
      return { id };
    }
  }

  @Controller()
  class Plain {
    @Get('x')
    @DirectRoute()
    x() {
      return {};
    }
  }

  it.each([
    [WithInterceptor, /uses interceptors/],
    [WithResponse, /uses @Res\(\) or @Next\(\)/],
    [WithHeader, /uses @Header\(\)/],
    [WithRedirect, /uses @Redirect\(\)/],
    [RequestScoped, /request-scoped/],
    [WithHost, /uses a host filter/],
    [WithPathParameter, /WithPathParameter\.x: not served directly/],
  ] as const)('%p', async (controller, error) => {
    await expect(createApp(controller)).rejects.toThrow(error);
  });

  it('a global interceptor', async () => {
    await expect(createApp(Plain, { interceptor: new Passthrough() })).rejects.toThrow(/uses interceptors/);
  });

  it('but serves a route with none of them', async () => {
    const app = await createApp(Plain);
    await request(app.getHttpServer()).get('/x').expect(200);
    await app.close();
  });
});
