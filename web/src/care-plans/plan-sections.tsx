import { For, lazy, type JSX } from 'solid-js';
import * as Y from 'yjs';
import { roleLabel } from '@cairn/schema/words';
import { dayOfField, LATEST_DAY } from '../platform/dates.js';
import { BoundText } from './bound-text.js';
import { liveField, PlanSection, usePlan } from './plan-context.js';
import { flareUpKeys, flareUpLabels } from './plan-doc.js';

// The editor (Quill) is a third of the app's script: it loads only when someone opens a plan they may edit.
const RichText = lazy(() => import('./rich-text.js').then((m) => ({ default: m.RichText })));

/** Limits the server enforces (care-plan.doc.ts planLimits); the fields stop there rather than fail. */
export const longText = 20_000;
export const shortText = 500;

export function WhatMattersSection(): JSX.Element {
  const { sync } = usePlan();
  return (
    <PlanSection section="WHAT_MATTERS">
      <RichText
        text={sync.doc.getText('whatMatters')}
        label="What matters to me"
        hideLabel
        hint="The patient's story and priorities, in their own words."
        maxLength={longText}
      />
    </PlanSection>
  );
}

export function FlareUpSection(): JSX.Element {
  const { sync } = usePlan();
  const flareUp = sync.doc.getMap('flareUp');
  return (
    <PlanSection section="FLARE_UP">
      <div class="plan-grid">
        <For each={flareUpKeys}>
          {(key) => {
            const text = liveField<Y.Text>(flareUp, key);
            return <>{text() instanceof Y.Text ? <BoundText text={text()!} label={flareUpLabels[key]} multiline maxLength={longText} /> : null}</>;
          }}
        </For>
      </div>
    </PlanSection>
  );
}

/** `children`: read-only blocks shown beside the plan's own medication text (the approved tapers). */
export function MedicationSection(props: { children?: JSX.Element }): JSX.Element {
  const { sync } = usePlan();
  return (
    <PlanSection section="MEDICATION">
      <BoundText text={sync.doc.getText('medication')} label="Medication plan" hideLabel hint="What the patient takes for pain, and any changes agreed." multiline maxLength={longText} />
      {props.children}
    </PlanSection>
  );
}

export function ReviewSection(): JSX.Element {
  const { sync, careTeam } = usePlan();
  const review = sync.doc.getMap('review');
  const date = liveField<string | null>(review, 'nextReviewDate');
  const reviewer = liveField<string | null>(review, 'reviewerId');
  return (
    <PlanSection section="REVIEW">
      <div class="plan-grid">
        <div class="field">
          <label class="field__label" for="review-date">
            Next review date
          </label>
          <input
            id="review-date"
            class="field__input"
            type="date"
            max={LATEST_DAY}
            value={date() ?? ''}
            onChange={(e) => {
              const day = dayOfField(e.currentTarget.value);
              if (day === undefined) e.currentTarget.value = date() ?? '';
              else review.set('nextReviewDate', day);
            }}
          />
        </div>
        <div class="field">
          <label class="field__label" for="review-who">
            Who reviews
          </label>
          <select id="review-who" class="field__input field__select" onChange={(e) => review.set('reviewerId', e.currentTarget.value || null)}>
            <option value="" selected={!reviewer()}>
              Not decided yet
            </option>
            <For each={careTeam}>
              {(m) => (
                <option value={m.user.id} selected={reviewer() === m.user.id}>
                  {m.user.name} – {roleLabel(m.user.role)}
                </option>
              )}
            </For>
          </select>
        </div>
      </div>
    </PlanSection>
  );
}
