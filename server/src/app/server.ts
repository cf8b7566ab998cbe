import express from 'express';
import { sessionGate } from '../auth/request-gate.js';
import type { Config } from '../platform/config.js';
import type { Orm } from '../platform/database.js';
import { compileEntityCode } from '../platform/entity-rows.js';
import { serveGraphql, type SocketOperationCounts } from '../platform/http-server.js';
import type { Logger } from '../platform/logger.js';
import type { CairnModule } from '../platform/module.js';
import type { Services } from '../platform/services.js';
import { modules } from './modules.js';
import { buildCairnSchema } from './schema.js';

export interface RunningServer {
  url: string;
  port: number;
  /** Operations of sockets answered directly (see platform/http-server.ts). */
  socketOperations: SocketOperationCounts;
  services: Services;
  stop(): Promise<void>;
}

/**
 * One running Cairn instance: every module's services built and started in order, the GraphQL endpoint
 * (HTTP and WebSocket on one port) and the modules' routes; `stop` ends live streams, drains, then stops
 * the modules in reverse.
 */
export async function startServer(config: Config, orm: Orm, logger: Logger): Promise<RunningServer> {
  const schema = await buildCairnSchema();
  const services = buildServices(modules, { config, orm, logger });
  // With the warm-up, as part of it: starts in tests are many and short.
  if (config.warmUpRequests > 0) {
    const since = performance.now();
    const entities = compileEntityCode(orm);
    logger.info('Compiled the ORM code of every entity', { entities, ms: Math.round(performance.now() - since) });
  }
  const started: CairnModule[] = [];
  try {
    for (const m of modules) {
      await m.start?.(services);
      started.push(m);
    }
    const http = await serveGraphql({
      config,
      orm,
      logger,
      schema,
      gate: sessionGate(services, new Set(modules.flatMap((m) => m.sessionCheckedOnWrite ?? []))),
      routes: (router: express.Router) => modules.forEach((m) => m.routes?.(router, services)),
    });
    return {
      url: http.url,
      port: http.port,
      socketOperations: http.socketOperations,
      services,
      stop: () => stopModules(started, services, () => http.stop()),
    };
  } catch (e) {
    await stopModules(started, services).catch(() => undefined);
    throw e;
  }
}

/** Each module's services, built in module order so a later one may use an earlier one's. */
export function buildServices(list: readonly CairnModule[], platform: Pick<Services, 'config' | 'orm' | 'logger'>): Services {
  const services = { ...platform } as Services;
  const provided = services as unknown as Record<string, unknown>;
  for (const m of list) {
    for (const [name, create] of Object.entries(m.services ?? {})) {
      if (name in provided) throw new Error(`Module ${m.name} provides "${name}", which is already provided`);
      provided[name] = (create as (s: Services) => unknown)(services);
    }
  }
  return services;
}

/** Live streams and sweeps end first, then connections drain (`drain`), then queues flush; all in reverse. */
async function stopModules(started: readonly CairnModule[], services: Services, drain?: () => Promise<void>): Promise<void> {
  const reversed = [...started].reverse();
  for (const m of reversed) await m.stopping?.(services);
  await drain?.();
  for (const m of reversed) await m.stop?.(services);
}
