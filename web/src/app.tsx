import { Provider } from '@urql/solid';
import { createEffect, createMemo, createSignal, Match, on, Show, Switch, type JSX } from 'solid-js';
import { roleLabel } from '@cairn/schema/words';
import { SessionProvider, useSession } from './auth/session.js';
import { SignInPage } from './auth/sign-in-page.js';
import { MainNav } from './main-nav.js';
import { CaseloadPage } from './caseload/caseload-page.js';
import { HandoverInboxPage } from './handover/handover-inbox-page.js';
import { NotificationBell } from './notifications/notification-bell.js';
import { NotificationsProvider } from './notifications/notification-center.js';
import { Toasts } from './notifications/toasts.js';
import { PatientWorkspace } from './patients/patient-workspace.js';
import { AddPatientPage } from './patients/add-patient-page.js';
import { PatientQuestionnairePage } from './outcomes/patient-questionnaire-page.js';
import { DashboardPage } from './outcomes/dashboard-page.js';
import { IndicatorsPage } from './medications/indicators-page.js';
import { MedicationWorklistsPage } from './medications/worklists-page.js';
import { ReferralsPage } from './referrals/referrals-page.js';
import { ReferralFormPage } from './referrals/referral-form-page.js';
import { CaseFindingPage } from './case-finding/case-finding-page.js';
import { CaseSearchPage } from './case-finding/case-search-page.js';
import { CapacityPage } from './sessions/capacity-page.js';
import { DiaryPage } from './sessions/diary-page.js';
import { CafePage } from './pain-cafes/cafe-page.js';
import { PainCafesPage } from './pain-cafes/pain-cafes-page.js';
import { RoleHome, useHomeRole } from './homes/role-home.js';
import { AuditPage } from './audit/audit-page.js';
import { SetPasswordPage } from './auth/set-password-page.js';
import type { Problem } from './platform/errors.js';
import { Link, matchPath, navigate, pathname } from './platform/router.js';
import { Alert } from './ui/alert.js';
import { EmptyState } from './ui/empty-state.js';
import { Layout } from './ui/layout.js';
import { Spinner } from './ui/spinner.js';

export function App(): JSX.Element {
  // A patient's questionnaire link needs no account: its page stands outside the signed-in app.
  const questionnaireToken = () => matchPath('/q/:token', pathname())?.token;
  // So does the one-time link an administrator gives someone to set a password.
  const passwordToken = () => matchPath('/set-password/:token', pathname())?.token;
  return (
    <Switch fallback={<SessionProvider><Shell /></SessionProvider>}>
      <Match when={questionnaireToken()} keyed>
        {(token) => <PatientQuestionnairePage token={token} />}
      </Match>
      <Match when={passwordToken()} keyed>
        {(token) => <SetPasswordPage token={token} />}
      </Match>
    </Switch>
  );
}

/** Signed out: the sign-in page at whatever address was asked for, so a deep link resumes after sign-in. */
function Shell(): JSX.Element {
  const session = useSession();
  const state = session.state;
  return (
    <Switch>
      <Match when={state().status === 'checking'}>
        <main id="main" class="page page--centred">
          <Spinner label="Opening Cairn…" />
        </main>
      </Match>
      <Match when={state().status === 'signedOut'}>
        {/* keyed on the connection: a fresh form for each new session */}
        <Show when={session.connection()} keyed>
          {(connection) => (
            <Provider value={connection.urql}>
              <SignInPage notice={(() => { const s = state(); return s.status === 'signedOut' ? s.notice : undefined; })()} />
            </Provider>
          )}
        </Show>
      </Match>
      <Match when={state().status === 'signedIn'}>
        <Show when={session.connection()} keyed>
          {(connection) => (
            <Provider value={connection.urql}>
              <SignedIn />
            </Provider>
          )}
        </Show>
      </Match>
    </Switch>
  );
}

function SignedIn(): JSX.Element {
  const session = useSession();
  const user = createMemo(() => {
    const s = session.state();
    return s.status === 'signedIn' ? s.user : undefined;
  });
  const homeRole = useHomeRole();
  const [signingOut, setSigningOut] = createSignal(false);
  const [problem, setProblem] = createSignal<Problem | null>(null);

  const leave = async (how: 'here' | 'everywhere') => {
    setSigningOut(true);
    setProblem(null);
    const failed = how === 'here' ? await session.signOut() : await session.signOutEverywhere();
    setSigningOut(false);
    if (failed) setProblem(failed);
    else navigate('/');
  };

  return (
    <NotificationsProvider connection={session.connection()}>
      <Layout
        userName={user()?.name ?? ''}
        userDetail={user() ? `${roleLabel(user()!.role)}, ${user()!.organisation.name}` : ''}
        home={
          <Link href="/" class="top-bar__home" aria-current={pathname() === '/' || (!homeRole() && pathname() === '/caseload') ? 'page' : undefined}>
            Cairn <span class="top-bar__home-sub">{homeRole() ? 'Home' : 'Caseload'}</span>
          </Link>
        }
        nav={<MainNav />}
        bell={<NotificationBell />}
        overlay={<Toasts />}
        onSignOut={() => void leave('here')}
        onSignOutEverywhere={() => void leave('everywhere')}
        signingOut={signingOut()}
        notice={problem() ? <Alert tone="error">Could not sign out: {problem()!.message}</Alert> : undefined}
      >
        <Routes />
      </Layout>
    </NotificationsProvider>
  );
}

function Routes(): JSX.Element {
  // Links to one handover note or one discussion open that tab with the item in view.
  const itemRoute = createMemo(() => matchPath('/patients/:id/:section/:itemId', pathname()));
  const patientRoute = createMemo(() => {
    const item = itemRoute();
    const itemTab = item?.section === 'handovers' ? 'handover' : item?.section === 'threads' ? 'discussion' : undefined;
    return itemTab ? { id: item!.id, tab: itemTab, itemId: item!.itemId } : matchPath('/patients/:id/:tab?', pathname());
  });
  // Moving to another page (not another tab of the same patient) puts focus at the top of the new page,
  // so keyboard and screen-reader users start there rather than on a link that has gone.
  const page = createMemo(() => (pathname() === '/' ? 'caseload' : (patientRoute()?.id ?? pathname())));
  createEffect(on(page, () => document.getElementById('main')?.focus({ preventScroll: true }), { defer: true }));
  // Specialists, service leads and pain management practitioners land on a home of their own; the caseload stays at /caseload.
  const homeRole = useHomeRole();
  return (
    <Switch fallback={<PageNotFound />}>
      <Match when={pathname() === '/' && homeRole()}>{(role) => <RoleHome role={role()} />}</Match>
      <Match when={pathname() === '/' || pathname() === '/caseload'}>
        <CaseloadPage />
      </Match>
      <Match when={pathname() === '/patients/new'}>
        <AddPatientPage />
      </Match>
      <Match when={patientRoute()?.id}>
        {(id) => <PatientWorkspace patientId={id()} tab={patientRoute()?.tab} itemId={patientRoute()?.itemId} />}
      </Match>
      <Match when={pathname() === '/handovers'}>
        <HandoverInboxPage />
      </Match>
      <Match when={pathname() === '/dashboard'}>
        <DashboardPage />
      </Match>
      <Match when={pathname() === '/medication-reviews'}>
        <MedicationWorklistsPage />
      </Match>
      <Match when={pathname() === '/diary'}>
        <DiaryPage />
      </Match>
      <Match when={pathname() === '/capacity'}>
        <CapacityPage />
      </Match>
      <Match when={pathname() === '/indicators'}>
        <IndicatorsPage />
      </Match>
      <Match when={pathname() === '/referrals'}>
        <ReferralsPage />
      </Match>
      <Match when={pathname() === '/referrals/new'}>
        <ReferralFormPage />
      </Match>
      <Match when={pathname() === '/case-finding'}>
        <CaseFindingPage />
      </Match>
      <Match when={matchPath('/case-finding/:id', pathname())?.id}>
        {(id) => <CaseSearchPage searchId={id()} />}
      </Match>
      <Match when={pathname() === '/audit'}>
        <AuditPage />
      </Match>
      <Match when={pathname() === '/pain-cafes'}>
        <PainCafesPage />
      </Match>
      <Match when={matchPath('/pain-cafes/:id', pathname())?.id}>
        {(id) => <CafePage cafeId={id()} />}
      </Match>
    </Switch>
  );
}

function PageNotFound(): JSX.Element {
  document.title = 'Page not found – Cairn';
  return (
    <EmptyState headingLevel={1} title="Page not found" action={<Link href="/">Go to your caseload</Link>}>
      <p>There is nothing at this address in Cairn.</p>
    </EmptyState>
  );
}
