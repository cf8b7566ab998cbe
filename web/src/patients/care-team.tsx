import type { PatientWorkspaceQuery } from '@cairn/schema/operations';
import { For, Show, type JSX } from 'solid-js';
import { roleLabel } from '../auth/roles.js';
import { Badge } from '../ui/badge.js';

type Member = PatientWorkspaceQuery['patient']['careTeam'][number];

/** The people caring for this patient; the server lists the lead first, and the lead is marked in words. */
export function CareTeam(props: { members: readonly Member[] }): JSX.Element {
  return (
    <section class="card care-team" aria-labelledby="care-team-heading">
      <h2 id="care-team-heading">Care team</h2>
      <Show when={props.members.length > 0} fallback={<p class="muted">Nobody is on this patient's care team.</p>}>
        <ul class="care-team__list">
          <For each={props.members}>
            {(m) => (
              <li class={`care-team__member ${m.isLead ? 'care-team__member--lead' : ''}`}>
                <div class="care-team__name">
                  <span>{m.user.name}</span>
                  <Show when={m.isLead}>
                    <Badge tone="lead">Lead</Badge>
                  </Show>
                </div>
                <div class="care-team__role">{m.teamRole}</div>
                <div class="care-team__org muted">
                  {roleLabel(m.user.role) === m.teamRole ? '' : `${roleLabel(m.user.role)} · `}
                  {m.user.organisation.name}
                </div>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}
