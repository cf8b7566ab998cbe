import type { Client } from 'graphql-ws';
import * as Y from 'yjs';
import { cpuMsOf } from '../support/child-server.js';
import { gqlHttp, seedWorld, signInAll, startCairn } from '../support/cairn.js';
import { percentile } from '../support/stats.js';
import { APPLY, connectSocket } from './cairn-load.js';
import { batchTrace, generateTypingTrace, type TypingTrace } from './typing-trace.js';

export interface HistoryOptions {
  ops: number;
  seed: number;
  /** Each update carries 1–maxBatch keystrokes (seeded uniform). */
  maxBatch: number;
  /** The replay through Cairn stops after this long (reported as partial); the machine is shared. */
  maxMinutes: number;
}

export interface HistoryResult {
  ops: number;
  inserts: number;
  deletes: number;
  cursorJumps: number;
  finalChars: number;
  updates: number;
  cairn: {
    /** Operations and updates actually replayed (less than the trace when the time cap was hit). */
    opsReplayed: number;
    updatesSent: number;
    totalMs: number;
    /** Server process CPU during the replay, in cores. */
    serverCores: number;
    ackP50: number;
    ackP99: number;
    /** Sum of octet_length of the plan's update rows. */
    updateBytes: number;
    /** octet_length of the compacted snapshot, and the seq it covers. */
    snapshotBytes: number;
    snapshotSeq: number;
    lastSeq: number;
    /** pg_total_relation_size of care_plan_update (rows, headers, indexes, TOAST). */
    updateTableBytes: number;
    coldLoadMs: number;
    warmLoadMs: number;
    converged: boolean;
  };
  yjs: {
    applyMs: number;
    updateBytes: number;
    stateBytes: number;
    stateBytesV2: number;
    loadMs: number;
  };
}

/** Applies trace operations [from, to) to `text`. */
function applyOps(text: Y.Text, trace: TypingTrace, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const c = trace.char[i];
    if (c === 0) text.delete(trace.pos[i], 1);
    else text.insert(trace.pos[i], String.fromCharCode(c));
  }
}

const PLAN = `query($p: ID!) { carePlan(patientId: $p) { seq state view { whatMatters } } }`;

/**
 * Part 3: one plan with a long history. The trace is replayed through Cairn as one client sends it (one
 * update per batch, each awaited before the next, over one graphql-ws connection); then Cairn is restarted
 * and the first carePlan query of that plan is timed (a cold load: snapshot plus the updates after it). The
 * same batches are applied to a plain in-process Y.Doc as the baseline.
 */
export async function runLongHistory(o: HistoryOptions, log: (line: string) => void): Promise<HistoryResult> {
  const trace = generateTypingTrace({ ops: o.ops, seed: o.seed });
  const ends = batchTrace(trace, o.seed, o.maxBatch);
  log(`typing trace: ${trace.length} ops (${trace.inserts} inserts, ${trace.deletes} deletes, ${trace.cursorJumps} cursor jumps), ${ends.length} updates, ${trace.finalText.length} chars at the end`);

  const yjs = plainYjs(trace, ends);

  const cairn = await startCairn();
  try {
    // Two plans: the long one, and one only used to warm the restarted server up.
    const world = await seedWorld(cairn.db, 2, 1);
    const [token, warmToken] = await signInAll(cairn.url, world.users.map((u) => u.email));
    const [patientId, warmPatientId] = world.patients;
    const errors: unknown[] = [];
    const client = await connectSocket(cairn.wsUrl, token, (e) => errors.push(e));
    const doc = new Y.Doc();
    const initial = await gqlHttp<{ carePlan: { state: string } }>(cairn.url, PLAN, { p: patientId }, token);
    Y.applyUpdate(doc, Buffer.from(initial.carePlan.state, 'base64'), 'remote');
    const text = doc.getText('whatMatters');
    let pending: Uint8Array | null = null;
    doc.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin !== 'remote') pending = u;
    });

    log(`replaying through Cairn (pid ${cairn.server.pid}) …`);
    const acks: number[] = [];
    const started = performance.now();
    const cpu0 = cpuMsOf(cairn.server.pid);
    const deadline = started + o.maxMinutes * 60_000;
    let from = 0;
    let updatesSent = 0;
    for (let b = 0; b < ends.length && performance.now() < deadline; b++) {
      doc.transact(() => applyOps(text, trace, from, ends[b]));
      from = ends[b];
      const update = pending as Uint8Array | null;
      pending = null;
      if (!update) continue;
      const t0 = performance.now();
      await request(client, APPLY, { p: patientId, u: Buffer.from(update).toString('base64'), c: `h-${b}` });
      acks.push(performance.now() - t0);
      updatesSent++;
      if (errors.length) throw new Error(`the socket failed: ${String(errors[0])}`);
      if ((b + 1) % 5000 === 0) log(`  ${b + 1}/${ends.length} updates (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    }
    const totalMs = performance.now() - started;
    const serverCores = (cpuMsOf(cairn.server.pid) - cpu0) / totalMs;
    await client.dispose();
    const opsReplayed = from;
    if (opsReplayed < trace.length) log(`time cap of ${o.maxMinutes} min reached: ${opsReplayed} of ${trace.length} operations replayed`);
    const expected = opsReplayed < trace.length ? replayText(trace, opsReplayed) : trace.finalText;

    const q = (sql: string, params: unknown[]) => cairn.db.pool.query(sql, params).then((r) => r.rows[0] as Record<string, string>);
    const updates = await q('select coalesce(sum(octet_length(update)), 0) as bytes from care_plan_update where patient_id = $1', [patientId]);
    const plan = await q('select octet_length(snapshot) as bytes, snapshot_seq, last_seq from care_plan where patient_id = $1', [patientId]);
    const table = await q(`select pg_total_relation_size('care_plan_update') as bytes`, []);

    log('restarting Cairn for the cold load …');
    await cairn.restart();
    await gqlHttp(cairn.url, PLAN, { p: warmPatientId }, warmToken); // process start-up costs, not the plan's
    const c0 = performance.now();
    const cold = await gqlHttp<{ carePlan: { seq: number; state: string; view: { whatMatters: string } } }>(cairn.url, PLAN, { p: patientId }, token);
    const coldLoadMs = performance.now() - c0;
    const w0 = performance.now();
    await gqlHttp(cairn.url, PLAN, { p: patientId }, token);
    const warmLoadMs = performance.now() - w0;
    const check = new Y.Doc();
    Y.applyUpdate(check, Buffer.from(cold.carePlan.state, 'base64'));
    const converged = cold.carePlan.view.whatMatters === expected && check.getText('whatMatters').toString() === expected && text.toString() === expected;

    return {
      ops: trace.length,
      inserts: trace.inserts,
      deletes: trace.deletes,
      cursorJumps: trace.cursorJumps,
      finalChars: trace.finalText.length,
      updates: ends.length,
      cairn: {
        opsReplayed,
        updatesSent,
        totalMs,
        serverCores,
        ackP50: percentile(acks, 50),
        ackP99: percentile(acks, 99),
        updateBytes: Number(updates.bytes),
        snapshotBytes: Number(plan.bytes),
        snapshotSeq: Number(plan.snapshot_seq),
        lastSeq: Number(plan.last_seq),
        updateTableBytes: Number(table.bytes),
        coldLoadMs,
        warmLoadMs,
        converged,
      },
      yjs,
    };
  } finally {
    await cairn.close();
  }
}

/** The baseline: the same batches applied to an in-process Y.Doc; its encoded state, and loading that. */
function plainYjs(trace: TypingTrace, ends: number[]): HistoryResult['yjs'] {
  const doc = new Y.Doc();
  const text = doc.getText('whatMatters');
  let updateBytes = 0;
  doc.on('update', (u: Uint8Array) => (updateBytes += u.byteLength));
  const t0 = performance.now();
  let from = 0;
  for (const end of ends) {
    doc.transact(() => applyOps(text, trace, from, end));
    from = end;
  }
  const applyMs = performance.now() - t0;
  if (text.toString() !== trace.finalText) throw new Error('plain Yjs replay does not match the trace');
  const state = Y.encodeStateAsUpdate(doc);
  const stateBytesV2 = Y.encodeStateAsUpdateV2(doc).byteLength;
  const loads: number[] = [];
  for (let i = 0; i < 5; i++) {
    const l0 = performance.now();
    const loaded = new Y.Doc();
    Y.applyUpdate(loaded, state);
    loaded.getText('whatMatters').toString();
    loads.push(performance.now() - l0);
  }
  return { applyMs, updateBytes, stateBytes: state.byteLength, stateBytesV2, loadMs: percentile(loads, 50) };
}

/** The text after the first `ops` operations of the trace. */
function replayText(trace: TypingTrace, ops: number): string {
  const doc = new Y.Doc();
  const text = doc.getText('t');
  doc.transact(() => applyOps(text, trace, 0, ops));
  return text.toString();
}

/** One mutation over the socket; resolves with its data, rejects on errors. */
function request(client: Client, query: string, variables: Record<string, unknown>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let data: unknown;
    client.subscribe(
      { query, variables },
      {
        next: (r) => (r.errors?.length ? reject(new Error(r.errors.map((e) => e.message).join('; '))) : (data = r.data)),
        error: reject,
        complete: () => resolve(data),
      },
    );
  });
}
