// Target (f): the framework floor. NestJS on Fastify with one controller answering the same
// two-message JSON as GET /api/messages: no guard, no database, no logging. What any Nest app pays.
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';

class MessagesController {
  list() {
    return {
      messages: [
        { id: '1', text: 'I am a robot.', date: new Date().toISOString(), author: 'floor' },
        {
          id: '2',
          text: 'Hello, world!',
          date: new Date(Date.now() - 1000 * 60 * 60).toISOString(),
          author: 'floor',
        },
      ],
      nextCursor: null,
    };
  }
}
// Plain JavaScript has no decorator syntax; these calls are what `@Get()` and `@Controller()` compile to.
Reflect.decorate(
  [Get()],
  MessagesController.prototype,
  'list',
  Object.getOwnPropertyDescriptor(MessagesController.prototype, 'list'),
);
Reflect.decorate([Controller('messages')], MessagesController);

class FloorModule {}
Reflect.decorate([Module({ controllers: [MessagesController] })], FloorModule);

const app = await NestFactory.create(FloorModule, new FastifyAdapter(), { logger: false });
app.setGlobalPrefix('api');
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
console.log(`listening on ${await app.getUrl()}`);
