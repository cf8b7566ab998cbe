import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { modules } from './modules.js';

const srcDir = path.resolve(import.meta.dirname, '..');

/** Every server source file (tests aside) and the server files it imports, type-only imports included. */
function importGraph(): Map<string, string[]> {
  const files = fs
    .readdirSync(srcDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('test-support'))
    .map((f) => path.join(srcDir, f));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    const local = importedFiles
      .map((i) => i.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => path.resolve(path.dirname(file), name.replace(/\.js$/, '.ts')));
    graph.set(file, local);
  }
  return graph;
}

function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): string[] | null => {
    if (state.get(file) === 'done') return null;
    if (state.get(file) === 'visiting') return [...stack.slice(stack.indexOf(file)), file];
    state.set(file, 'visiting');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(file, 'done');
    return null;
  };
  for (const file of graph.keys()) {
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return null;
}

const relative = (file: string) => path.relative(srcDir, file);

describe('the server’s shape', () => {
  it('has no import cycle among its files', () => {
    expect(findCycle(importGraph())?.map(relative) ?? null).toBeNull();
  });

  it('finds a cycle when there is one (the check itself works)', () => {
    const a = path.join(srcDir, 'a.ts');
    const b = path.join(srcDir, 'b.ts');
    expect(findCycle(new Map([[a, [b]], [b, [a]]]))?.map(relative)).toEqual(['a.ts', 'b.ts', 'a.ts']);
  });

  it('keeps platform/ free of domains: its files import only platform files and packages', () => {
    const platformDir = path.join(srcDir, 'platform');
    const outward = [...importGraph()]
      .filter(([file]) => file.startsWith(platformDir + path.sep))
      .flatMap(([file, imports]) => imports.filter((i) => !i.startsWith(platformDir + path.sep)).map((i) => `${relative(file)} → ${relative(i)}`));
    expect(outward).toEqual([]);
  });

  it('has each event kind declared by exactly one module, and every declared kind in the schema', async () => {
    const owners = new Map<string, string[]>();
    for (const m of modules) for (const kind of Object.keys(m.eventKinds ?? {})) owners.set(kind, [...(owners.get(kind) ?? []), m.name]);
    expect([...owners].filter(([, names]) => names.length > 1)).toEqual([]);
    const sdl = fs.readFileSync(path.resolve(srcDir, '../../schema/schema.graphql'), 'utf8');
    const enumBody = /enum EventKind \{([^}]*)\}/.exec(sdl)?.[1] ?? '';
    const inSchema = enumBody.split('\n').map((l) => l.trim()).filter((l) => /^[A-Z_]+$/.test(l));
    expect(inSchema.sort()).toEqual([...owners.keys()].sort());
  });
});
