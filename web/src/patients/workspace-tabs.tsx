import { For, type JSX } from 'solid-js';
import { Link } from '../platform/router.js';
import { useScrollStrip } from '../ui/scroll-strip.js';

/** The parts of a patient's record; later features fill each one. */
export const workspaceTabs = [
  { slug: 'care-plan', label: 'Care plan', placeholder: 'The shared care plan (goals, self-management strategies and review dates) will appear here.' },
  { slug: 'sessions', label: 'Sessions', placeholder: 'Coaching sessions: booking, what happened at each, the suggested cadence and discharge.' },
  { slug: 'handover', label: 'Handover', placeholder: 'Handover notes from specialist pain services, to read and acknowledge, will appear here.' },
  { slug: 'medication', label: 'Medication', placeholder: 'Analgesic medicines with their oral morphine equivalents, flags and proposed changes will appear here.' },
  { slug: 'discussion', label: 'Discussion', placeholder: "The care team's MDT discussion threads about this patient will appear here." },
  { slug: 'referrals', label: 'Referrals', placeholder: "The patient's referrals into the coaching programme will appear here." },
  { slug: 'measures', label: 'Measures', placeholder: "The patient's outcome measures (PSEQ, PEG, confidence, activation, GP visits) will appear here." },
  { slug: 'timeline', label: 'Timeline', placeholder: 'A history of everything that has happened in this record will appear here.' },
] as const;
export type WorkspaceTab = (typeof workspaceTabs)[number];

export function tabFor(slug: string | undefined): WorkspaceTab | undefined {
  return slug === undefined ? workspaceTabs[0] : workspaceTabs.find((t) => t.slug === slug);
}

/** The sections as links, so each has its own address and the browser's back button moves between them. */
export function WorkspaceTabs(props: { patientId: string; current: WorkspaceTab }): JSX.Element {
  const href = (tab: WorkspaceTab) => `/patients/${encodeURIComponent(props.patientId)}${tab === workspaceTabs[0] ? '' : `/${tab.slug}`}`;
  let list: HTMLUListElement | undefined;
  useScrollStrip(() => list, () => props.current);
  return (
    <nav class="workspace-tabs" aria-label="Patient record">
      <ul ref={list} class="scroll-strip">
        <For each={workspaceTabs}>
          {(tab) => (
            <li>
              <Link href={href(tab)} class="workspace-tabs__tab" aria-current={tab === props.current ? 'page' : undefined}>
                {tab.label}
              </Link>
            </li>
          )}
        </For>
      </ul>
    </nav>
  );
}
