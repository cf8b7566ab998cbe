import { Arg, Ctx, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import { deny, isUuid, requireActor } from '../access/policy.js';
import type { EventRecord } from '../events/event-log.js';
import { parseCursor } from '../events/event-log.js';
import type { Context } from '../auth/request-context.js';
import { badInput, notFound } from '../platform/errors.js';
import { Notification } from './notification.entity.js';
import { listNotifications, markAllRead, markRead, notificationFromEvent, unreadCount } from './notification.service.js';

@Resolver(() => Notification)
export class NotificationResolver {
  @Query(() => [Notification], { description: 'Your notifications, newest first; page back with `before` (a seq).' })
  async myNotifications(
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('before', () => String, { nullable: true }) before: string | null,
    @Arg('unreadOnly', () => Boolean, { defaultValue: false }) unreadOnly: boolean,
    @Ctx() ctx: Context,
  ): Promise<Notification[]> {
    const actor = requireActor(ctx);
    if (first < 1 || first > 100) throw badInput('first', 'Ask for between 1 and 100 notifications at a time.');
    const cursor = parseCursor(before);
    if (cursor === 'invalid') throw badInput('before', 'That is not a notification cursor.');
    return listNotifications(ctx.em, actor.id, { unreadOnly, before: cursor, limit: first });
  }

  @Query(() => Int)
  async unreadNotificationCount(@Ctx() ctx: Context): Promise<number> {
    return unreadCount(ctx.em, requireActor(ctx).id);
  }

  @Mutation(() => Notification)
  async markNotificationRead(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Notification> {
    const actor = requireActor(ctx);
    const n = isUuid(id) ? await markRead(ctx.em, actor.id, id) : null;
    // Someone else's notification and one that does not exist look alike, and both are audited.
    if (!n) throw await deny(ctx, 'notification.read', { notificationId: id, reason: 'no such notification of yours' }, notFound('notification'));
    return n;
  }

  @Mutation(() => Int, { description: 'Marks every unread notification of yours read; returns how many.' })
  async markAllNotificationsRead(@Ctx() ctx: Context): Promise<number> {
    return markAllRead(ctx.em, requireActor(ctx).id);
  }

  @Subscription(() => Notification, {
    description: 'Your new notifications as they happen. Pass the last seq you saw as `after` to get what you missed first.',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { after: string | null }, Context>) => {
      const actor = requireActor(context);
      const after = parseCursor(args.after);
      if (after === 'invalid') throw badInput('after', 'That is not a notification cursor.');
      return context.services.events.subscribe(actor.id, { recipientId: actor.id }, after ?? context.services.events.dispatchedThrough);
    },
  })
  notifications(@Root() event: EventRecord, @Arg('after', () => String, { nullable: true }) _after: string | null): Notification {
    return notificationFromEvent(event);
  }
}
