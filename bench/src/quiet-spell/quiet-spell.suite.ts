import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gqlHttp, openSessions, seedWorld, startCairn } from '../support/cairn.js';
import { sleep } from '../support/sleep.js';
import { ms, percentile, table } from '../support/stats.js';

/**
 * `npm run bench -- quiet-spell`: a clinician opening a patient's workspace after the service has been
 * quiet for a while (QUIET_SECONDS, 35: longer than any pool lets a connection idle by default), against
 * the same request straight after another, in the same run (the baseline). QUIET_ROUNDS (4) quiet spells;
 * the workspace is the web app's own query (web/src/patients/patients.graphql).
 */
const QUIET_SECONDS = Number(process.env.QUIET_SECONDS ?? 35);
const ROUNDS = Number(process.env.QUIET_ROUNDS ?? 4);
const PATIENTS = 10;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const WORKSPACE = fs.readFileSync(path.join(repoRoot, 'web/src/patients/patients.graphql'), 'utf8');

export async function quietSpellBenchmark(): Promise<void> {
  const cairn = await startCairn();
  try {
    const world = await seedWorld(cairn.db, PATIENTS, 1);
    // Patient i's one clinician (its care team's lead) opens patient i's workspace.
    const tokens = await openSessions(cairn.db, world.users.map((u) => u.id));
    const open = async (patient: number) => {
      const started = performance.now();
      await gqlHttp(cairn.url, WORKSPACE, { id: world.patients[patient % PATIENTS] }, tokens[patient % PATIENTS], 'PatientWorkspace');
      return performance.now() - started;
    };
    // Each patient's workspace once, so that what is measured is the spell, not a first request.
    for (let i = 0; i < PATIENTS; i++) await open(i);
    console.log(`Cairn started; ${PATIENTS} patients; each workspace opened once. Quiet spells of ${QUIET_SECONDS} s follow: ${ROUNDS}.`);
    const rows: Array<{ afterQuiet: number; straightAfter: number }> = [];
    for (let r = 0; r < ROUNDS; r++) {
      await sleep(QUIET_SECONDS * 1000);
      const afterQuiet = await open(2 * r);
      const straightAfter = await open(2 * r + 1);
      rows.push({ afterQuiet, straightAfter });
      console.log(`  spell ${r + 1}: ${ms(afterQuiet)} after it, ${ms(straightAfter)} straight after that`);
    }
    const quiet = percentile(rows.map((r) => r.afterQuiet), 50);
    const warm = percentile(rows.map((r) => r.straightAfter), 50);
    table([
      { measure: `a patient's workspace after ${QUIET_SECONDS} s of quiet (median of ${ROUNDS})`, figure: ms(quiet) },
      { measure: 'baseline: the same request straight after another (median)', figure: ms(warm) },
      { measure: 'quiet ÷ baseline', figure: (quiet / warm).toFixed(2) },
    ]);
  } finally {
    await cairn.close();
  }
}
