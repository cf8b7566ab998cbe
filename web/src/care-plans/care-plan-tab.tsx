import { createSignal, Match, onCleanup, Show, Switch, type JSX } from 'solid-js';
import { useSession } from '../auth/session.js';
import { Alert } from '../ui/alert.js';
import { Button } from '../ui/button.js';
import { Spinner } from '../ui/spinner.js';
import { LoadFailed } from '../ui/list-states.js';
import './care-plan.css';
import { GoalsSection } from './goals-section.js';
import { HistoryPanel } from './history-panel.js';
import { PlanProvider, usePlan, type CareTeamMember } from './plan-context.js';
import type { CarePlanSection } from '@cairn/schema/operations';
import { readPlan } from './plan-doc.js';
import { FlareUpSection, MedicationSection, ReviewSection, WhatMattersSection } from './plan-sections.js';
import { PlanReadOnly } from './plan-read-only.js';
import { ApprovedTapers } from '../medications/approved-tapers.js';
import { CarePlanSync, type SaveStatus } from './plan-sync.js';
import { createPresence, PresenceAvatars } from './presence.js';
import { SignOffPanel } from './sign-off.js';
import { StrategiesSection } from './strategies-section.js';
import { SectionMenu } from './section-menu.js';
import { followPatientEvents } from '../timeline/patient-events.js';

/**
 * The care-plan tab: the live plan, co-edited by the care team. Anyone who may read the patient's
 * record sees it; editable fields only for those the server's policy lets edit (`canEdit`, from the
 * patient's `viewerCan`).
 */
export function CarePlanTab(props: { patientId: string; careTeam: CareTeamMember[]; canEdit: boolean; activationLevel: number | null }): JSX.Element {
  // Bumped by "Reload the plan" after a refused edit: a fresh document from the server.
  const [generation, setGeneration] = createSignal(1);
  return (
    <Show when={`${props.patientId}:${generation()}`} keyed>
      <OpenPlan patientId={props.patientId} careTeam={props.careTeam} canEdit={props.canEdit} activationLevel={() => props.activationLevel} reload={() => setGeneration(generation() + 1)} />
    </Show>
  );
}

function OpenPlan(props: { patientId: string; careTeam: CareTeamMember[]; canEdit: boolean; activationLevel: () => number | null; reload(): void }): JSX.Element {
  const session = useSession();
  const state = session.state();
  const me = state.status === 'signedIn' ? { id: state.user.id, name: state.user.name } : { id: '', name: '' };
  const canEdit = props.canEdit;
  const connection = session.connection();
  const sync = new CarePlanSync(connection.urql, connection.ws, props.patientId);
  void sync.start();
  const presence = createPresence(connection.urql, props.patientId, me.id, canEdit);
  const [showHistory, setShowHistory] = createSignal(false);
  // A colleague's sign-off reaches this copy of the plan live, so nobody acts on an outdated "not yet agreed".
  const [agreements, setAgreements] = createSignal(0);
  const agreementsChanged = () => setAgreements((n) => n + 1);
  followPatientEvents(() => props.patientId, (event) => event.kind === 'CARE_PLAN_SIGNED_OFF' && agreementsChanged(), agreementsChanged);

  const warnBeforeLeaving = (e: BeforeUnloadEvent) => {
    if (sync.hasUnsent()) e.preventDefault();
  };
  window.addEventListener('beforeunload', warnBeforeLeaving);
  onCleanup(() => {
    window.removeEventListener('beforeunload', warnBeforeLeaving);
    sync.close();
  });

  const sectionOf = (target: EventTarget | null) => (target instanceof Element ? (target.closest('[data-section]')?.getAttribute('data-section') as CarePlanSection | null) : null);
  // A rich-text box (its contenteditable text, the paragraphs inside it, its toolbar) counts as one field.
  const isField = (target: EventTarget | null) => target instanceof Element && target.closest('input, textarea, select, [contenteditable="true"], .rich-text__box') !== null;

  return (
    <PlanProvider value={{ sync, canEdit, me, careTeam: props.careTeam, presence, activationLevel: props.activationLevel, agreements }}>
      <div
        class="care-plan"
        onFocusIn={(e) => presence.focus(sectionOf(e.target), isField(e.target))}
        onFocusOut={(e) => {
          if (!(e.relatedTarget instanceof Node && e.currentTarget.contains(e.relatedTarget))) presence.focus(sectionOf(e.target), false);
        }}
        onPointerDown={(e) => {
          const section = sectionOf(e.target);
          if (section) presence.focus(section, isField(e.target));
        }}
      >
        {/* Sticky: whether edits are saved, and who else is here, stay in view however far down the plan. */}
        <div class="care-plan__bar">
          <div class="care-plan__toolbar">
            <Show when={canEdit} fallback={<span class="badge badge--muted">Read only</span>}>
              <SaveIndicator status={sync.status()} />
            </Show>
            <PresenceAvatars entries={presence.others()} label="Also looking at this plan" />
            <span class="care-plan__spacer" />
            <Button variant="secondary" aria-expanded={showHistory()} onClick={() => setShowHistory(!showHistory())}>
              {showHistory() ? 'Hide history' : 'History'}
            </Button>
          </div>
          <Show when={sync.load().state === 'ready'}>
            <SectionMenu />
          </Show>
        </div>
        <Show when={sync.refusal()}>
          {(problem) => (
            <Alert tone="error">
              <p>Your last change could not be saved: {problem().message}</p>
              <Button variant="secondary" onClick={() => props.reload()}>
                Reload the plan
              </Button>
            </Alert>
          )}
        </Show>
        <Switch>
          <Match when={sync.load().state === 'loading'}>
            <Spinner label="Loading the care plan…" />
          </Match>
          <Match when={(() => { const l = sync.load(); return l.state === 'failed' ? l : null; })()}>
            {(failed) => <LoadFailed error={failed().problem} retry={() => props.reload()} />}
          </Match>
          <Match when={sync.load().state === 'ready'}>
            <SignOffPanel />
            <Show when={showHistory()}>
              <HistoryPanel onClose={() => setShowHistory(false)} />
            </Show>
            <Show when={canEdit} fallback={<LiveReadOnly patientId={props.patientId} />}>
              <WhatMattersSection />
              <GoalsSection />
              <StrategiesSection />
              <FlareUpSection />
              <MedicationSection>
                <ApprovedTapers patientId={props.patientId} />
              </MedicationSection>
              <ReviewSection />
            </Show>
          </Match>
        </Switch>
      </div>
    </PlanProvider>
  );
}

/** The live plan for someone who may read but not edit: it still updates as the team types. */
function LiveReadOnly(props: { patientId: string }): JSX.Element {
  const { sync, careTeam, presence } = usePlan();
  const view = () => {
    sync.version();
    return readPlan(sync.doc);
  };
  return (
    <PlanReadOnly
      anchored
      view={view()}
      careTeam={careTeam}
      level={3}
      medicationExtra={<ApprovedTapers patientId={props.patientId} />}
      presence={(section) => <PresenceAvatars entries={presence.others().filter((e) => e.section === section)} label="Also in this section" />}
    />
  );
}

const statusWords: Record<SaveStatus, string> = {
  saving: 'Saving…',
  saved: 'Saved',
  offline: 'Offline — your edits are kept and will be sent',
  unsaved: 'Not saved',
};

function SaveIndicator(props: { status: SaveStatus }): JSX.Element {
  return (
    <span class={`save-status save-status--${props.status}`} data-status={props.status}>
      <span class="save-status__dot" aria-hidden="true" />
      {statusWords[props.status]}
      {/* Only going offline or a refusal is announced; "Saving… Saved" on every pause in typing would be noise. */}
      <span class="visually-hidden" role="status">
        {props.status === 'offline' || props.status === 'unsaved' ? statusWords[props.status] : ''}
      </span>
    </span>
  );
}
