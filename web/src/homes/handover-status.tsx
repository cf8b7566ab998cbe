import type { HomeHandoverFragment } from '@cairn/schema/operations';
import { Match, Show, Switch, type JSX } from 'solid-js';
import { formatDateTime, timeAgo } from '../notifications/when.js';
import { Link } from '../platform/router.js';
import { Badge } from '../ui/badge.js';
import { UrgencyBadge } from '../handover/urgency.js';

export const handoverHref = (h: Pick<HomeHandoverFragment, 'patientId' | 'id'>) => `/patients/${encodeURIComponent(h.patientId)}/handovers/${encodeURIComponent(h.id)}`;

/** A moment as "2 hours ago", with the exact time on hover and for machines. */
export function When(props: { iso: string }): JSX.Element {
  return (
    <time datetime={props.iso} title={formatDateTime(props.iso)}>
      {timeAgo(props.iso)}
    </time>
  );
}

/** A handover's heading line: urgency, summary (a link to it on the patient's record), patient. */
export function HandoverLine(props: { h: HomeHandoverFragment; from?: boolean }): JSX.Element {
  return (
    <div class="home-handover__line">
      <UrgencyBadge urgency={props.h.urgency} />
      <div class="home-handover__what">
        <Link href={handoverHref(props.h)} class="home-handover__summary">
          {props.h.summary}
        </Link>
        <span class="home-handover__meta">
          {props.h.patient.name} · <span class="nhs-number">NHS {props.h.patient.nhsNumberFormatted}</span>
          <Show when={props.from}>
            {' '}· from {props.h.author.name}, {props.h.sourceService}
          </Show>{' '}
          · sent <When iso={props.h.createdAt} />
        </span>
      </div>
    </div>
  );
}

/**
 * Whether a handover was acknowledged, by whom and when, and what became of its escalation, in words. An
 * acknowledgement on someone's behalf always says so: it never reads as the lead's own (hazard HOME-H1).
 */
export function AcknowledgementStatus(props: { h: HomeHandoverFragment; /** Say first that the escalation was dealt with (the service lead's list). */ handled?: boolean }): JSX.Element {
  const h = () => props.h;
  return (
    <div class="home-handover__status">
      <Show when={props.handled}>
        <Badge tone="muted">Handled</Badge>
      </Show>
      <Switch>
        <Match when={h().acknowledgedAt && h().acknowledgedOnBehalfOf}>
          <Badge tone="success">Acknowledged on behalf</Badge>
          <span>
            by {h().acknowledgedBy?.name ?? 'a service lead'} (service lead) on behalf of {h().acknowledgedOnBehalfOf!.name}, <When iso={h().acknowledgedAt!} />
          </span>
        </Match>
        <Match when={h().acknowledgedAt}>
          <Badge tone="success">Acknowledged</Badge>
          <span>
            by {h().acknowledgedBy?.name ?? 'the care team'}, <When iso={h().acknowledgedAt!} />
            <Show when={h().escalatedAt}> (after escalation)</Show>
          </span>
        </Match>
        <Match when={h().escalationOutcome === 'LEAD_REASSIGNED'}>
          <Badge tone="warning">Awaiting the new lead</Badge>
          <span>
            {h().escalationHandledBy?.name ?? 'A service lead'} reassigned the patient's lead, <When iso={h().escalationHandledAt!} />
          </span>
        </Match>
        <Match when={h().escalationOpen}>
          <Badge tone="warning">Awaiting acknowledgement</Badge>
          <Badge tone="info">Escalated to service lead</Badge>
        </Match>
        <Match when={true}>
          <Badge tone="warning">Awaiting acknowledgement</Badge>
        </Match>
      </Switch>
      <Show when={h().acknowledgementReply}>
        <blockquote class="home-handover__reply">{h().acknowledgementReply}</blockquote>
      </Show>
      <Show when={!h().acknowledgedAt && h().escalationNote}>
        <blockquote class="home-handover__reply">{h().escalationNote}</blockquote>
      </Show>
    </div>
  );
}
