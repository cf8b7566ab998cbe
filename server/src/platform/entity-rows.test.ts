import { Utils, wrap } from '@mikro-orm/postgresql';
import { describe, expect, inject, it, vi } from 'vitest';
import { cairnSchemaParts, openCairnDatabase } from '../app/database.js';
import { Patient } from '../patients/patient.entity.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { useTestServer } from '../test-support/harness.js';
import { makeWorld } from '../test-support/world.js';
import { compileEntityCode, DetachedGraphs, detachEntityGraph, entityColumns, entityFromRow } from './entity-rows.js';
import { runSql, sql } from './sql.js';

describe('entities from hand-written rows', () => {
  const server = useTestServer();

  const patientRow = async (em: Parameters<typeof entityColumns>[0], id: string) =>
    (
      await runSql<Record<string, unknown>>(
        em,
        sql`select ${entityColumns(em, Patient, 'p')}, ${entityColumns(em, Organisation, 'po')} from patient p join organisation po on po.id = p.practice_id where p.id = ${id}`,
      )
    )[0];

  it('maps a patient and its practice to managed, typed entities, the relation pointing at the practice mapped first', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const stored = await world.patient();
    const em = server().orm.em.fork();
    const row = await patientRow(em, stored.id);
    const practice = entityFromRow(em, Organisation, row, 'po');
    const patient = entityFromRow(em, Patient, row, 'p');
    expect(patient.practice).toBe(practice);
    expect(practice.name).toBe(stored.practice.name);
    expect([patient.givenName, patient.nhsNumber, patient.dateOfBirth]).toEqual([stored.givenName, stored.nhsNumber, '1970-05-17']);
    expect(em.getUnitOfWork().getById(Patient.name, stored.id)).toBe(patient);
  });

  it('answers an entity the EntityManager already holds as it is, keeping a change not yet flushed', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const stored = await world.patient();
    const em = server().orm.em.fork();
    const held = await em.findOneOrFail(Patient, { id: stored.id });
    held.givenName = 'Changed, not yet flushed';
    const again = entityFromRow(em, Patient, await patientRow(em, stored.id), 'p');
    expect(again).toBe(held);
    expect(again.givenName).toBe('Changed, not yet flushed');
  });

  it('lets go of the EntityManager behind an entity and everything it refers to', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const stored = await world.patient();
    const em = server().orm.em.fork();
    const row = await patientRow(em, stored.id);
    entityFromRow(em, Organisation, row, 'po');
    const patient = entityFromRow(em, Patient, row, 'p');
    detachEntityGraph(patient);
    const emOf = (e: object) => wrap(e, true).__em;
    expect([emOf(patient), emOf(patient.practice)]).toEqual([undefined, undefined]);
  });

  it('keeps graphs loaded alike once, detached, and never hands one out for data it no longer holds', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const stored = await world.patient();
    const load = async () => {
      const em = server().orm.em.fork();
      const row = await patientRow(em, stored.id);
      entityFromRow(em, Organisation, row, 'po');
      return entityFromRow(em, Patient, row, 'p');
    };
    const graphs = new DetachedGraphs();
    const first = graphs.keep(await load());
    const second = graphs.keep(await load());
    expect(second).toBe(first); // two holders, one copy
    expect([wrap(first, true).__em, wrap(first.practice, true).__em]).toEqual([undefined, undefined]);

    // Loaded after a change: its own copy, not the older one.
    const em = server().orm.em.fork();
    await runSql(em, sql`update organisation set name = ${`Renamed ${stored.id}`} where id = ${stored.practice.id}`);
    const renamed = graphs.keep(await load());
    expect(renamed).not.toBe(first);
    expect(renamed.practice.name).toBe(`Renamed ${stored.id}`);

    // A kept copy changed in place is not handed to a holder that loaded what it held before.
    renamed.givenName = 'Changed in place';
    const reloaded = graphs.keep(await load());
    expect(reloaded).not.toBe(renamed);
    expect(reloaded.givenName).toBe(stored.givenName);
  });

  it('makes the entities of a row once for every holder that read the same row, and again when the row or the kept copy changed', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const stored = await world.patient();
    let built = 0;
    const keepRowOf = async (graphs: DetachedGraphs) => {
      const em = server().orm.em.fork();
      const row = await patientRow(em, stored.id);
      return graphs.keepRow('patient', row, () => {
        built++;
        entityFromRow(em, Organisation, row, 'po');
        return entityFromRow(em, Patient, row, 'p');
      });
    };
    const graphs = new DetachedGraphs();
    const first = await keepRowOf(graphs);
    expect(await keepRowOf(graphs)).toBe(first);
    expect(built).toBe(1);
    expect(wrap(first, true).__em).toBeUndefined();

    await runSql(server().orm.em.fork(), sql`update patient set given_name = ${'Renamed'} where id = ${stored.id}`);
    const renamed = await keepRowOf(graphs);
    expect([renamed === first, renamed.givenName, built]).toEqual([false, 'Renamed', 2]);

    renamed.givenName = 'Changed in place';
    const again = await keepRowOf(graphs);
    expect([again === renamed, again.givenName, built]).toEqual([false, 'Renamed', 3]);
  });

  it('writes the ORM code of every entity ahead of use: making a patient and finding its practice then write none', async () => {
    const stored = await (await makeWorld(server().orm.em.fork())).patient();
    /** Functions the ORM generated while a patient and its practice were made from a row and found, on a new ORM. */
    const generatedOnFirstUse = async (ahead: boolean) => {
      const orm = await openCairnDatabase(inject('databaseUrl'));
      const generate = vi.spyOn(Utils, 'createFunction');
      try {
        if (ahead) expect(compileEntityCode(orm)).toBe(cairnSchemaParts().entities.length);
        generate.mockClear();
        const em = orm.em.fork();
        entityFromRow(em, Patient, await patientRow(em, stored.id), 'p');
        await orm.em.fork().findOneOrFail(Organisation, { id: stored.practice.id });
        return generate.mock.calls.length;
      } finally {
        generate.mockRestore();
        await orm.close();
      }
    };
    expect(await generatedOnFirstUse(false)).toBeGreaterThan(0);
    expect(await generatedOnFirstUse(true)).toBe(0);
  });
});
