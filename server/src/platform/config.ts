import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Every setting Cairn reads from the environment, read once, here. */
export interface Config {
  /** PostgreSQL to use; unset means "start the embedded one under dataDir". */
  databaseUrl: string | undefined;
  port: number;
  host: string;
  dataDir: string;
  /** The built web app served at `/`; absent in API-only tests. */
  webDist: string | undefined;
  production: boolean;
  sessionTtlHours: number;
  /** Origins allowed to open a WebSocket; the server's own origin is always allowed. */
  allowedOrigins: string[];
  /**
   * Which proxies in front of Cairn to believe about the client's address (`X-Forwarded-For`), as express's
   * `trust proxy`: false (none, the default), a number of hops, or addresses, subnets or names
   * (`loopback`, `uniquelocal`). Sign-in limits are keyed on that address.
   */
  trustProxy: boolean | number | string[];
  /** How often open sockets re-check their session (revocation, expiry, deactivation). */
  sessionSweepMs: number;
  /** Seed the demo service into an empty database: by default outside production, in production only on request. */
  seedDemo: boolean;
  /**
   * CAIRN_SEED_DEMO=true: this is a demonstration service, so its demo accounts (with their published
   * password) may be active even in production. Otherwise production refuses to start with one active.
   */
  demoService: boolean;
  /** Development only (CAIRN_EXPOSE_ERRORS=true): internal errors answer with their real message. */
  exposeErrors: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Live events one subscriber may have waiting before it is told to resync from its cursor. */
  eventQueueLimit: number;
  /** An URGENT handover unacknowledged this many seconds (default 4 hours) escalates to the PCN's service leads. */
  handoverUrgentEscalationSeconds: number;
  /** A SOON handover unacknowledged this many working days (Mon–Fri) escalates. */
  handoverSoonEscalationWorkingDays: number;
  /** How often each instance looks for handovers due to escalate and care-plan digests due to send. */
  escalationSweepMs: number;
  /** Care-plan edits are gathered into one notification after this long without a further edit. */
  carePlanDigestQuietMs: number;
  /** A care plan's timeline entry comes after this long without an edit (or twice this into a busy spell): within a minute by default. */
  carePlanTimelineQuietMs: number;
  /** Operations one WebSocket may have open at once (its live subscriptions, and queries while they run). */
  maxSubscriptionsPerSocket: number;
  /** WebSockets one signed-in session may hold open at once (a browser opens one per tab). */
  maxSocketsPerSession: number;
  /** Presence entries (browser tabs) one user may hold on one care plan. */
  maxPresencePerUserPerPlan: number;
  /** An HTTP request must arrive whole within this long (Node's `server.requestTimeout`). */
  requestTimeoutMs: number;
  /** An HTTP request's headers must arrive within this long (Node's `server.headersTimeout`). */
  headersTimeoutMs: number;
  /** A patient's questionnaire link expires this many days after it is made (default 14). */
  questionnaireLinkDays: number;
  /** Total oral morphine equivalent (mg/day) at or above which a patient is flagged high dose: 120 as in Opioids Aware; some national measures use 90. */
  highDoseOmeMgPerDay: number;
  /** A referral waiting this many weeks (from receipt, until the patient is first seen) is flagged as a breach: 18, the NHS referral-to-treatment standard. */
  referralBreachWeeks: number;
  /** An invitation unanswered this many days is marked NO_RESPONSE (never sooner than `invitationReminderLeadDays` after its reminder). */
  invitationNoResponseDays: number;
  /** The inviting coach is reminded this many days before an invitation is marked NO_RESPONSE. */
  invitationReminderLeadDays: number;
  /** How often each instance looks for invitations due a reminder or NO_RESPONSE. */
  invitationSweepMs: number;
  /** How often each instance looks for taper steps that have fallen due. */
  taperReminderSweepMs: number;
  /** A password-reset link made by an administrator works this many hours (default 24), once. */
  passwordResetLinkHours: number;
  /** The most audit entries one CSV export may hold (default 20000); a larger export is refused, never cut short. */
  auditExportMaxRows: number;
  /**
   * Signed-out GraphQL requests (and a socket for every fourth) the server answers on a private loopback
   * port before it listens, so that its first clients meet warmed code (see platform/warm-up.ts). 200 in
   * production (CAIRN_WARM_UP_REQUESTS); none elsewhere, where starts are many and short (tests).
   */
  warmUpRequests: number;
  /** Where the care-plan store writes its group commits' stage timings as it stops (the benchmark sets it); none when unset. */
  carePlanStagesFile: string | null;
  /** The least time between the starts of two care-plan group commits (CAIRN_CARE_PLAN_GROUP_GAP_MS, default 10; see CarePlanStoreOptions). */
  carePlanGroupGapMs: number;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === 'production';
  const demoService = env.CAIRN_SEED_DEMO === 'true';
  const exposeErrors = env.CAIRN_EXPOSE_ERRORS === 'true';
  // Internal errors carry SQL with patients' and users' data (even password hashes) in it.
  if (production && exposeErrors) throw new ConfigError('CAIRN_EXPOSE_ERRORS is for development only; unset it when NODE_ENV=production.');
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    port: intFrom(env.PORT, 4000),
    host: env.HOST ?? '127.0.0.1',
    dataDir: path.resolve(env.CAIRN_DATA_DIR ?? path.join(repoRoot, '.data')),
    webDist: path.join(repoRoot, 'web', 'dist'),
    production,
    sessionTtlHours: intFrom(env.CAIRN_SESSION_TTL_HOURS, 12),
    allowedOrigins: (env.CAIRN_ALLOWED_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    trustProxy: trustProxyFrom(env.CAIRN_TRUST_PROXY),
    sessionSweepMs: intFrom(env.CAIRN_SESSION_SWEEP_MS, 2000),
    // The demo service has an ADMIN with a published password: never in production unless asked for.
    seedDemo: production ? demoService : env.CAIRN_SEED_DEMO !== 'false',
    demoService,
    exposeErrors,
    logLevel: (env.CAIRN_LOG_LEVEL as Config['logLevel']) ?? 'info',
    eventQueueLimit: intFrom(env.CAIRN_EVENT_QUEUE_LIMIT, 1000),
    handoverUrgentEscalationSeconds: intFrom(env.CAIRN_HANDOVER_URGENT_ESCALATION_SECONDS, 4 * 3600),
    handoverSoonEscalationWorkingDays: intFrom(env.CAIRN_HANDOVER_SOON_ESCALATION_WORKING_DAYS, 2),
    escalationSweepMs: intFrom(env.CAIRN_ESCALATION_SWEEP_MS, 60_000),
    carePlanDigestQuietMs: intFrom(env.CAIRN_CARE_PLAN_DIGEST_QUIET_MS, 10 * 60_000),
    carePlanTimelineQuietMs: intFrom(env.CAIRN_CARE_PLAN_TIMELINE_QUIET_MS, 20_000),
    maxSubscriptionsPerSocket: intFrom(env.CAIRN_MAX_SUBSCRIPTIONS_PER_SOCKET, 50),
    maxSocketsPerSession: intFrom(env.CAIRN_MAX_SOCKETS_PER_SESSION, 20),
    maxPresencePerUserPerPlan: intFrom(env.CAIRN_MAX_PRESENCE_PER_USER_PER_PLAN, 10),
    requestTimeoutMs: intFrom(env.CAIRN_REQUEST_TIMEOUT_MS, 30_000),
    headersTimeoutMs: intFrom(env.CAIRN_HEADERS_TIMEOUT_MS, 10_000),
    questionnaireLinkDays: intFrom(env.CAIRN_QUESTIONNAIRE_LINK_DAYS, 14),
    highDoseOmeMgPerDay: intFrom(env.CAIRN_HIGH_DOSE_OME_MG_PER_DAY, 120),
    referralBreachWeeks: intFrom(env.CAIRN_REFERRAL_BREACH_WEEKS, 18),
    invitationNoResponseDays: intFrom(env.CAIRN_INVITATION_NO_RESPONSE_DAYS, 28),
    invitationReminderLeadDays: intFrom(env.CAIRN_INVITATION_REMINDER_LEAD_DAYS, 7),
    invitationSweepMs: intFrom(env.CAIRN_INVITATION_SWEEP_MS, 60_000),
    taperReminderSweepMs: intFrom(env.CAIRN_TAPER_REMINDER_SWEEP_MS, 60_000),
    passwordResetLinkHours: intFrom(env.CAIRN_PASSWORD_RESET_LINK_HOURS, 24),
    auditExportMaxRows: intFrom(env.CAIRN_AUDIT_EXPORT_MAX_ROWS, 20_000),
    warmUpRequests: intFrom(env.CAIRN_WARM_UP_REQUESTS, production ? 200 : 0),
    carePlanStagesFile: env.CAIRN_CARE_PLAN_STAGES_FILE || null,
    carePlanGroupGapMs: intFrom(env.CAIRN_CARE_PLAN_GROUP_GAP_MS, 10),
  };
}

/** A setting that cannot work; its message says which and what to do. */
export class ConfigError extends Error {}

function intFrom(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`Expected a whole number, got "${value}"`);
  return n;
}

/** CAIRN_TRUST_PROXY: unset or "false", "true", a hop count, or a comma-separated list of addresses/subnets/names. */
function trustProxyFrom(value: string | undefined): Config['trustProxy'] {
  const v = value?.trim() ?? '';
  if (v === '' || v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}
