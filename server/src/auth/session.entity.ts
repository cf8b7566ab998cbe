import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { User } from './user.entity.js';

/** A signed-in session. Only a hash of its bearer token is stored. */
@Entity({ tableName: 'session' })
export class Session {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text', unique: true })
  tokenHash: string;

  @ManyToOne({ entity: () => User, fieldName: 'user_id' })
  user: User;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz' })
  expiresAt: Date;

  @Property({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  userAgent: string | null;

  constructor(tokenHash: string, user: User, expiresAt: Date, userAgent: string | null) {
    this.tokenHash = tokenHash;
    this.user = user;
    this.expiresAt = expiresAt;
    this.userAgent = userAgent;
  }

  isLive(now = new Date()): boolean {
    return this.revokedAt === null && this.expiresAt > now && this.user.active;
  }
}
