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
  /** How often open sockets re-check their session (revocation, expiry, deactivation). */
  sessionSweepMs: number;
  seedDemo: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === 'production';
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    port: intFrom(env.PORT, 4000),
    host: env.HOST ?? '127.0.0.1',
    dataDir: path.resolve(env.CAIRN_DATA_DIR ?? path.join(repoRoot, '.data')),
    webDist: path.join(repoRoot, 'web', 'dist'),
    production,
    sessionTtlHours: intFrom(env.CAIRN_SESSION_TTL_HOURS, 12),
    allowedOrigins: (env.CAIRN_ALLOWED_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    sessionSweepMs: intFrom(env.CAIRN_SESSION_SWEEP_MS, 2000),
    seedDemo: env.CAIRN_SEED_DEMO !== 'false',
    logLevel: (env.CAIRN_LOG_LEVEL as Config['logLevel']) ?? 'info',
  };
}

function intFrom(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`Expected a whole number, got "${value}"`);
  return n;
}
