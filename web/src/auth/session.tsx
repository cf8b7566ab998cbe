import {
  MeDocument,
  SignInDocument,
  SignOutDocument,
  SignOutEverywhereDocument,
  type CurrentUserFragment,
} from '@cairn/schema/operations';
import { createContext, createSignal, onCleanup, useContext, type Accessor, type JSX } from 'solid-js';
import { createConnection, type Connection } from '../platform/client.js';
import { describeError, type Problem } from '../platform/errors.js';

/** Where the app stands with the person at the screen. */
export type SessionState =
  | { status: 'checking' }
  | { status: 'signedOut'; notice?: { tone: 'info' | 'error'; message: string } }
  | { status: 'signedIn'; user: CurrentUserFragment };

export interface Session {
  state: Accessor<SessionState>;
  /** The connection for the current session; replaced whenever the session changes. */
  connection: Accessor<Connection>;
  /** Resolves with the problem to show in the form, or null once signed in. */
  signIn(email: string, password: string): Promise<Problem | null>;
  /** Resolves with a problem to show, or null once signed out. */
  signOut(): Promise<Problem | null>;
  signOutEverywhere(): Promise<Problem | null>;
}

const SessionContext = createContext<Session>();

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession needs a SessionProvider');
  return session;
}

/** Restores the session with `me` on load, and owns sign-in, sign-out and the session's connection. */
export function SessionProvider(props: { children: JSX.Element }): JSX.Element {
  const [state, setState] = createSignal<SessionState>({ status: 'checking' });
  const open = () =>
    createConnection({
      // Anything answering UNAUTHENTICATED means the session ended elsewhere (expired, revoked, deactivated).
      onUnauthenticated: () => {
        if (state().status === 'signedIn') endSession({ tone: 'info', message: 'Your session has ended. Please sign in again.' });
      },
    });
  const [connection, setConnection] = createSignal<Connection>(open());
  onCleanup(() => connection().dispose());

  function freshConnection(): void {
    connection().dispose();
    setConnection(open());
  }

  function endSession(notice?: { tone: 'info' | 'error'; message: string }): void {
    freshConnection();
    setState(notice ? { status: 'signedOut', notice } : { status: 'signedOut' });
  }

  void connection()
    .urql.query(MeDocument, {})
    .toPromise()
    .then((result) => {
      if (result.data?.me) setState({ status: 'signedIn', user: result.data.me });
      else if (result.error) setState({ status: 'signedOut', notice: { tone: 'error', message: describeError(result.error).message } });
      else setState({ status: 'signedOut' });
    });

  const session: Session = {
    state,
    connection,
    async signIn(email, password) {
      const result = await connection().urql.mutation(SignInDocument, { email, password }).toPromise();
      if (result.error || !result.data) return result.error ? describeError(result.error) : { code: null, message: 'Sign-in did not complete. Please try again.' };
      // A new connection, so its socket authenticates with the cookie this sign-in has just set.
      freshConnection();
      setState({ status: 'signedIn', user: result.data.signIn.user });
      return null;
    },
    async signOut() {
      const result = await connection().urql.mutation(SignOutDocument, {}).toPromise();
      return finishSignOut(result.error, 'You have signed out.');
    },
    async signOutEverywhere() {
      const result = await connection().urql.mutation(SignOutEverywhereDocument, {}).toPromise();
      const count = result.data?.signOutEverywhere ?? 0;
      return finishSignOut(result.error, `You have signed out on every device (${count} ${count === 1 ? 'session' : 'sessions'} ended).`);
    },
  };

  function finishSignOut(error: Parameters<typeof describeError>[0] | undefined, message: string): Problem | null {
    const problem = error ? describeError(error) : null;
    // Already signed out elsewhere counts as signed out; any other failure leaves the session as it was.
    if (problem && problem.code !== 'UNAUTHENTICATED') return problem;
    if (state().status === 'signedIn') endSession({ tone: 'info', message });
    return null;
  }

  return <SessionContext.Provider value={session}>{props.children}</SessionContext.Provider>;
}
