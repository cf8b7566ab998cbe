import { PatientThreadsDocument, StartThreadDocument, type PatientWorkspaceQuery, type ThreadTopic } from '@cairn/schema/operations';
import { createMutation, createQuery } from '@urql/solid';
import { createMemo, createSignal, For, Show, type JSX } from 'solid-js';
import { roleLabel } from '@cairn/schema/words';
import { timeAgo } from '../notifications/when.js';
import { describeError, type Problem } from '../platform/errors.js';
import { Link, navigate } from '../platform/router.js';
import { followPatientEvents } from '../timeline/patient-events.js';
import { Badge } from '../ui/badge.js';
import { Button } from '../ui/button.js';
import { EmptyState } from '../ui/empty-state.js';
import { lastGood, ListStates } from '../ui/list-states.js';
import { Select } from '../ui/select.js';
import { TextField } from '../ui/text-field.js';
import { PostComposer, type Mentionable } from './post-composer.js';
import { ThreadView } from './thread-view.js';
import { topicLabel, topicOptions } from './topics.js';
import './threads.css';

type Patient = PatientWorkspaceQuery['patient'];

/** The MDT's discussions about this patient: the list, or one discussion; both follow others' posts live. */
export function DiscussionTab(props: { patient: Patient; threadId?: string | undefined }): JSX.Element {
  const [result, refetch] = createQuery({ query: PatientThreadsDocument, variables: () => ({ patientId: props.patient.id }) });
  const [starting, setStarting] = createSignal(false);
  const [liveTick, setLiveTick] = createSignal(0);
  const members = createMemo<Mentionable[]>(() => props.patient.careTeam.map((m) => ({ id: m.user.id, name: m.user.name, detail: m.teamRole === roleLabel(m.user.role) ? m.teamRole : `${m.teamRole} · ${roleLabel(m.user.role)}` })));
  const reload = () => refetch({ requestPolicy: 'network-only' });

  followPatientEvents(
    () => props.patient.id,
    (event) => {
      if (!event.kind.startsWith('THREAD_')) return;
      reload();
      if (props.threadId && event.payload['threadId'] === props.threadId) setLiveTick(liveTick() + 1);
    },
    () => {
      reload();
      setLiveTick(liveTick() + 1);
    },
  );

  // The discussions shown stay while a refresh cannot reach the server, said above them.
  const loaded = lastGood(result);
  const threads = () => loaded()?.patientThreads;
  const base = () => `/patients/${encodeURIComponent(props.patient.id)}`;

  return (
    <Show
      when={!props.threadId}
      fallback={<ThreadView threadId={props.threadId!} patientId={props.patient.id} members={members()} refreshKey={liveTick()} />}
    >
      <div class="discussion">
        <div class="tab-toolbar">
          <p class="muted tab-toolbar__lede">The care team's discussions about this patient. New posts appear as they are written.</p>
          <Show when={!starting() && props.patient.viewerCan.discuss}>
            <Button onClick={() => setStarting(true)}>Start a discussion</Button>
          </Show>
        </div>
        <Show when={starting()}>
          <StartThreadForm
            patientId={props.patient.id}
            members={members()}
            onStarted={(id) => {
              setStarting(false);
              navigate(`${base()}/threads/${encodeURIComponent(id)}`);
            }}
            onCancel={() => setStarting(false)}
          />
        </Show>
        <ListStates
          items={threads()}
          error={result.error}
          retry={reload}
          loadingLabel="Loading discussions…"
          empty={
            <EmptyState title="No discussions yet" headingLevel={3}>
              <p>Start one to ask the MDT about medication, a plan review, safeguarding or anything else about this patient.</p>
            </EmptyState>
          }
        >
          {(items) => (
            <ul class="thread-list" aria-label="Discussions">
              <For each={items}>
                {(t) => (
                  <li class={`thread-list__item ${t.resolvedAt ? 'thread-list__item--resolved' : ''}`}>
                    <Link href={`${base()}/threads/${encodeURIComponent(t.id)}`} class="thread-list__title">
                      {t.title}
                    </Link>
                    <span class="thread-list__badges">
                      <Badge tone="info">{topicLabel(t.topic)}</Badge>
                      <Show when={t.resolvedAt} fallback={<Badge tone="neutral">Open</Badge>}>
                        <Badge tone="success">Resolved</Badge>
                      </Show>
                    </span>
                    <span class="thread-list__meta">
                      Started by {t.author.name} {timeAgo(t.createdAt)}
                    </span>
                  </li>
                )}
              </For>
            </ul>
          )}
        </ListStates>
      </div>
    </Show>
  );
}

function StartThreadForm(props: { patientId: string; members: readonly Mentionable[]; onStarted(id: string): void; onCancel(): void }): JSX.Element {
  const [title, setTitle] = createSignal('');
  const [topic, setTopic] = createSignal<ThreadTopic>('GENERAL');
  const [problem, setProblem] = createSignal<Problem | null>(null);
  const [state, start] = createMutation(StartThreadDocument);
  const fieldError = (f: string) => (problem()?.field === f ? problem()!.message : undefined);
  return (
    <section class="card start-thread" aria-labelledby="start-thread-heading">
      <h3 id="start-thread-heading">Start a discussion</h3>
      <div class="start-thread__row">
        <TextField label="Title" value={title()} onInput={setTitle} error={fieldError('title')} maxLength={200} />
        <Select label="Topic" value={topic()} options={topicOptions} onChange={(v) => setTopic(v as ThreadTopic)} />
      </div>
      <PostComposer
        label="First post"
        hint="Type @ to mention someone on the care team; they will be told. **bold**, *italic*, lists and links work."
        submitLabel="Start discussion"
        members={props.members}
        busy={state.fetching}
        error={problem() && problem()!.field !== 'title' ? problem()!.message : undefined}
        onSubmit={async (body, mentions) => {
          const r = await start({ input: { patientId: props.patientId, title: title(), topic: topic(), body, mentions } });
          if (r.error || !r.data) {
            setProblem(r.error ? describeError(r.error) : { code: null, message: 'The discussion was not started. Please try again.' });
            return false;
          }
          props.onStarted(r.data.startThread.id);
          return true;
        }}
        onCancel={props.onCancel}
      />
    </section>
  );
}
