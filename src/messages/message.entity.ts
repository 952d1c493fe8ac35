import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Milliseconds since the epoch, as a number on every driver (pg returns bigint as a string). */
const epochMillis = { to: (value: number) => value, from: (value: string | number) => Number(value) };

@Entity({ name: 'messages' })
@Index('idx_messages_site_author_created', ['site', 'author', 'createdAt', 'id'])
@Index('idx_messages_site_created', ['site', 'createdAt', 'id'])
export class MessageEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** The site it was written on: only that site's callers ever see it. */
  @Column({ type: 'varchar', length: 40 })
  site: string;

  /** The writer's `sub`: text, because no length limit applies to it in a token. */
  @Column({ type: 'text' })
  author: string;

  @Column({ type: 'text' })
  text: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMillis })
  createdAt: number;
}
