import { HandoverInboxDocument } from '@cairn/schema/operations';
import { createQuery } from '@urql/solid';
import { createEffect, createSignal, For, Match, onMount, Show, Switch, type JSX } from 'solid-js';
import { useNotifications } from '../notifications/notification-center.js';
import { formatDateTime, formatDueDate, timeAgo } from '../notifications/when.js';
import { Link } from '../platform/router.js';
import { Badge } from '../ui/badge.js';
import { EmptyState } from '../ui/empty-state.js';
import { lastGood, LoadFailed } from '../ui/list-states.js';
import { Spinner } from '../ui/spinner.js';
import { ActionDone, MarkDoneButton } from './mark-action-done.js';
import { UrgencyBadge } from './urgency.js';
import './handover.css';

const handoverHref = (patientId: string, handoverId: string) => `/patients/${encodeURIComponent(patientId)}/handovers/${encodeURIComponent(handoverId)}`;

/** My handover inbox: notes waiting for me to acknowledge (most urgent first), and actions assigned to me. */
export function HandoverInboxPage(): JSX.Element {
  const [includeDone, setIncludeDone] = createSignal(false);
  const [result, refetch] = createQuery({ query: HandoverInboxDocument, variables: () => ({ includeDone: includeDone() }) });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const notifications = useNotifications();
  onMount(() => (document.title = 'Handovers – Cairn'));
  // A new notification may be a handover for me, or an acknowledgement elsewhere: refresh the lists.
  createEffect((seen: number) => {
    const count = notifications.items().length + notifications.unread();
    if (seen !== -1 && count !== seen) reload();
    return count;
  }, -1);

  // What was shown stays while a refresh cannot reach the server, said above it.
  const loaded = lastGood(result);
  const awaiting = () => loaded()?.handoversAwaitingMyAcknowledgement;
  const actions = () => loaded()?.myHandoverActions;
  const openActions = () => actions()?.filter((a) => !a.doneAt).length ?? 0;

  return (
    <div class="handover-inbox">
      <div class="page-heading">
        <h1>Handovers</h1>
        <p class="page-heading__summary" aria-live="polite">
          {awaiting() ? `${awaiting()!.length} awaiting acknowledgement · ${openActions()} open ${openActions() === 1 ? 'action' : 'actions'} for you` : ''}
        </p>
      </div>
      <Switch>
        <Match when={!loaded() && result.error}>{(error) => <LoadFailed error={error()} retry={reload} />}</Match>
        <Match when={!loaded()}>
          <Spinner label="Loading your handovers…" />
        </Match>
        <Match when={loaded()}>
          <Show when={result.error}>{(error) => <LoadFailed stale error={error()} retry={reload} />}</Show>
          <section class="card inbox-section" aria-labelledby="awaiting-heading">
            <h2 id="awaiting-heading">Awaiting my acknowledgement</h2>
            <Show when={awaiting()!.length > 0} fallback={<p class="muted">Nothing is waiting for you to acknowledge.</p>}>
              <div class="table-wrap">
                <table class="inbox-table">
                  <thead>
                    <tr>
                      <th scope="col">Urgency</th>
                      <th scope="col">Handover</th>
                      <th scope="col">Patient</th>
                      <th scope="col">Posted</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={awaiting()}>
                      {(h) => (
                        <tr class={`inbox-table__row inbox-table__row--${h.urgency.toLowerCase()}`}>
                          <td>
                            <UrgencyBadge urgency={h.urgency} />
                          </td>
                          <th scope="row" class="inbox-table__summary">
                            <Link href={handoverHref(h.patientId, h.id)}>{h.summary}</Link>
                            <span class="inbox-table__from">
                              From {h.author.name}, {h.sourceService}
                            </span>
                            <Show when={h.escalatedAt}>
                              <Badge tone="info">Escalated to service lead</Badge>
                            </Show>
                          </th>
                          <td>
                            <span class="inbox-table__patient">{h.patient.name}</span>
                            <span class="nhs-number inbox-table__nhs">{h.patient.nhsNumberFormatted}</span>
                          </td>
                          <td class="nowrap">
                            <time datetime={h.createdAt} title={formatDateTime(h.createdAt)}>
                              {timeAgo(h.createdAt)}
                            </time>
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
            </Show>
          </section>
          <section class="card inbox-section" aria-labelledby="actions-heading">
            <h2 id="actions-heading">Actions assigned to me</h2>
            <label class="inbox-actions__toggle">
              <input type="checkbox" checked={includeDone()} onChange={(e) => setIncludeDone(e.currentTarget.checked)} />
              Show done actions too
            </label>
            <Show when={actions()!.length > 0} fallback={<p class="muted">{includeDone() ? 'No recommended actions are assigned to you.' : 'No open recommended actions are assigned to you.'}</p>}>
              <ul class="inbox-actions">
                <For each={actions()}>
                  {(a) => (
                    <li class={`inbox-actions__item ${a.doneAt ? 'inbox-actions__item--done' : ''}`}>
                      <div class="inbox-actions__what">
                        <span class="inbox-actions__description">{a.description}</span>
                        <span class="muted">
                          For {a.handover.patient.name} · from <Link href={handoverHref(a.handover.patientId, a.handover.id)}>{a.handover.summary}</Link>
                        </span>
                        <Show when={a.doneAt} fallback={<MarkDoneButton actionId={a.id} description={a.description} onDone={reload} />}>
                          <ActionDone doneAt={a.doneAt!} doneBy={a.doneBy?.name ?? null} />
                        </Show>
                      </div>
                      <div class="inbox-actions__when">
                        <UrgencyBadge urgency={a.handover.urgency} />
                        <span>{a.dueDate ? `Due ${formatDueDate(a.dueDate)}` : 'No due date'}</span>
                      </div>
                    </li>
                  )}
                </For>
              </ul>
            </Show>
          </section>
        </Match>
      </Switch>
    </div>
  );
}
