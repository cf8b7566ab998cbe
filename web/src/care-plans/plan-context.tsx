import type { CarePlanSection, PatientWorkspaceQuery } from '@cairn/schema/operations';
import { createContext, useContext, type JSX } from 'solid-js';
import type * as Y from 'yjs';
import { sectionLabels } from './plan-doc.js';
import type { CarePlanSync } from './plan-sync.js';
import { PresenceAvatars, type Presence } from './presence.js';

export type CareTeamMember = PatientWorkspaceQuery['patient']['careTeam'][number];

/** What every part of the open plan needs: the live document, who is looking, and whether they may edit. */
export interface PlanContextValue {
  sync: CarePlanSync;
  canEdit: boolean;
  me: { id: string; name: string };
  careTeam: CareTeamMember[];
  presence: Presence;
  /** The patient's activation level as the care team last assessed it (null: not assessed). */
  activationLevel: () => number | null;
  /** Changes whenever anyone records an agreement with the patient (live, from the patient's events): refetch what shows sign-offs. */
  agreements: () => number;
}

const PlanContext = createContext<PlanContextValue>();

export function PlanProvider(props: { value: PlanContextValue; children: JSX.Element }): JSX.Element {
  return <PlanContext.Provider value={props.value}>{props.children}</PlanContext.Provider>;
}

export function usePlan(): PlanContextValue {
  const plan = useContext(PlanContext);
  if (!plan) throw new Error('usePlan needs a PlanProvider');
  return plan;
}

/** Reads `read()` again whenever the plan changes, here or elsewhere. */
export function live<T>(read: () => T): () => T {
  const { sync } = usePlan();
  return () => {
    sync.version();
    return read();
  };
}

/** A field of a Y.Map, followed live. */
export function liveField<T>(map: Y.Map<unknown>, key: string): () => T | undefined {
  return live(() => map.get(key) as T | undefined);
}

/** The id the section menu jumps to (`#care-plan-goals`). */
export const sectionAnchor = (section: CarePlanSection) => `care-plan-${section.toLowerCase().replace(/_/g, '-')}`;

/** One section of the plan, with who else is in it. Focus inside it tells the others where you are. */
export function PlanSection(props: { section: CarePlanSection; children: JSX.Element; actions?: JSX.Element }): JSX.Element {
  const { presence } = usePlan();
  const headingId = `plan-section-${props.section.toLowerCase()}`;
  const here = () => presence.others().filter((e) => e.section === props.section);
  return (
    <section class="plan-section" id={sectionAnchor(props.section)} data-section={props.section} aria-labelledby={headingId}>
      <div class="plan-section__head">
        <h3 id={headingId} tabindex="-1">
          {sectionLabels[props.section]}
        </h3>
        <PresenceAvatars entries={here()} label={`Also in ${sectionLabels[props.section]}`} />
        {props.actions}
      </div>
      {props.children}
    </section>
  );
}
