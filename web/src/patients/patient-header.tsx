import type { PatientWorkspaceQuery } from '@cairn/schema/operations';
import { createSignal, For, Match, Show, Switch, type JSX } from 'solid-js';
import { formatIsoDate } from '../platform/dates.js';
import { Badge } from '../ui/badge.js';
import { Button } from '../ui/button.js';
import { ActivationLevel } from './activation-level.js';
import { EditDetailsForm } from './edit-details-form.js';
import { StatusForm } from './status-form.js';
import './patients.css';
import { statusLabel, statusTone } from './patient-status.js';

type Patient = PatientWorkspaceQuery['patient'];

/** Who this is, at a glance: enough to be sure it is the right person. */
export function PatientHeader(props: { patient: Patient; canEdit: boolean; onChanged(): void }): JSX.Element {
  // Which correction form is open (viewerCan decides which may be); focus returns to its button when it closes.
  const [open, setOpen] = createSignal<'details' | 'status' | null>(null);
  const [saved, setSaved] = createSignal<string | null>(null);
  let detailsButton: HTMLButtonElement | undefined;
  let statusButton: HTMLButtonElement | undefined;
  const close = (words: string | null) => {
    const was = open();
    setOpen(null);
    setSaved(words);
    if (words) props.onChanged();
    queueMicrotask(() => (was === 'status' ? statusButton : detailsButton)?.focus());
  };
  const toggle = (which: 'details' | 'status') => {
    setSaved(null);
    setOpen(open() === which ? null : which);
  };
  return (
    <header class="patient-header">
      <div class="patient-header__title">
        <h1>{props.patient.name}</h1>
        <Badge tone={statusTone(props.patient.status)}>{statusLabel(props.patient.status)}</Badge>
        <div class="patient-header__tools">
          <Show when={props.patient.viewerCan.editPatientDetails}>
            <Button variant="secondary" ref={detailsButton} aria-expanded={open() === 'details'} onClick={() => toggle('details')}>
              Edit details
            </Button>
          </Show>
          <Show when={props.patient.viewerCan.changePatientStatus}>
            <Button variant="secondary" ref={statusButton} aria-expanded={open() === 'status'} onClick={() => toggle('status')}>
              Change status
            </Button>
          </Show>
        </div>
      </div>
      <p class="patient-header__saved" role="status">
        {saved() ?? ''}
      </p>
      <Switch>
        <Match when={open() === 'details'}>
          <EditDetailsForm patient={props.patient} onSaved={() => close("The patient's details were saved.")} onCancel={() => close(null)} onRecordChanged={props.onChanged} />
        </Match>
        <Match when={open() === 'status'}>
          <StatusForm patient={props.patient} onSaved={() => close("The patient's status was changed; the reason is on the timeline.")} onCancel={() => close(null)} />
        </Match>
      </Switch>
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
