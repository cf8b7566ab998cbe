import type { PatientWorkspaceQuery } from '@cairn/schema/operations';
import { For, Show, type JSX } from 'solid-js';
import { formatIsoDate } from '../platform/dates.js';
import { Badge } from '../ui/badge.js';
import { ActivationLevel } from './activation-level.js';
import { statusLabel, statusTone } from './patient-status.js';

type Patient = PatientWorkspaceQuery['patient'];

/** Who this is, at a glance: enough to be sure it is the right person. */
export function PatientHeader(props: { patient: Patient; canEdit: boolean; onChanged(): void }): JSX.Element {
  return (
    <header class="patient-header">
      <div class="patient-header__title">
        <h1>{props.patient.name}</h1>
        <Badge tone={statusTone(props.patient.status)}>{statusLabel(props.patient.status)}</Badge>
      </div>
      <dl class="patient-facts">
        <div>
          <dt>NHS number</dt>
          <dd class="nhs-number">{props.patient.nhsNumberFormatted}</dd>
        </div>
        <div>
          <dt>Date of birth</dt>
          <dd>
            {formatIsoDate(props.patient.dateOfBirth)} <span class="muted nowrap">({props.patient.age} years)</span>
          </dd>
        </div>
        <div>
          <dt>Practice</dt>
          <dd>{props.patient.practice.name}</dd>
        </div>
        <ActivationLevel patientId={props.patient.id} level={props.patient.activationLevel ?? null} setAt={props.patient.activationLevelSetAt ?? null} canEdit={props.canEdit} onChanged={props.onChanged} />
        <div class="patient-facts__wide">
          <dt>Conditions</dt>
          <dd>
            <Show when={props.patient.conditions.length > 0} fallback={<span class="muted">None recorded</span>}>
              <ul class="tag-list">
                <For each={props.patient.conditions}>{(c) => <li class="tag">{c}</li>}</For>
              </ul>
            </Show>
          </dd>
        </div>
      </dl>
    </header>
  );
}
