import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

/** A port nobody on 127.0.0.1 is listening on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** A server under test running as a child process (so its RSS and CPU are its own). */
export interface ChildServer {
  pid: number;
  /** Asks it to stop (SIGTERM), then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts `node <script>` with `env` and resolves once a line of its output matches `ready`. Fails when it
 * exits first or stays silent for `timeoutMs`. Its output is kept (last lines shown on failure), not echoed,
 * except lines that look like warnings or errors.
 */
export function startChild(
  script: string,
  env: Record<string, string>,
  ready: RegExp,
  { timeoutMs = 60_000, flags = [] }: { timeoutMs?: number; /** Node flags before the script. */ flags?: string[] } = {},
): Promise<ChildServer> {
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the servers under test;
  // BENCH_SERVER_LOG=/tmp/server keeps each one's whole output in /tmp/server-<pid>.log (e.g. with --trace-gc-nvp).
  const nodeArgs = [...flags, ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  const child = spawn(process.execPath, [...nodeArgs, script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => (running.delete(child), resolve())));
  const tail: string[] = [];
  return new Promise<ChildServer>((resolve, reject) => {
    let isReady = false;
    const timer = setTimeout(() => fail(`did not start within ${timeoutMs / 1000} s`), timeoutMs);
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${script} ${why}:\n${tail.join('\n')}`));
    };
    const logFile = process.env.BENCH_SERVER_LOG ? `${process.env.BENCH_SERVER_LOG}-${child.pid}.log` : null;
    const onLine = (line: string) => {
      if (logFile) fs.appendFileSync(logFile, `${line}\n`);
      tail.push(line);
      if (tail.length > 30) tail.shift();
      if (isReady && /warn|error|fail/i.test(line)) process.stderr.write(`  [child ${child.pid}] ${line}\n`);
      if (!isReady && ready.test(line)) {
        isReady = true;
        clearTimeout(timer);
        resolve({
          pid: child.pid!,
          async stop(graceMs = 10_000) {
            if (child.exitCode !== null || child.signalCode !== null) return;
            child.kill('SIGTERM');
            const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
            await exited;
            clearTimeout(killer);
          },
        });
      }
    };
    for (const stream of [child.stdout!, child.stderr!]) {
      let buffer = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buffer += chunk;
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        lines.forEach(onLine);
      });
    }
    child.once('exit', (code, signal) => {
      if (!isReady) fail(`exited (${signal ?? code}) before it was ready`);
    });
  });
}

/** CPU time (user + system) a process has used so far, in ms (Linux /proc; clock ticks of 10 ms). */
export function cpuMsOf(pid: number): number {
  return cpuMsIn(`/proc/${pid}/stat`);
}

/** CPU time (user + system, ms) the process's main thread (the one whose id is the process's) has used so far. */
export function mainThreadCpuMsOf(pid: number): number {
  return cpuMsIn(`/proc/${pid}/task/${pid}/stat`);
}

/** The user + system CPU time (ms) in a process's or a thread's `stat` file. */
function cpuMsIn(statFile: string): number {
  const stat = fs.readFileSync(statFile, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is the state (field 3 of stat), so utime (field 14) and stime (15) are at 11 and 12.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * The read and write system calls a process has made so far (`/proc/<pid>/io`: syscr, syscw), or null where
 * the file cannot be read (another user's process).
 */
export function syscallsOf(pid: number): { reads: number; writes: number } | null {
  try {
    const io = fs.readFileSync(`/proc/${pid}/io`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(io)?.[1] ?? Number.NaN);
    return { reads: field('syscr'), writes: field('syscw') };
  } catch {
    return null;
  }
}

/** CPU time (user + system, ms) used so far by every process named `comm` (e.g. the machine's PostgreSQL). */
export function cpuMsOfAll(comm: string): Map<number, number> {
  const used = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === comm) used.set(Number(entry), cpuMsOf(Number(entry)));
    } catch {
      // The process ended while the list was read.
    }
  }
  return used;
}

/**
 * CPU the processes of `before` (from `cpuMsOfAll`) used since, plus what processes started meanwhile used in all;
 * a process that ended meanwhile is not counted (its time is gone from /proc).
 */
export function cpuMsSince(comm: string, before: Map<number, number>): number {
  let ms = 0;
  for (const [pid, now] of cpuMsOfAll(comm)) ms += now - (before.get(pid) ?? 0);
  return ms;
}

/** The whole machine's busy CPU time so far, in ms over all cores (/proc/stat: everything but idle and I/O wait; steal, time the host kept the cores, counts as busy). */
export function machineBusyMs(): number {
  const [cpu] = fs.readFileSync('/proc/stat', 'utf8').split('\n');
  const [user, nice, system, , , irq, softirq, steal] = cpu.trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq + steal) * 10;
}
