/**
 * Where a server's CPU went, from a V8 CPU profile of it (`BENCH_SERVER_NODE_ARGS="--cpu-prof
 * --cpu-prof-dir=/tmp/prof"`, written as the server stops):
 *
 *   node bench/dist/tools/cpu-profile.js /tmp/prof/CPU….cpuprofile [--last 20] [--top 40] [--match text]
 *
 * `--last` keeps the profile's last seconds only (the measured window, not the start and the warm-up). It
 * prints each function's own share of the busy time, its share with everything it called, and each
 * place's share (an npm package, a Cairn domain, a Node module, or native work such as `writev` and the
 * garbage collector). An `await` breaks the chain of callers: what runs after it counts under the
 * microtask queue, not under the function that awaited, so for async code read the own shares and places.
 */
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { fileArgument, option } from './tool-args.js';

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  /** The node each sample landed in. */
  samples: number[];
  /** Microseconds from the previous sample (the first: from `startTime`). */
  timeDeltas: number[];
}

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface ProfileSummary {
  /** Microseconds with JavaScript or native work running, and with the thread idle. */
  busyUs: number;
  idleUs: number;
  /** Microseconds by function (`name file:line`): its own, and with what it called. */
  self: Map<string, number>;
  inclusive: Map<string, number>;
  /** Microseconds by place (see `placeOf`). */
  places: Map<string, number>;
}

/** Sums the profile's samples, or those of its last `lastSeconds`, by function and by place. */
export function summariseProfile(profile: CpuProfile, lastSeconds = Number.POSITIVE_INFINITY): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id);
  const summary: ProfileSummary = { busyUs: 0, idleUs: 0, self: new Map(), inclusive: new Map(), places: new Map() };
  const from = profile.endTime - lastSeconds * 1e6;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i];
    // A sample stands for the time until the next one.
    const next = i + 1 < profile.samples.length ? at + profile.timeDeltas[i + 1] : profile.endTime;
    const node = byId.get(profile.samples[i]);
    if (!node || at < from) continue;
    const us = Math.max(0, next - at);
    if (node.callFrame.functionName === '(idle)') {
      summary.idleUs += us;
      continue;
    }
    summary.busyUs += us;
    add(summary.self, frameName(node.callFrame), us);
    add(summary.places, placeOf(node.callFrame), us);
    const counted = new Set<string>(); // a recursive function counts once per sample
    for (let id: number | undefined = node.id; id !== undefined; id = parentOf.get(id)) {
      const name = frameName(byId.get(id)!.callFrame);
      if (!counted.has(name)) add(summary.inclusive, name, us);
      counted.add(name);
    }
  }
  return summary;
}

/** Where a frame's code lives: an npm package, a Cairn domain (`cairn care-plans`), a Node module, or its own name. */
export function placeOf(frame: ProfileNode['callFrame']): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame.url);
  if (pkg) return pkg[1];
  const cairn = /\/server\/(?:dist|src)\/([^/]+)\//.exec(frame.url);
  if (cairn) return `cairn ${cairn[1]}`;
  if (frame.url.startsWith('node:')) return frame.url.split('/')[0];
  return frame.functionName || '(anonymous)';
}

/** A frame as `name file:line` (its function's first line), or its name alone for native work. */
export function frameName({ functionName, url, lineNumber }: ProfileNode['callFrame']): string {
  const file = url.slice(url.lastIndexOf('/') + 1);
  return file ? `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}` : functionName || '(anonymous)';
}

/** Adds `amount` to `key`'s total. */
export function add(totals: Map<string, number>, key: string, amount: number): void {
  totals.set(key, (totals.get(key) ?? 0) + amount);
}

/** The summary as text: the `top` largest of each table, as shares of the busy time, those matching `match` only. */
export function describeSummary(summary: ProfileSummary, top: number, match = ''): string {
  const share = (us: number) => `${((100 * us) / Math.max(1, summary.busyUs)).toFixed(1).padStart(5)} %`;
  const table = (title: string, totals: Map<string, number>) =>
    [
      `${title}:`,
      ...[...totals]
        .filter(([key]) => key.includes(match))
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([key, us]) => `${share(us)}  ${key}`),
    ].join('\n');
  return [
    `busy ${(summary.busyUs / 1e6).toFixed(2)} s, idle ${(summary.idleUs / 1e6).toFixed(2)} s`,
    table('By place', summary.places),
    table('Own time', summary.self),
    table('With what it called', summary.inclusive),
  ].join('\n\n');
}

function main(args: string[]): void {
  const file = fileArgument(args);
  if (!file) {
    console.error('Usage: node bench/dist/tools/cpu-profile.js <file.cpuprofile> [--last seconds] [--top n] [--match text]');
    process.exit(2);
  }
  const last = Number(option(args, '--last') ?? Number.POSITIVE_INFINITY);
  const top = Number(option(args, '--top') ?? 40);
  if (!(last > 0) || !(top > 0)) {
    console.error('--last takes a number of seconds and --top a number of rows, each more than 0');
    process.exit(2);
  }
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  console.log(describeSummary(summariseProfile(profile, last), top, option(args, '--match')));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main(process.argv.slice(2));
