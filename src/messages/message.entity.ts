import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Milliseconds since the epoch, as a number on every driver (pg returns bigint as a string). */
const epochMillis = { to: (value: number) => value, from: (value: string | number) => Number(value) };

@Entity({ name: 'messages' })
@Index('idx_messages_author_created', ['author', 'createdAt', 'id'])
@Index('idx_messages_created', ['createdAt', 'id'])
export class MessageEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** The writer's `sub`: text, because no length limit applies to it in a token. */
  @Column({ type: 'text' })
  author: string;

  @Column({ type: 'text' })
  text: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMillis })
  createdAt: number;
}
