import { For, Show, type JSX } from 'solid-js';
import { Dynamic } from 'solid-js/web';
import { roleLabel } from '@cairn/schema/words';
import { formatIsoDate } from '../platform/dates.js';
import { sectionAnchor, type CareTeamMember } from './plan-context.js';
import { categories, categoryLabels, flareUpKeys, flareUpLabels, goalStatusLabels, sectionLabels, type PlanView } from './plan-doc.js';
import { ProgressChart } from './progress-chart.js';
import { isBlank, RunsView } from './text-runs.js';

/**
 * A plan as text, nothing editable: for people who may read but not edit, for an old revision, and for a
 * signed plan. `level` is the heading level of its sections, so it fits wherever it is shown. `anchored`:
 * the live plan on its tab, whose sections the section menu jumps to (one such view per page).
 */
export function PlanReadOnly(props: { view: PlanView; careTeam: CareTeamMember[]; level: 3 | 4 | 5; presence?: (section: string) => JSX.Element; medicationExtra?: JSX.Element; anchored?: boolean }): JSX.Element {
  const h = () => `h${props.level}`;
  const sub = () => `h${props.level + 1}`;
  const reviewer = () => props.careTeam.find((m) => m.user.id === props.view.review.reviewerId);
  const Section = (p: { section: keyof typeof sectionLabels; children: JSX.Element }) => (
    <section class="plan-section plan-section--read" id={props.anchored ? sectionAnchor(p.section) : undefined} data-section={p.section} aria-label={sectionLabels[p.section]}>
      <div class="plan-section__head">
        <Dynamic component={h()} tabindex={props.anchored ? '-1' : undefined}>
          {sectionLabels[p.section]}
        </Dynamic>
        {props.presence?.(p.section)}
      </div>
      {p.children}
    </section>
  );
  const para = (text: string, empty: string) => (text.trim() ? <p class="plan-read__text">{text}</p> : <p class="muted">{empty}</p>);
  return (
    <div class="plan-read">
      <Section section="WHAT_MATTERS">
        <Show when={props.view.whatMattersRuns} fallback={para(props.view.whatMatters, 'Nothing written yet.')}>
          {(runs) => (isBlank(runs()) ? <p class="muted">Nothing written yet.</p> : <RunsView runs={runs()} class="plan-read__text plan-read__text--rich" />)}
        </Show>
      </Section>
      <Section section="GOALS">
        <Show when={props.view.goals.length > 0} fallback={<p class="muted">No goals yet.</p>}>
          <ol class="goal-list">
            <For each={props.view.goals}>
              {(g) => (
                <li class="goal goal--read">
                  <div class="goal__head">
                    <Dynamic component={sub()}>{g.what || 'Untitled goal'}</Dynamic>
                    <span class="badge badge--neutral">{goalStatusLabels[g.status]}</span>
                  </div>
                  <dl class="plan-facts">
                    <Show when={g.why}>
                      <dt>Why it matters</dt>
                      <dd>{g.why}</dd>
                    </Show>
                    <Show when={g.measure}>
                      <dt>How we will know</dt>
                      <dd>{g.measure}</dd>
                    </Show>
                    <Show when={g.targetDate}>
                      <dt>Target date</dt>
                      <dd>{formatIsoDate(g.targetDate!)}</dd>
                    </Show>
                  </dl>
                  <ProgressChart checkIns={g.checkIns} goal={g.what} />
                </li>
              )}
            </For>
          </ol>
        </Show>
      </Section>
      <Section section="STRATEGIES">
        <Show when={props.view.strategies.length > 0} fallback={<p class="muted">No strategies yet.</p>}>
          <For each={categories.filter((c) => props.view.strategies.some((s) => s.category === c))}>
            {(c) => (
              <div class="strategy-group">
                <Dynamic component={sub()}>{categoryLabels[c]}</Dynamic>
                <ul>
                  <For each={props.view.strategies.filter((s) => s.category === c)}>
                    {(s) => (
                      <li>
                        {s.what}
                        {s.howOften ? <span class="muted"> – {s.howOften}</span> : null}
                        {s.suggestedBy ? <span class="muted"> (suggested by {s.suggestedBy})</span> : null}
                      </li>
                    )}
                  </For>
                </ul>
              </div>
            )}
          </For>
        </Show>
      </Section>
      <Section section="FLARE_UP">
        <dl class="plan-facts">
          <For each={flareUpKeys}>
            {(k) => (
              <>
                <dt>{flareUpLabels[k]}</dt>
                <dd>{props.view.flareUp[k].trim() || <span class="muted">Not written yet.</span>}</dd>
              </>
            )}
          </For>
        </dl>
      </Section>
      <Section section="MEDICATION">
        {para(props.view.medication, 'Nothing written yet.')}
        {props.medicationExtra}
      </Section>
      <Section section="REVIEW">
        <dl class="plan-facts">
          <dt>Next review date</dt>
          <dd>{props.view.review.nextReviewDate ? formatIsoDate(props.view.review.nextReviewDate) : <span class="muted">Not set</span>}</dd>
          <dt>Who reviews</dt>
          <dd>{reviewer() ? `${reviewer()!.user.name} – ${roleLabel(reviewer()!.user.role)}` : props.view.review.reviewerId ? 'Someone no longer on the care team' : <span class="muted">Not decided yet</span>}</dd>
        </dl>
      </Section>
    </div>
  );
}
