import { Arg, Ctx, Field, FieldResolver, ID, InputType, Mutation, Query, Resolver, Root } from 'type-graphql';
import { itemNotFound, PatientAction, requireActor, requirePatientAccess, type PatientAccess } from '../access/policy.js';
import { User } from '../auth/user.entity.js';
import type { Context } from '../auth/request-context.js';
import { FollowState, Thread, ThreadPost, ThreadPostRevision, ThreadTopic } from './thread.entity.js';
import { editThreadPost, findPost, findThread, followStateOf, replyToThread, setFollowState, setThreadResolved, startThread } from './thread.service.js';
import { runSql, sql } from '../platform/sql.js';

@InputType()
export class StartThreadInput {
  @Field(() => ID) patientId!: string;
  @Field(() => String) title!: string;
  @Field(() => ThreadTopic, { defaultValue: ThreadTopic.GENERAL }) topic!: ThreadTopic;
  @Field(() => String, { description: 'The first post: paragraphs, lists, **strong**, *emphasis*, [links](https://…).' }) body!: string;
  @Field(() => [ID], { defaultValue: [], description: 'Care-team members mentioned (they are notified).' }) mentions!: string[];
}

/** Loads a discussion and checks `action` on its patient; an unknown discussion and an inaccessible one look alike. */
async function threadWithAccess(ctx: Context, threadId: string, action: PatientAction): Promise<{ thread: Thread } & PatientAccess> {
  requireActor(ctx);
  const through = { noun: 'discussion', detail: { threadId } };
  const thread = await findThread(ctx.em, threadId);
  if (!thread) throw await itemNotFound(ctx, action, through);
  return { thread, ...(await requirePatientAccess(ctx, thread.patientId, action, through)) };
}

@Resolver(() => Thread)
export class ThreadResolver {
  @Query(() => [Thread], { description: "A patient's discussions, newest first." })
  async patientThreads(
    @Arg('patientId', () => ID) patientId: string,
    @Arg('includeResolved', () => Boolean, { defaultValue: true }) includeResolved: boolean,
    @Ctx() ctx: Context,
  ): Promise<Thread[]> {
    const { patient } = await requirePatientAccess(ctx, patientId, PatientAction.READ);
    return ctx.em.find(Thread, { patientId: patient.id, ...(includeResolved ? {} : { resolvedAt: null }) }, { populate: ['author', 'resolvedBy'], orderBy: { createdAt: 'desc' } });
  }

  @Query(() => Thread)
  async thread(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Thread> {
    return (await threadWithAccess(ctx, id, PatientAction.READ)).thread;
  }

  @Mutation(() => Thread)
  async startThread(@Arg('input', () => StartThreadInput) input: StartThreadInput, @Ctx() ctx: Context): Promise<Thread> {
    const { actor, patient } = await requirePatientAccess(ctx, input.patientId, PatientAction.DISCUSS);
    return startThread(ctx.em, { actor, requestId: ctx.requestId }, patient, input);
  }

  @Mutation(() => ThreadPost)
  async replyToThread(
    @Arg('threadId', () => ID) threadId: string,
    @Arg('body', () => String) body: string,
    @Arg('parentPostId', () => ID, { nullable: true }) parentPostId: string | null,
    @Arg('mentions', () => [ID], { defaultValue: [] }) mentions: string[],
    @Ctx() ctx: Context,
  ): Promise<ThreadPost> {
    const { thread, actor } = await threadWithAccess(ctx, threadId, PatientAction.DISCUSS);
    return replyToThread(ctx.em, { actor, requestId: ctx.requestId }, thread, { body, parentPostId, mentions });
  }

  @Mutation(() => ThreadPost, { description: 'The author may edit a post within 15 minutes; earlier versions are kept.' })
  async editThreadPost(@Arg('postId', () => ID) postId: string, @Arg('body', () => String) body: string, @Ctx() ctx: Context): Promise<ThreadPost> {
    requireActor(ctx);
    const through = { noun: 'post', detail: { postId } };
    const post = await findPost(ctx.em, postId);
    if (!post) throw await itemNotFound(ctx, PatientAction.DISCUSS, through);
    const { actor } = await requirePatientAccess(ctx, post.thread.patientId, PatientAction.DISCUSS, through);
    return editThreadPost(ctx.em, { actor, requestId: ctx.requestId }, post, body);
  }

  @Mutation(() => Thread)
  async resolveThread(@Arg('threadId', () => ID) threadId: string, @Ctx() ctx: Context): Promise<Thread> {
    const { thread, actor } = await threadWithAccess(ctx, threadId, PatientAction.DISCUSS);
    return setThreadResolved(ctx.em, { actor, requestId: ctx.requestId }, thread, true);
  }

  @Mutation(() => Thread)
  async reopenThread(@Arg('threadId', () => ID) threadId: string, @Ctx() ctx: Context): Promise<Thread> {
    const { thread, actor } = await threadWithAccess(ctx, threadId, PatientAction.DISCUSS);
    return setThreadResolved(ctx.em, { actor, requestId: ctx.requestId }, thread, false);
  }

  @Mutation(() => FollowState, { description: 'Follow (told of every reply), mute (only mentions), or neither.' })
  async setThreadFollowState(@Arg('threadId', () => ID) threadId: string, @Arg('state', () => FollowState) state: FollowState, @Ctx() ctx: Context): Promise<FollowState> {
    const { thread, actor } = await threadWithAccess(ctx, threadId, PatientAction.READ);
    return setFollowState(ctx.em, { actor, requestId: ctx.requestId }, thread, state);
  }

  @FieldResolver(() => [ThreadPost], { description: 'Posts and replies, oldest first; replies carry parentId.' })
  async posts(@Root() thread: Thread, @Ctx() ctx: Context): Promise<ThreadPost[]> {
    return ctx.em.find(ThreadPost, { thread: thread.id }, { populate: ['author'], orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  @FieldResolver(() => FollowState)
  async myFollowState(@Root() thread: Thread, @Ctx() ctx: Context): Promise<FollowState> {
    return followStateOf(ctx.em, thread.id, requireActor(ctx).id);
  }
}

@Resolver(() => ThreadPost)
export class ThreadPostResolver {
  @FieldResolver(() => ID)
  threadId(@Root() post: ThreadPost): string {
    return post.thread.id;
  }

  @FieldResolver(() => [User])
  async mentions(@Root() post: ThreadPost, @Ctx() ctx: Context): Promise<User[]> {
    const rows = await runSql<{ user_id: string }>(ctx.em, sql`select user_id from thread_mention where post_id = ${post.id}`);
    return rows.length ? ctx.em.find(User, { id: { $in: rows.map((r) => r.user_id) } }, { orderBy: { name: 'asc' } }) : [];
  }

  @FieldResolver(() => [ThreadPostRevision], { description: 'Earlier versions, oldest first.' })
  async editHistory(@Root() post: ThreadPost, @Ctx() ctx: Context): Promise<ThreadPostRevision[]> {
    return ctx.em.find(ThreadPostRevision, { postId: post.id }, { orderBy: { replacedAt: 'asc' } });
  }
}
