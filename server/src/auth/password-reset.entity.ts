import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { User } from './user.entity.js';

/**
 * A one-time link with which a user sets a new password, made by an administrator. Only the SHA-256 of
 * its token is kept; the token is shown once, to the administrator who made it.
 */
@Entity({ tableName: 'password_reset' })
export class PasswordReset {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: () => User, fieldName: 'user_id' })
  user: User;

  @Property({ type: 'blob', hidden: true })
  tokenHash: Buffer;

  @ManyToOne({ entity: () => User, fieldName: 'created_by_id' })
  createdBy: User;

  @Property({ type: 'timestamptz' })
  createdAt: Date;

  @Property({ type: 'timestamptz' })
  expiresAt: Date;

  @Property({ type: 'timestamptz', nullable: true })
  usedAt: Date | null = null;

  /** When a newer link for the same user took this one's place. */
  @Property({ type: 'timestamptz', nullable: true })
  replacedAt: Date | null = null;

  constructor(init: { user: User; tokenHash: Buffer; createdBy: User; createdAt: Date; expiresAt: Date }) {
    this.user = init.user;
    this.tokenHash = init.tokenHash;
    this.createdBy = init.createdBy;
    this.createdAt = init.createdAt;
    this.expiresAt = init.expiresAt;
  }
}
