/**
 * Live events across Cairn instances: the subscribers on one instance, the handovers posted to another on
 * the same database. An event crosses as it always does between instances: the writer's commit NOTIFYs
 * every instance listening on the event log (server/src/events/event-log.ts), and the subscribers'
 * instance reads the log and dispatches what it read (event-hub.ts).
 */
import { startCairnPeer } from '../support/cairn.js';
import { freePort } from '../support/child-server.js';
import { inspectOn, inspectorUrl } from './process-tools.js';
import { startCairnTarget, type Target } from './targets.js';

/**
 * Two Cairn instances on one database, driven as one target: `post` goes to the first (where the world is
 * seeded), the subscribers connect to the second, whose process is the one measured.
 */
export async function startCairnPair(teamSize: number): Promise<Target> {
  const writer = await startCairnTarget(teamSize);
  try {
    const debugPort = await freePort();
    const reader = await startCairnPeer(writer.cairn, { NODE_OPTIONS: inspectOn(debugPort), CAIRN_MAX_SOCKETS_PER_SESSION: '1000000' });
    return {
      ...writer,
      name: 'Cairn, 2 instances',
      pid: reader.server.pid,
      inspector: await inspectorUrl(debugPort),
      wsUrl: reader.wsUrl,
      async stop() {
        await reader.server.stop().catch(() => undefined);
        await writer.stop();
      },
    };
  } catch (e) {
    await writer.stop().catch(() => undefined);
    throw e;
  }
}
