import { Show, type JSX } from 'solid-js';
import { useSession } from '../auth/session.js';
import { Link, pathname } from '../platform/router.js';

/** For a PCN's coaches and service leads: the programme's two screens, referrals (with triage) and case finding. */
export function ProgrammeNav(): JSX.Element {
  const session = useSession();
  const finds = () => {
    const s = session.state();
    return s.status === 'signedIn' && (s.user.role === 'COACH' || s.user.role === 'SERVICE_LEAD');
  };
  const current = (prefix: string) => (pathname().startsWith(prefix) ? 'page' : undefined);
  return (
    <Show when={finds()}>
      <nav class="programme-nav" aria-label="Coaching programme">
        <Link href="/referrals" class="programme-nav__link" aria-current={current('/referrals')}>
          Referrals and triage
        </Link>
        <Link href="/case-finding" class="programme-nav__link" aria-current={current('/case-finding')}>
          Case finding
        </Link>
      </nav>
    </Show>
  );
}
