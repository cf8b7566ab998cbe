import { executionAsyncId } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { ValidationError } from '@mikro-orm/core';
import { describe, expect, it } from 'vitest';
import { Organisation, OrganisationKind } from '../organisations/organisation.entity.js';
import { gql, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';
import { ormIsWithoutAsyncContext } from './orm-context.js';

/** Whether promise hooks are installed: with none, a promise reaction runs with no async id of its own. */
const promiseHooksInstalled = async () => (await Promise.resolve().then(() => executionAsyncId())) !== 0;

describe('MikroORM without asynchronous context', () => {
  const server = useTestServer();
  const orm = () => server().orm;

  const namesOf = async (names: string[]) => (await orm().em.fork().find(Organisation, { name: { $in: names } })).map((o) => o.name).sort();

  it('was loaded by platform/orm-context.js, here as in main.ts', () => {
    expect(ormIsWithoutAsyncContext()).toBe(true);
  });

  it('leaves no promise hooks installed after sign-ins, flushes, transactions and a handover posted over HTTP', async () => {
    const world = await makeWorld(orm().em.fork());
    const patient = await world.patient([world.users.coach, world.users.fcp]);
    const token = await signInAs(server().url, world.users.fcp);
    const posted = await gql<{ postHandover: { id: string } }>(
      server().url,
      'mutation($input: PostHandoverInput!) { postHandover(input: $input) { id } }',
      { input: { patientId: patient.id, summary: 'Seen in clinic', advice: 'Keep pacing', urgency: 'ROUTINE', actions: [] } },
      token,
    );
    expect(posted.errors).toBeUndefined();
    await orm().em.fork().transactional(async (tx) => {
      tx.persist(new Organisation(`Hooks ${randomUUID()}`, OrganisationKind.GP_PRACTICE, null));
      await tx.flush();
    });
    expect(await promiseHooksInstalled()).toBe(false);
  });

  it('keeps a transaction all or nothing across awaits, on the fork it hands over', async () => {
    const [a, b, c] = [0, 1, 2].map((i) => `Atomic ${i} ${randomUUID()}`);
    await orm().em.fork().transactional(async (tx) => {
      tx.persist(new Organisation(a, OrganisationKind.GP_PRACTICE, null));
      await tx.flush();
      await tx.getConnection().execute('select pg_sleep(0.01)', [], 'all', tx.getTransactionContext());
      tx.persist(new Organisation(b, OrganisationKind.GP_PRACTICE, null));
    });
    expect(await namesOf([a, b])).toEqual([a, b].sort());

    const failing = orm().em.fork().transactional(async (tx) => {
      tx.persist(new Organisation(c, OrganisationKind.GP_PRACTICE, null));
      await tx.flush();
      await new Promise((resolve) => setTimeout(resolve, 10));
      throw new Error('refused after the flush');
    });
    await expect(failing).rejects.toThrow('refused after the flush');
    expect(await namesOf([c])).toEqual([]);
  });

  it('refuses the global EntityManager inside a transaction after an await, rather than let it join unseen', async () => {
    const attempt = orm().em.fork().transactional(async (tx) => {
      await tx.getConnection().execute('select 1', [], 'all', tx.getTransactionContext());
      return orm().em.find(Organisation, {});
    });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
  });
});
