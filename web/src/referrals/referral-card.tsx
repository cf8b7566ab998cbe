import type { ReferralSummaryFragment } from '@cairn/schema/operations';
import { Show, type JSX } from 'solid-js';
import { formatDateTime } from '../notifications/when.js';
import { Link } from '../platform/router.js';
import { Badge } from '../ui/badge.js';
import { accessibilityWords, contactWords, sourceWords, statusWords } from './referral-words.js';

/** One referral: who, why, what the patient wants, how to reach them and what became of it. */
export function ReferralCard(props: { referral: ReferralSummaryFragment; children?: JSX.Element; aside?: JSX.Element }): JSX.Element {
  const r = () => props.referral;
  const needs = () => accessibilityWords(r());
  return (
    <article class="card referral-card" aria-labelledby={`ref-${r().id}`}>
      <header class="referral-card__head">
        <h3 id={`ref-${r().id}`}>
          <Show when={r().patient.viewerCan.read} fallback={r().patient.name}>
            <Link href={`/patients/${encodeURIComponent(r().patient.id)}`}>{r().patient.name}</Link>
          </Show>
        </h3>
        <span class="muted">
          NHS {r().patient.nhsNumberFormatted} · aged {r().patient.age} · {r().patient.practice.name}
        </span>
        {props.aside}
      </header>
      <dl class="referral-card__facts">
        <div>
          <dt>From</dt>
          <dd>
            {r().referrer.name} ({sourceWords[r().source]}), {formatDateTime(r().receivedAt)}
          </dd>
        </div>
        <div>
          <dt>Reason</dt>
          <dd>{r().reason}</dd>
        </div>
        <div>
          <dt>Wants help with</dt>
          <dd>{r().wantsHelpWith}</dd>
        </div>
        <div>
          <dt>Conditions</dt>
          <dd>{r().conditions.join(', ') || '—'}</dd>
        </div>
        <div>
          <dt>Contact</dt>
          <dd>
            {contactWords[r().contactMethod]}
            {r().contactTimes ? `, ${r().contactTimes}` : ''}
          </dd>
        </div>
        <Show when={needs().length > 0}>
          <div>
            <dt>Accessibility</dt>
            <dd>{needs().join(' · ')}</dd>
          </div>
        </Show>
        <Show when={r().status !== 'RECEIVED'}>
          <div>
            <dt>Outcome</dt>
            <dd>
              <Badge tone={r().status === 'ACCEPTED' ? 'success' : 'muted'}>{statusWords[r().status]}</Badge>{' '}
              {r().assignedCoach ? `to ${r().assignedCoach!.name}` : r().declineReason ?? (r().redirectedTo ? `to ${r().redirectedTo}` : '')}
            </dd>
          </div>
        </Show>
      </dl>
      {props.children}
    </article>
  );
}
