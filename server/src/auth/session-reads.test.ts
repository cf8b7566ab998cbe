import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCairnDatabase } from '../app/database.js';
import type { Orm } from '../platform/database.js';
import { useOwnDatabase } from '../test-support/own-database.js';
import { recordingLogger } from '../test-support/recording-logger.js';
import { makeWorld, type World } from '../test-support/world.js';
import { hashToken, newSessionToken } from './session-token.js';
import { Session } from './session.entity.js';
import { SessionReads } from './session-reads.js';

/** A database of this file's own, which starts with no session at all. */
describe('SessionReads.warm', () => {
  const url = useOwnDatabase('session_reads');
  let orm: Orm;
  let world: World;

  beforeAll(async () => {
    orm = await openCairnDatabase(url);
    world = await makeWorld(orm.em.fork());
  });
  afterAll(() => orm?.close());

  async function warmed(): Promise<{ made: number; warnings: number; reads: SessionReads }> {
    const logger = recordingLogger();
    const reads = new SessionReads(orm, logger);
    const made = await reads.warm();
    return { made, warnings: logger.lines.length, reads };
  }

  it('makes no session entities where no session is stored, and makes a stored one\'s, dropping them, where one is', async () => {
    const none = await warmed();
    expect(none).toMatchObject({ made: 0, warnings: 0 });
    await none.reads.stop();

    const token = newSessionToken();
    const em = orm.em.fork();
    em.persist(new Session(hashToken(token), world.users.coach, new Date(Date.now() + 3600_000), 'test'));
    await em.flush();

    const some = await warmed();
    expect(some).toMatchObject({ made: 50, warnings: 0 });
    // What it made was dropped: the session is still read fresh, and is live.
    const session = await some.reads.authenticate(token);
    expect(session?.user.id).toBe(world.users.coach.id);
    await some.reads.stop();
  });
});
