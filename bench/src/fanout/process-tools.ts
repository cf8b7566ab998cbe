/**
 * Starting a server under test as a child process, and looking inside it from outside: its CPU time
 * (/proc), and a full garbage collection plus JS heap size through the V8 inspector, so memory is read
 * the same way from the baselines and from Cairn without changing any of them.
 */
import fs from 'node:fs';
import WebSocket from 'ws';

/** NODE_OPTIONS that open the V8 inspector of a child on `port` (127.0.0.1 only). */
export const inspectOn = (port: number): string => `--inspect=127.0.0.1:${port}`;

/** The inspector's WebSocket URL for a process started with `inspectOn(port)`. */
export async function inspectorUrl(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/json/list`);
  const targets = (await res.json()) as Array<{ webSocketDebuggerUrl: string }>;
  return targets[0].webSocketDebuggerUrl;
}

/** User + system CPU seconds a process has used so far. */
export function cpuSecondsOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command: state is field 3, so utime (14) and stime (15) are at 11 and 12.
  return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
}

/**
 * Forces a full GC in the process behind `inspectorUrl` and returns its JS heap in use afterwards, and the
 * memory its ArrayBuffers and Buffers hold outside that heap.
 */
export async function collectGarbage(inspectorUrl: string): Promise<{ heapUsed: number; arrayBuffers: number }> {
  const socket = new WebSocket(inspectorUrl, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let id = 0;
  const pending = new Map<number, (result: Record<string, unknown>) => void>();
  socket.on('message', (raw) => {
    const m = JSON.parse(raw.toString()) as { id?: number; result?: Record<string, unknown> };
    if (m.id !== undefined) pending.get(m.id)?.(m.result ?? {});
  });
  const call = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<Record<string, unknown>>((resolve) => {
      pending.set(++id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  await call('HeapProfiler.collectGarbage');
  await call('HeapProfiler.collectGarbage');
  const usage = await call('Runtime.getHeapUsage');
  const buffers = await call('Runtime.evaluate', { expression: 'process.memoryUsage().arrayBuffers', returnByValue: true });
  socket.close();
  return { heapUsed: Number(usage.usedSize), arrayBuffers: Number((buffers.result as { value?: unknown } | undefined)?.value) };
}

/** Live JS objects by kind ("object Foo", "closure bar", "string"…): how many, and their own bytes. */
export type HeapCensus = Map<string, { count: number; bytes: number }>;

/**
 * Takes a heap snapshot through the inspector and counts its nodes by type and constructor name. Comparing
 * two censuses (before and after opening N connections) shows what each connection keeps alive.
 */
export async function heapCensus(inspectorUrl: string): Promise<HeapCensus> {
  const socket = new WebSocket(inspectorUrl, { perMessageDeflate: false, maxPayload: 1 << 30 });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const chunks: string[] = [];
  const done = new Promise<void>((resolve) => {
    socket.on('message', (raw) => {
      const m = JSON.parse(raw.toString()) as { id?: number; method?: string; params?: { chunk: string } };
      if (m.method === 'HeapProfiler.addHeapSnapshotChunk' && m.params) chunks.push(m.params.chunk);
      if (m.id === 1) resolve();
    });
  });
  socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.takeHeapSnapshot', params: { reportProgress: false } }));
  await done;
  socket.close();
  const snapshot = JSON.parse(chunks.join('')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snapshot.snapshot.meta.node_fields;
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = [fields.indexOf('type'), fields.indexOf('name'), fields.indexOf('self_size')];
  const types = snapshot.snapshot.meta.node_types[0];
  const census: HeapCensus = new Map();
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = types[snapshot.nodes[i + typeAt]];
    const name = type === 'object' || type === 'closure' ? snapshot.strings[snapshot.nodes[i + nameAt]] : '';
    const key = name ? `${type} ${name.slice(0, 60)}` : type;
    const entry = census.get(key) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += snapshot.nodes[i + sizeAt];
    census.set(key, entry);
  }
  return census;
}

/** The kinds of object that grew most between two censuses, per connection. */
export function censusGrowth(before: HeapCensus, after: HeapCensus, perUnit: number, top = 15): Array<{ kind: string; perUnit: number; bytesPerUnit: number }> {
  const rows: Array<{ kind: string; perUnit: number; bytesPerUnit: number }> = [];
  for (const [kind, a] of after) {
    const b = before.get(kind) ?? { count: 0, bytes: 0 };
    rows.push({ kind, perUnit: (a.count - b.count) / perUnit, bytesPerUnit: (a.bytes - b.bytes) / perUnit });
  }
  return rows.sort((x, y) => y.bytesPerUnit - x.bytesPerUnit).slice(0, top);
}
