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

/** Forces a full GC in the process behind `inspectorUrl` and returns its JS heap in use afterwards. */
export async function collectGarbage(inspectorUrl: string): Promise<{ heapUsed: number }> {
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
  const call = (method: string) =>
    new Promise<Record<string, unknown>>((resolve) => {
      pending.set(++id, resolve);
      socket.send(JSON.stringify({ id, method }));
    });
  await call('HeapProfiler.collectGarbage');
  await call('HeapProfiler.collectGarbage');
  const usage = await call('Runtime.getHeapUsage');
  socket.close();
  return { heapUsed: Number(usage.usedSize) };
}
