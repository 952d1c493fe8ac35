import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { AdminMessagesController } from './admin-messages.controller.js';
import { IdempotencyKeyEntity } from './idempotency/idempotency-key.entity.js';
import { IdempotencyKeysService } from './idempotency/idempotency-keys.service.js';
import { IdempotentCreateService } from './idempotency/idempotent-create.service.js';
import { MessageEntity } from './message.entity.js';
import { MessagesController } from './messages.controller.js';
import { MessagesService } from './messages.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([MessageEntity, IdempotencyKeyEntity]), AuthModule],
  controllers: [MessagesController, AdminMessagesController],
  providers: [MessagesService, IdempotencyKeysService, IdempotentCreateService],
})
export class MessagesModule {}
