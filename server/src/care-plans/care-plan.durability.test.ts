import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import * as Y from 'yjs';
import { APPLY, b64 } from '../test-support/care-plan-editor.js';
import { gql, wsConnect, wsRequest, type TestSocket } from '../test-support/harness.js';
import { makeWorld, signInAs } from '../test-support/world.js';
import { openCairnDatabase } from '../app/database.js';
import type { Orm } from '../platform/database.js';
import { freePort } from '../platform/free-port.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * This file's own build of the server, so it runs the code under test without rewriting `server/dist`
 * while other test files start processes from it.
 */
const buildDir = path.join(repoRoot, 'server/.durability-dist');

/** The real server as a child process, so it can be SIGKILLed. */
async function startChild(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(buildDir, 'main.js')], {
    env: { ...process.env, DATABASE_URL: inject('databaseUrl'), PORT: String(port), HOST: '127.0.0.1', CAIRN_SEED_DEMO: 'false', CAIRN_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Cairn is running at')) resolve();
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before it was ready:\n${out}`)));
  });
  return child;
}


describe('durable before acknowledged', () => {
  let orm: Orm;
  const children: ChildProcess[] = [];
  beforeAll(() => {
    execFileSync(process.execPath, [path.join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', buildDir], {
      cwd: path.join(repoRoot, 'server'),
      stdio: 'ignore',
    });
  });
  beforeAll(async () => {
    orm = await openCairnDatabase(inject('databaseUrl'));
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await orm?.close();
  });

  it('keeps every acknowledged update through SIGKILL mid-stream, and a resend after restart stores nothing twice', async () => {
    const world = await makeWorld(orm.em.fork());
    const patient = await world.patient([world.users.coach]);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    children.push(await startChild(port));
    const token = await signInAs(url, world.users.coach);

    // A client typing one character per update, each sent as soon as the previous is acknowledged.
    const doc = new Y.Doc();
    const initial = await gql<{ carePlan: { state: string } }>(url, 'query($p: ID!) { carePlan(patientId: $p) { state } }', { p: patient.id }, token);
    Y.applyUpdate(doc, Buffer.from(initial.data!.carePlan.state, 'base64'));
    const sent: Array<{ id: string; update: string }> = [];
    doc.on('update', (u: Uint8Array) => sent.push({ id: `k-${sent.length}`, update: b64(u) }));
    const acked = new Set<string>();
    let socket: TestSocket = wsConnect(`ws://127.0.0.1:${port}/graphql`, token);
    await socket.connected;
    let killedAt = -1;
    for (let i = 0; i < 200 && killedAt < 0; i++) {
      doc.getText('whatMatters').insert(i, String.fromCharCode(97 + (i % 26)));
      const { id, update } = sent[i];
      const reply = wsRequest<{ applyCarePlanUpdate: { seq: number } }>(socket.client, APPLY, { p: patient.id, u: update, c: id });
      if (i === 40) {
        // Kill while this update is in flight: it may or may not have committed, and it is not acknowledged.
        children[0].kill('SIGKILL');
        killedAt = i;
      }
      const res = await reply.catch(() => null);
      if (res?.data?.applyCarePlanUpdate) acked.add(id);
    }
    await new Promise((r) => children[0].once('exit', r));
    await socket.client.dispose();
    expect(acked.size).toBeGreaterThanOrEqual(40);

    const stored = async () =>
      (await orm.em.fork().getConnection().execute<Array<{ client_update_id: string }>>('select client_update_id from care_plan_update where patient_id = ? order by seq', [patient.id])).map(
        (r) => r.client_update_id,
      );
    // Every acknowledged update is stored, each once.
    const afterKill = await stored();
    for (const id of acked) expect(afterKill).toContain(id);
    expect(new Set(afterKill).size).toBe(afterKill.length);

    // Restart; the client resends everything not acknowledged with the same ids (a retry), plus one more edit.
    children.push(await startChild(port));
    const token2 = await signInAs(url, world.users.coach);
    socket = wsConnect(`ws://127.0.0.1:${port}/graphql`, token2);
    await socket.connected;
    doc.getText('whatMatters').insert(doc.getText('whatMatters').length, '!');
    for (const { id, update } of sent.filter((s) => !acked.has(s.id))) {
      const res = await wsRequest<{ applyCarePlanUpdate: { duplicate: boolean } }>(socket.client, APPLY, { p: patient.id, u: update, c: id });
      expect(res.data?.applyCarePlanUpdate.duplicate).toBe(afterKill.includes(id));
    }
    const final = await stored();
    expect(final.length).toBe(sent.length);
    expect(new Set(final).size).toBe(final.length);
    const plan = await gql<{ carePlan: { view: { whatMatters: string } } }>(url, 'query($p: ID!) { carePlan(patientId: $p) { view { whatMatters } } }', { p: patient.id }, token2);
    expect(plan.data?.carePlan.view.whatMatters).toBe(doc.getText('whatMatters').toString());
    await socket.client.dispose();
    children[1].kill('SIGTERM');
    await new Promise((r) => children[1].once('exit', r));
  });
});
