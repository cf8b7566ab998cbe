import {
  EditThreadPostDocument,
  ReopenThreadDocument,
  ReplyToThreadDocument,
  ResolveThreadDocument,
  SetThreadFollowStateDocument,
  ThreadDocument,
  type FollowState,
  type ThreadPostFieldsFragment,
} from '@cairn/schema/operations';
import { createMutation, createQuery } from '@urql/solid';
import { createEffect, createMemo, createSignal, For, Match, on, onCleanup, Show, Switch, type JSX } from 'solid-js';
import { useSession } from '../auth/session.js';
import { formatDateTime, timeAgo } from '../notifications/when.js';
import { describeError } from '../platform/errors.js';
import { Link } from '../platform/router.js';
import { Alert } from '../ui/alert.js';
import { Badge } from '../ui/badge.js';
import { Button } from '../ui/button.js';
import { Select } from '../ui/select.js';
import { Spinner } from '../ui/spinner.js';
import { PostComposer, type Mentionable } from './post-composer.js';
import { topicLabel } from './topics.js';

/** Matches the server's 15-minute edit window. */
const editWindowMs = 15 * 60_000;

const followOptions: ReadonlyArray<{ value: FollowState; label: string }> = [
  { value: 'FOLLOWING', label: 'Every reply (following)' },
  { value: 'NONE', label: 'Only when mentioned (not following)' },
  { value: 'MUTED', label: 'Only when mentioned (muted)' },
];

/** One discussion: posts with their replies, a reply box, edits within the window, resolve and follow. */
export function ThreadView(props: { threadId: string; patientId: string; members: readonly Mentionable[]; refreshKey: number }): JSX.Element {
  const session = useSession();
  const [result, refetch] = createQuery({ query: ThreadDocument, variables: () => ({ id: props.threadId }) });
  // refreshKey changes when a live event touches this thread (someone else posted, edited, resolved).
  createEffect(on(() => props.refreshKey, () => reload(), { defer: true }));
  const [replyState, reply] = createMutation(ReplyToThreadDocument);
  const [, resolve] = createMutation(ResolveThreadDocument);
  const [, reopen] = createMutation(ReopenThreadDocument);
  const [, setFollow] = createMutation(SetThreadFollowStateDocument);
  const [problem, setProblem] = createSignal<string | null>(null);
  const [replyError, setReplyError] = createSignal<string | undefined>();
  const [replyingTo, setReplyingTo] = createSignal<string | null>(null);
  const [now, setNow] = createSignal(Date.now());
  const tick = setInterval(() => setNow(Date.now()), 30_000);
  onCleanup(() => clearInterval(tick));

  const me = () => {
    const s = session.state();
    return s.status === 'signedIn' ? s.user.id : '';
  };
  const thread = () => (result.data?.thread.id === props.threadId ? result.data.thread : undefined);
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const topLevel = createMemo(() => thread()?.posts.filter((p) => !p.parentId) ?? []);
  const repliesTo = (id: string) => thread()?.posts.filter((p) => p.parentId === id) ?? [];

  const send = async (body: string, mentions: string[], parentPostId: string | null): Promise<boolean> => {
    const r = await reply({ threadId: props.threadId, body, parentPostId, mentions });
    if (r.error) {
      setReplyError(describeError(r.error).message);
      return false;
    }
    setReplyError(undefined);
    setReplyingTo(null);
    reload();
    return true;
  };

  const act = async (run: () => Promise<{ error?: Parameters<typeof describeError>[0] | undefined }>) => {
    const r = await run();
    setProblem(r.error ? describeError(r.error).message : null);
    if (!r.error) reload();
  };

  return (
    <Switch>
      <Match when={result.error && !thread()}>
        <Alert tone="error">
          <p>{describeError(result.error!).message}</p>
          <Link href={`/patients/${encodeURIComponent(props.patientId)}/discussion`}>Back to all discussions</Link>
        </Alert>
      </Match>
      <Match when={!thread()}>
        <Spinner label="Loading discussion…" />
      </Match>
      <Match when={thread()}>
        {(t) => (
          <article class="thread" aria-labelledby="thread-title">
            <p class="thread__back">
              <Link href={`/patients/${encodeURIComponent(props.patientId)}/discussion`}>← All discussions</Link>
            </p>
            <header class="thread__head">
              <h3 id="thread-title" class="thread__title">
                {t().title}
              </h3>
              <Badge tone="info">{topicLabel(t().topic)}</Badge>
              <Show when={t().resolvedAt} fallback={<Badge tone="neutral">Open</Badge>}>
                <Badge tone="success">Resolved</Badge>
              </Show>
            </header>
            <p class="thread__meta">
              Started by {t().author.name} · {formatDateTime(t().createdAt)}
              <Show when={t().resolvedAt}>
                {' '}
                · resolved by {t().resolvedBy?.name ?? 'a colleague'} {timeAgo(t().resolvedAt!)}
              </Show>
            </p>
            <div class="thread__controls">
              <Select
                class="thread__follow"
                label="Notify me"
                value={t().myFollowState}
                options={followOptions}
                onChange={(v) => void act(() => setFollow({ threadId: t().id, state: v as FollowState }))}
              />
              <Show
                when={t().resolvedAt}
                fallback={
                  <Button variant="secondary" onClick={() => void act(() => resolve({ threadId: t().id }))}>
                    Mark resolved
                  </Button>
                }
              >
                <Button variant="secondary" onClick={() => void act(() => reopen({ threadId: t().id }))}>
                  Reopen discussion
                </Button>
              </Show>
            </div>
            <Show when={problem()}>{(m) => <Alert tone="error">{m()}</Alert>}</Show>
            <ol class="thread__posts" aria-label="Posts">
              <For each={topLevel()}>
                {(post) => (
                  <li>
                    <PostCard post={post} mine={post.author.id === me()} now={now()} members={props.members} onChanged={reload} />
                    <Show when={repliesTo(post.id).length > 0}>
                      <ol class="thread__replies" aria-label={`Replies to ${post.author.name}`}>
                        <For each={repliesTo(post.id)}>
                          {(r) => (
                            <li>
                              <PostCard post={r} mine={r.author.id === me()} now={now()} members={props.members} onChanged={reload} />
                            </li>
                          )}
                        </For>
                      </ol>
                    </Show>
                    <Show when={!t().resolvedAt}>
                      <Show
                        when={replyingTo() === post.id}
                        fallback={
                          <button type="button" class="thread__reply-link" onClick={() => setReplyingTo(post.id)}>
                            Reply<span class="visually-hidden"> to {post.author.name}</span>
                          </button>
                        }
                      >
                        <div class="thread__reply-box">
                          <PostComposer
                            label={`Reply to ${post.author.name}`}
                            submitLabel="Post reply"
                            members={props.members}
                            busy={replyState.fetching}
                            error={replyError()}
                            autofocus
                            onSubmit={(body, mentions) => send(body, mentions, post.id)}
                            onCancel={() => setReplyingTo(null)}
                          />
                        </div>
                      </Show>
                    </Show>
                  </li>
                )}
              </For>
            </ol>
            <Show
              when={!t().resolvedAt}
              fallback={<p class="muted thread__closed">This discussion is resolved. Reopen it to post again.</p>}
            >
              <Show when={replyingTo() === null}>
                <PostComposer
                  label="Add to the discussion"
                  hint="Type @ to mention someone on the care team. **bold**, *italic*, lists and links work."
                  submitLabel="Post"
                  members={props.members}
                  busy={replyState.fetching}
                  error={replyError()}
                  onSubmit={(body, mentions) => send(body, mentions, null)}
                />
              </Show>
            </Show>
          </article>
        )}
      </Match>
    </Switch>
  );
}

/**
 * A post. Its body is the server's sanitised HTML (rendered from the author's text with everything
 * escaped, only Cairn's own tags added), so it is the one place HTML is inserted; user text never is.
 */
function PostCard(props: { post: ThreadPostFieldsFragment; mine: boolean; now: number; members: readonly Mentionable[]; onChanged(): void }): JSX.Element {
  const [editing, setEditing] = createSignal(false);
  const [editError, setEditError] = createSignal<string | undefined>();
  const [editState, edit] = createMutation(EditThreadPostDocument);
  const p = () => props.post;
  const editable = () => props.mine && props.now - new Date(p().createdAt).getTime() < editWindowMs;

  return (
    <div class={`post ${p().parentId ? 'post--reply' : ''}`} id={`post-${p().id}`}>
      <div class="post__head">
        <span class="post__author">{p().author.name}</span>
        <time class="post__when" datetime={p().createdAt} title={formatDateTime(p().createdAt)}>
          {timeAgo(p().createdAt, props.now)}
        </time>
        <Show when={p().editedAt}>
          <span class="post__edited">(edited)</span>
        </Show>
      </div>
      <Show
        when={editing()}
        fallback={<div class="post__body" innerHTML={p().bodyHtml} />}
      >
        <PostComposer
          label="Edit your post"
          submitLabel="Save changes"
          members={props.members}
          initial={p().body}
          busy={editState.fetching}
          error={editError()}
          autofocus
          onSubmit={async (body) => {
            const r = await edit({ postId: p().id, body });
            if (r.error) {
              setEditError(describeError(r.error).message);
              return false;
            }
            setEditError(undefined);
            setEditing(false);
            props.onChanged();
            return true;
          }}
          onCancel={() => setEditing(false)}
        />
      </Show>
      <Show when={editable() && !editing()}>
        <button type="button" class="post__action" onClick={() => setEditing(true)}>
          Edit<span class="visually-hidden"> your post</span>
        </button>
      </Show>
      <Show when={p().editHistory.length > 0}>
        <details class="post__history">
          <summary>Earlier versions ({p().editHistory.length})</summary>
          <ol>
            <For each={p().editHistory}>
              {(v) => (
                <li>
                  <span class="post__when">Written {formatDateTime(v.writtenAt)}, replaced {formatDateTime(v.replacedAt)}</span>
                  <div class="post__body" innerHTML={v.bodyHtml} />
                </li>
              )}
            </For>
          </ol>
        </details>
      </Show>
    </div>
  );
}
