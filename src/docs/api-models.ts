import { ApiProperty } from '@nestjs/swagger';

/** Documentation-only classes for the response shapes (the handlers return plain objects). */

export class MessageModel {
  @ApiProperty({ format: 'uuid', example: '0b9f7a6e-3f0c-4c55-9d8c-2f6a3e1c9b10' })
  id: string;

  @ApiProperty({ example: 'Hello from the API', maxLength: 2000 })
  text: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-21T10:00:00.000Z' })
  date: string;

  @ApiProperty({ description: "The writer's sub", example: 'alice@example.com' })
  author: string;
}

export class MessagePageModel {
  @ApiProperty({ type: [MessageModel] })
  messages: MessageModel[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` to get the next page; null on the last page',
  })
  nextCursor: string | null;
}

export class MeModel {
  @ApiProperty({ description: "The token's site (`default` without SITES_FILE)", example: 'default' })
  site: string;
  @ApiProperty() sub: string;
  @ApiProperty({ type: String, nullable: true }) uid: string | null;
  @ApiProperty({ type: String, nullable: true }) cid: string | null;
  @ApiProperty({ type: [String] }) scopes: string[];
  @ApiProperty({ type: [String] }) groups: string[];
  @ApiProperty() isAdmin: boolean;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
  @ApiProperty({ type: String, nullable: true, description: 'How the user signed in (`acr`)' })
  acr: string | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'When the user signed in (`auth_time`, seconds since the epoch)',
  })
  auth_time: number | null;
}

/** The one error body; each response lists its own examples (see error-responses.ts). */
export class ErrorModel {
  @ApiProperty({ description: 'The HTTP status' }) statusCode: number;
  @ApiProperty({ description: "The status's reason phrase, e.g. Unauthorized" }) error: string;
  @ApiProperty({ description: 'What was wrong, for people to read; never the token' }) message: string;
}

export class HealthModel {
  @ApiProperty({ enum: ['ok', 'degraded', 'error', 'shutting_down'] }) status: string;
  @ApiProperty({ required: false, type: Object, additionalProperties: true }) info?: object;
  @ApiProperty({ required: false, type: Object, additionalProperties: true }) details?: object;
  @ApiProperty({
    required: false,
    description: 'one word per check: up, down or stale (redis, when configured: up or degraded)',
    example: { database: 'up', keys: 'stale' },
    type: Object,
    additionalProperties: { type: 'string', enum: ['up', 'down', 'stale', 'degraded'] },
  })
  checks?: Record<string, string>;
}

export class NotReadyModel extends HealthModel {
  @ApiProperty({ example: 503 }) statusCode: number;
  @ApiProperty({ example: 'Service Unavailable' }) error: string;
  @ApiProperty({ example: 'not ready: keys stale' }) message: string;
}
