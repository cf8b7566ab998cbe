import type { CairnModule } from '../platform/module.js';
import { AuthResolver } from './auth.resolver.js';
import { Migration0019PasswordResets } from './migrations/0019-password-resets.js';
import { PasswordReset } from './password-reset.entity.js';
import { PasswordResetResolver } from './password-reset.resolver.js';
import { Session } from './session.entity.js';
import { SessionReads } from './session-reads.js';
import { SignInLimiter } from './sign-in-limiter.js';
import { SocketRegistry } from './socket-registry.js';
import { UserAdminResolver } from './user-admin.resolver.js';
import { User } from './user.entity.js';
import { UserResolver } from './user.resolver.js';

declare module '../platform/services.js' {
  interface Services {
    signInLimiter: SignInLimiter;
    /** Session reads of sockets, batched across the sockets connecting and operating at once. */
    sessionReads: SessionReads;
    /** This instance's open sockets by session, closed at sign-out and by a periodic session check. */
    sockets: SocketRegistry;
  }
}

/** Accounts, sign-in and sessions. */
export const authModule: CairnModule = {
  name: 'auth',
  entities: [User, Session, PasswordReset],
  resolvers: [AuthResolver, UserResolver, UserAdminResolver, PasswordResetResolver],
  migrations: [{ name: '0019-password-resets', class: Migration0019PasswordResets }],
  services: {
    signInLimiter: () => new SignInLimiter(),
    sessionReads: ({ orm, logger }) => new SessionReads(orm, logger),
    sockets: (services) => new SocketRegistry(services, services.config.sessionSweepMs),
  },
  start: async ({ sockets, sessionReads }) => {
    sockets.start();
    await sessionReads.warm();
  },
  stopping: ({ sockets }) => sockets.stop(),
  stop: ({ sessionReads }) => sessionReads.stop(),
};
