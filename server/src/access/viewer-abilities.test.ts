import { describe, expect, it } from 'vitest';
import { gql, useTestServer } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';

const VIEWER_MAY = '{ viewerMay { createPatient workWithPatients keepDiary viewCapacity readServiceDashboard arrangePainCafes reviewMedication decideMedicationChanges readAuditView } }';

describe('what each role may do beyond one patient (viewerMay), from the policy', () => {
  const server = useTestServer();

  it('gives each role the entry points its work needs, and nothing to someone signed out', async () => {
    const world = await makeWorld(server().orm.em.fork());
    const abilities = async (token?: string) => {
      const res = await gql<{ viewerMay: Record<string, boolean> }>(server().url, VIEWER_MAY, {}, token);
      expect(res.errors).toBeUndefined();
      const may = res.data!.viewerMay;
      return Object.keys(may).filter((k) => may[k]);
    };
    const of = async (user: keyof typeof world.users) => abilities(await signInAs(server().url, world.users[user]));
    expect(await of('coach')).toEqual(['createPatient', 'workWithPatients', 'keepDiary', 'viewCapacity', 'readServiceDashboard', 'arrangePainCafes']);
    expect(await of('lead')).toEqual(['createPatient', 'workWithPatients', 'viewCapacity', 'readServiceDashboard', 'arrangePainCafes', 'reviewMedication', 'readAuditView']);
    expect(await of('gp')).toEqual(['createPatient', 'workWithPatients', 'reviewMedication', 'decideMedicationChanges']);
    expect(await of('pharm')).toEqual(['createPatient', 'workWithPatients', 'reviewMedication']);
    expect(await of('fcp')).toEqual(['createPatient', 'workWithPatients']);
    expect(await of('specialist')).toEqual(['workWithPatients']);
    expect(await of('admin')).toEqual(['readAuditView']);
    expect(await abilities(undefined)).toEqual([]);
  });
});
