import { PatientWorkspaceDocument, type PatientWorkspaceQuery } from '@cairn/schema/operations';
import { createQuery, useClient } from '@urql/solid';
import { createEffect, Match, Show, Switch, type JSX } from 'solid-js';
import { CarePlanTab } from '../care-plans/care-plan-tab.js';
import { Link, navigate } from '../platform/router.js';
import { useSession } from '../auth/session.js';
import { CareTeamProvider } from './care-team-context.js';
import { EmptyState } from '../ui/empty-state.js';
import { lastGood, LoadFailed } from '../ui/list-states.js';
import { Button } from '../ui/button.js';
import { Spinner } from '../ui/spinner.js';
import { CareTeam } from './care-team.js';
import { PatientHeader } from './patient-header.js';
import { tabFor, WorkspaceTabs, type WorkspaceTab } from './workspace-tabs.js';
import { HandoverTab } from '../handover/handover-tab.js';
import { DiscussionTab } from '../threads/discussion-tab.js';
import { TimelineTab } from '../timeline/timeline-tab.js';
import { MeasuresTab } from '../outcomes/measures-tab.js';
import { MedicationTab } from '../medications/medication-tab.js';
import { ReferralsTab } from '../referrals/referrals-tab.js';
import { SessionsTab } from '../sessions/sessions-tab.js';

/** One patient's workspace: who they are, who cares for them, and the sections of their record. */
export function PatientWorkspace(props: { patientId: string; tab: string | undefined; itemId?: string | undefined }): JSX.Element {
  const [result, refetch] = createQuery({ query: PatientWorkspaceDocument, variables: () => ({ id: props.patientId }) });
  const code = () => result.error?.graphQLErrors[0]?.extensions?.code;
  // A record already shown stays when a later reload cannot reach the server (said above it), never replaced by the error.
  const loaded = lastGood(result);
  const patient = () => {
    const p = loaded()?.patient;
    return p?.id === props.patientId ? p : undefined;
  };
  const failed = () => (result.error && code() !== 'UNAUTHENTICATED' ? result.error : undefined);
  const tab = () => tabFor(props.tab);
  const urql = useClient();
  const session = useSession();
  const viewerId = () => {
    const s = session.state();
    return s.status === 'signedIn' ? s.user.id : undefined;
  };
  /** Re-reads the patient (a changed team, details or status), resolving once the page shows it. */
  const reload = async () => {
    await urql.query(PatientWorkspaceDocument, { id: props.patientId }, { requestPolicy: 'network-only' }).toPromise();
  };

  createEffect(() => {
    const p = patient();
    document.title = p ? `${p.name} – Cairn` : code() === 'NOT_FOUND' ? 'No such patient – Cairn' : 'Patient – Cairn';
  });

  return (
    <div class="workspace">
      <p class="back-link">
        <Link href="/">← Back to caseload</Link>
      </p>
      <Switch>
        <Match when={code() === 'NOT_FOUND'}>
          <EmptyState headingLevel={1} title="No such patient, or you do not have access" action={<Link href="/" class="button button--secondary">Go to your caseload</Link>}>
            <p>Check the link you followed. You can only see patients whose care team you are on, or who have been referred to your service.</p>
          </EmptyState>
        </Match>
        <Match when={patient()}>
          {(p) => (
            <>
              <Show when={failed()}>{(error) => <LoadFailed stale error={error()} retry={() => refetch({ requestPolicy: 'network-only' })} />}</Show>
              <CareTeamProvider patientId={p().id} members={p().careTeam} canManage={p().viewerCan.manageCareTeam} onChanged={reload}>
                <PatientHeader patient={p()} canEdit={p().viewerCan.updatePatient} onChanged={() => refetch({ requestPolicy: 'network-only' })} />
                {/* Where the care team sits below the record (tablets and phones), who is on it, a tap away. */}
                <p class="workspace__team-jump">
                  <Button variant="quiet" onClick={showCareTeam}>
                    {teamInBrief(p().careTeam)}
                  </Button>
                </p>
                {/* The record comes before the care team, on screen and to the keyboard: Tab reaches the record's tabs first. */}
                <div class="workspace__body">
                  <div class="workspace__record">
                    <Switch>
                      <Match when={tab()}>
                        {(t) => (
                          <>
                            <WorkspaceTabs patientId={p().id} current={t()} />
                            <section class="card workspace__panel" aria-labelledby="panel-heading">
                              <h2 id="panel-heading">{t().label}</h2>
                              <Show
                                when={t().slug === 'care-plan'}
                                fallback={
                                  <RecordSection tab={t()} patient={p()} itemId={props.itemId} onPatientChanged={() => refetch({ requestPolicy: 'network-only' })} />
                                }
                              >
                                <CarePlanTab patientId={p().id} careTeam={p().careTeam} canEdit={p().viewerCan.editCarePlan} activationLevel={p().activationLevel ?? null} />
                              </Show>
                            </section>
                          </>
                        )}
                      </Match>
                      <Match when={!tab()}>
                        <EmptyState title="No such section" action={<Link href={`/patients/${encodeURIComponent(p().id)}`}>Open the care plan</Link>}>
                          <p>This patient's record has no section at that address.</p>
                        </EmptyState>
                      </Match>
                    </Switch>
                  </div>
                  <CareTeam members={p().careTeam} canManage={p().viewerCan.manageCareTeam} viewerId={viewerId()} onLeftTeam={() => navigate('/')} />
                </div>
              </CareTeamProvider>
            </>
          )}
        </Match>
        <Match when={failed()}>{(error) => <LoadFailed error={error()} retry={() => refetch()} />}</Match>
        <Match when={true}>
          <Spinner label="Loading patient…" />
        </Match>
      </Switch>
    </div>
  );
}

/** "Care team: Ann Coach (lead) and 2 others": who leads, and how many more, for the jump to the team. */
function teamInBrief(team: PatientWorkspaceQuery['patient']['careTeam']): string {
  const lead = team.find((m) => m.isLead);
  const others = team.length - (lead ? 1 : 0);
  if (!lead) return `Care team: ${others === 0 ? 'nobody yet' : `${others} ${others === 1 ? 'member' : 'members'}`}`;
  return `Care team: ${lead.user.name} (lead)${others === 0 ? '' : ` and ${others} ${others === 1 ? 'other' : 'others'}`}`;
}

/** Brings the care team into view and moves the keyboard there, as a skip link would. */
function showCareTeam(): void {
  const heading = document.getElementById('care-team-heading');
  heading?.scrollIntoView({ block: 'start' });
  heading?.focus({ preventScroll: true });
}

/** The handover, discussion and timeline sections; `itemId` is the note or thread a link points at. */
function RecordSection(props: { tab: WorkspaceTab; patient: PatientWorkspaceQuery['patient']; itemId: string | undefined; onPatientChanged(): void }): JSX.Element {
  return (
    <Switch
      fallback={
        <>
          <p class="muted">{props.tab.placeholder}</p>
          <p class="muted">This part of Cairn is not available yet.</p>
        </>
      }
    >
      <Match when={props.tab.slug === 'handover'}>
        <HandoverTab patient={props.patient} focusHandoverId={props.itemId} />
      </Match>
      <Match when={props.tab.slug === 'sessions'}>
        <SessionsTab patient={props.patient} onPatientChanged={props.onPatientChanged} />
      </Match>
      <Match when={props.tab.slug === 'medication'}>
        <MedicationTab patient={props.patient} />
      </Match>
      <Match when={props.tab.slug === 'discussion'}>
        <DiscussionTab patient={props.patient} threadId={props.itemId} />
      </Match>
      <Match when={props.tab.slug === 'referrals'}>
        <Show when={props.patient.viewerCan.viewReferrals} fallback={<p class="muted">Referrals into the coaching programme are for the care team, the PCN's coaches and leads, and the practice's GPs.</p>}>
          <ReferralsTab patient={props.patient} />
        </Show>
      </Match>
      <Match when={props.tab.slug === 'measures'}>
        <MeasuresTab patientId={props.patient.id} canRecord={props.patient.viewerCan.recordOutcome} />
      </Match>
      <Match when={props.tab.slug === 'timeline'}>
        <TimelineTab patientId={props.patient.id} />
      </Match>
    </Switch>
  );
}
