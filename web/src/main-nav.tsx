import { ViewerMayNavDocument } from '@cairn/schema/operations';
import { createQuery } from '@urql/solid';
import { Show, type JSX } from 'solid-js';
import { Link, pathname } from './platform/router.js';

/**
 * The top bar's links, each shown when the access policy says the signed-in user may use what it leads to
 * (`viewerMay`): the web holds no rule of its own about roles.
 */
export function MainNav(): JSX.Element {
  const [abilities] = createQuery({ query: ViewerMayNavDocument });
  const may = () => abilities.data?.viewerMay;
  const here = (match: (path: string) => boolean) => (match(pathname()) ? 'page' : undefined);
  return (
    <>
      <Show when={may()?.workWithPatients}>
        <Link href="/handovers" class="top-bar__nav-link" aria-current={here((p) => p === '/handovers')}>
          Handovers
        </Link>
        {/* One entry for the programme: case finding is reached from the referrals pages (ProgrammeNav), so the bar stays one line. */}
        <Link href="/referrals" class="top-bar__nav-link" aria-current={here((p) => p.startsWith('/referrals') || p.startsWith('/case-finding'))}>
          Referrals
        </Link>
      </Show>
      <Show when={may()?.keepDiary}>
        <Link href="/diary" class="top-bar__nav-link" aria-current={here((p) => p === '/diary')}>
          Diary
        </Link>
      </Show>
      <Show when={may()?.viewCapacity}>
        <Link href="/capacity" class="top-bar__nav-link" aria-current={here((p) => p === '/capacity')}>
          Capacity
        </Link>
      </Show>
      <Show when={may()?.readServiceDashboard}>
        <Link href="/dashboard" class="top-bar__nav-link" aria-current={here((p) => p === '/dashboard')}>
          Dashboard
        </Link>
      </Show>
      <Show when={may()?.arrangePainCafes}>
        <Link href="/pain-cafes" class="top-bar__nav-link" aria-current={here((p) => p.startsWith('/pain-cafes'))}>
          Pain Cafés
        </Link>
      </Show>
      <Show when={may()?.readAuditView}>
        <Link href="/audit" class="top-bar__nav-link" aria-current={here((p) => p === '/audit')}>
          Audit
        </Link>
      </Show>
      <Show when={may()?.reviewMedication}>
        <Link href="/medication-reviews" class="top-bar__nav-link" aria-current={here((p) => p === '/medication-reviews' || p === '/indicators')}>
          Medication
        </Link>
      </Show>
    </>
  );
}
