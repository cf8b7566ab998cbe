import type { Role } from '@cairn/schema/operations';
import { Match, Switch, type JSX } from 'solid-js';
import { useSession } from '../auth/session.js';
import { AdminHome } from '../admin/admin-home.js';
import { PractitionerHome } from './practitioner-home.js';
import { ServiceLeadHome } from './service-lead-home.js';
import { SpecialistHome } from './specialist-home.js';
import './homes.css';

/** The roles whose day is not a caseload: each lands on a home of its own at "/" (everyone else on the caseload). */
const rolesWithHome: readonly Role[] = ['SPECIALIST', 'SERVICE_LEAD', 'PAIN_PRACTITIONER', 'ADMIN'];

/** The signed-in user's role, when it has a home of its own (call during a component's setup). */
export function useHomeRole(): () => Role | undefined {
  const session = useSession();
  return () => {
    const s = session.state();
    return s.status === 'signedIn' && rolesWithHome.includes(s.user.role) ? s.user.role : undefined;
  };
}

export function RoleHome(props: { role: Role }): JSX.Element {
  return (
    <Switch>
      <Match when={props.role === 'SPECIALIST'}>
        <SpecialistHome />
      </Match>
      <Match when={props.role === 'SERVICE_LEAD'}>
        <ServiceLeadHome />
      </Match>
      <Match when={props.role === 'PAIN_PRACTITIONER'}>
        <PractitionerHome />
      </Match>
      <Match when={props.role === 'ADMIN'}>
        <AdminHome />
      </Match>
    </Switch>
  );
}
