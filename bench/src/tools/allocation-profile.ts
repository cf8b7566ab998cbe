/**
 * What a server allocates, and where: V8's sampling heap profiler, counting the objects collected since as
 * well as those still alive, so it measures the rate at which code makes garbage (what the young
 * generation's scavenges and V8's helper threads pay for), not what survives. Start it in the servers under
 * test with
 *
 *   BENCH_SERVER_NODE_ARGS="--import $PWD/bench/dist/tools/allocation-profile-preload.js" npm run bench -- care-plans …
 *
 * (ALLOCATION_START_SECONDS after the start, 15 by default, for ALLOCATION_SECONDS, 10; each server writes
 * `/tmp/allocations-<pid>.heapprofile`), then read a profile with
 *
 *   node bench/dist/tools/allocation-profile.js /tmp/allocations-<pid>.heapprofile [--per n] [--top n] [--callers name]
 *
 * `--per` divides by a count (the edits acknowledged in the sampled seconds, say) to give bytes per edit;
 * `--callers` lists, for the functions whose name starts with `name` (a native such as `Map` or `join`,
 * whose own allocations say little without it), the three frames above each sample.
 * A function's own bytes include what V8 inlined into it; run the server with `--no-turbo-inlining` too
 * (in BENCH_SERVER_NODE_ARGS) to see each function's own allocations apart, at some cost in speed.
 */
import fs from 'node:fs';
import inspector from 'node:inspector';
import { pathToFileURL } from 'node:url';
import { add, frameName, placeOf } from './cpu-profile.js';
import { fileArgument, option } from './tool-args.js';

export interface HeapProfile {
  head: HeapNode;
}

export interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  /** Bytes allocated by this frame itself (as sampled). */
  selfSize: number;
  children: HeapNode[];
}

export interface AllocationSummary {
  totalBytes: number;
  /** Bytes by function (`name file:line`): its own, and with what it called (a recursive function once). */
  self: Map<string, number>;
  inclusive: Map<string, number>;
  /** Bytes by place: an npm package, a Cairn domain, a Node module, or a native's name. */
  places: Map<string, number>;
  /** Own bytes of the functions named `callersOf`, by the chain of up to three frames that called them. */
  callers: Map<string, number>;
}

/** Sums a sampling heap profile by function, by place, and, for `callersOf`, by caller. */
export function summariseAllocations(profile: HeapProfile, callersOf?: string): AllocationSummary {
  const summary: AllocationSummary = { totalBytes: 0, self: new Map(), inclusive: new Map(), places: new Map(), callers: new Map() };
  const walk = (node: HeapNode, above: string[]): number => {
    const name = frameName(node.callFrame);
    summary.totalBytes += node.selfSize;
    add(summary.self, name, node.selfSize);
    add(summary.places, placeOf(node.callFrame), node.selfSize);
    if (callersOf !== undefined && node.callFrame.functionName.startsWith(callersOf) && node.selfSize > 0) {
      add(summary.callers, [name, ...above.slice(-3).reverse()].join(' ← '), node.selfSize);
    }
    let bytes = node.selfSize;
    for (const child of node.children) bytes += walk(child, [...above, name]);
    if (!above.includes(name)) add(summary.inclusive, name, bytes);
    return bytes;
  };
  walk(profile.head, []);
  return summary;
}

/** The summary as text: the `top` largest of each table, in MB, as shares, and in KB for each of `per`. */
export function describeAllocations(summary: AllocationSummary, top: number, per = 0): string {
  const row = (bytes: number) =>
    `${(bytes / 1e6).toFixed(1).padStart(7)} MB ${((100 * bytes) / Math.max(1, summary.totalBytes)).toFixed(1).padStart(5)} %` +
    (per > 0 ? ` ${(bytes / per / 1024).toFixed(2).padStart(7)} KB each` : '');
  const table = (title: string, totals: Map<string, number>) =>
    [
      `${title}:`,
      ...[...totals]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([key, bytes]) => `${row(bytes)}  ${key}`),
    ].join('\n');
  const tables = [
    `allocated ${(summary.totalBytes / 1e6).toFixed(1)} MB` + (per > 0 ? `, ${(summary.totalBytes / per / 1024).toFixed(2)} KB for each of ${per}` : ''),
    table('By place', summary.places),
    table('Own', summary.self),
    table('With what it called', summary.inclusive),
  ];
  if (summary.callers.size > 0) tables.push(table('Called from', summary.callers));
  return tables.join('\n\n');
}

/**
 * Samples this process's allocations (one sample per `intervalBytes` on average) from `startSeconds` after
 * now, for `seconds`, then writes the profile to `file`. The timers do not keep the process alive.
 * `survivorsOnly`: only what lived through a scavenge (the young generation's collection) is counted, which
 * is what the scavenges copied and promoted; otherwise garbage is counted too.
 */
export function sampleAllocations(options: { startSeconds: number; seconds: number; file: string; intervalBytes?: number; survivorsOnly?: boolean }): Promise<void> {
  const session = new inspector.Session();
  session.connect();
  const post = <T>(method: string, params: object = {}) =>
    new Promise<T>((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T))));
  const after = (seconds: number) => new Promise<void>((resolve) => setTimeout(resolve, seconds * 1000).unref());
  return (async () => {
    await after(options.startSeconds);
    await post('HeapProfiler.startSampling', {
      samplingInterval: options.intervalBytes ?? 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: !options.survivorsOnly,
    });
    await after(options.seconds);
    const { profile } = await post<{ profile: HeapProfile }>('HeapProfiler.stopSampling');
    fs.writeFileSync(options.file, JSON.stringify(profile));
    session.disconnect();
  })();
}

function main(args: string[]): void {
  const file = fileArgument(args);
  if (!file) {
    console.error('Usage: node bench/dist/tools/allocation-profile.js <file.heapprofile> [--per n] [--top n] [--callers name]');
    process.exit(2);
  }
  const per = Number(option(args, '--per') ?? 0);
  const top = Number(option(args, '--top') ?? 30);
  if (!(per >= 0) || !(top > 0)) {
    console.error('--per takes a count (0 or more) and --top a number of rows (more than 0)');
    process.exit(2);
  }
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as HeapProfile;
  console.log(describeAllocations(summariseAllocations(profile, option(args, '--callers')), top, per));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main(process.argv.slice(2));
