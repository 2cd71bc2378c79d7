// The architecture's import rules, checked on every `npm test` instead of kept by memory (shared/DESIGN.md): the
// engine imports no app code, React or onnxruntime (and tsconfig.engine.json type-checks it without the DOM);
// code outside the engine imports it through src/engine/index.ts only; predictions/ imports nothing of the app;
// no two folders of src/ import each other, even through others.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'src');

interface ImportEdge {
  /** The importing file, relative to the project root. */
  from: string;
  /** What it wrote: a package name or a relative path. */
  specifier: string;
  /** For relative imports: the imported path relative to the root, without extension. */
  target?: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

/** Static imports and re-exports, dynamic import(), and workers started with new URL('…', import.meta.url). */
const SPECIFIERS = [/\b(?:import|export)\s[^;]*?\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /new URL\(\s*['"]([^'"]+)['"],\s*import\.meta\.url/g, /^\s*import\s*['"]([^'"]+)['"]/gm];

/** The imported module relative to the root, without extension; a folder means its index. */
function targetOf(file: string, specifier: string): string {
  const path = resolve(dirname(file), specifier.split('?')[0]);
  const isFolder = statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
  return relative(ROOT, isFolder ? join(path, 'index') : path).replace(/\.(ts|tsx)$/, '');
}

function importsOf(file: string): ImportEdge[] {
  const text = readFileSync(file, 'utf8');
  const from = relative(ROOT, file);
  const edges: ImportEdge[] = [];
  for (const pattern of SPECIFIERS) {
    for (const match of text.matchAll(pattern)) {
      const specifier = match[1];
      edges.push({ from, specifier, target: specifier.startsWith('.') ? targetOf(file, specifier) : undefined });
    }
  }
  return edges;
}

const EDGES = sourceFiles(SRC).flatMap(importsOf);
/** src/<folder>/… → folder ('engine', 'ui', …); files directly in src/ belong to 'src'. */
const folderOf = (path: string) => (path.startsWith('src/') && path.split('/').length > 2 ? path.split('/')[1] : 'src');
const describeEdge = (edge: ImportEdge) => `${edge.from} imports ${edge.specifier}`;

describe('import boundaries', () => {
  it('found the source files and their imports', () => {
    expect(EDGES.length).toBeGreaterThan(300);
    expect(EDGES.some((edge) => edge.from === 'src/worker/ortWeb.ts' && edge.specifier === 'onnxruntime-web/webgpu')).toBe(true);
  });

  it('the engine imports only itself, predictions/ and no package (no React, no onnxruntime, no DOM library)', () => {
    const offending = EDGES.filter((edge) => edge.from.startsWith('src/engine/'))
      .filter((edge) => (edge.target ? !edge.target.startsWith('src/engine') && !edge.target.startsWith('src/predictions/') : true));
    expect(offending.map(describeEdge)).toEqual([]);
  });

  it('code outside the engine imports it through src/engine/index.ts only', () => {
    const offending = EDGES.filter((edge) => !edge.from.startsWith('src/engine/') && edge.target?.startsWith('src/engine/') && edge.target !== 'src/engine/index');
    expect(offending.map(describeEdge)).toEqual([]);
  });

  it('predictions/ imports nothing but itself', () => {
    const offending = EDGES.filter((edge) => edge.from.startsWith('src/predictions/') && !edge.target?.startsWith('src/predictions/'));
    expect(offending.map(describeEdge)).toEqual([]);
  });

  it('no import cycle between the folders of src/', () => {
    const graph = new Map<string, Set<string>>();
    for (const edge of EDGES) {
      if (!edge.target?.startsWith('src/')) continue;
      const [a, b] = [folderOf(edge.from), folderOf(edge.target)];
      if (a !== b) graph.set(a, (graph.get(a) ?? new Set()).add(b));
    }
    const cycles: string[] = [];
    const visit = (node: string, path: string[]) => {
      for (const next of graph.get(node) ?? []) {
        if (next === path[0]) cycles.push([...path, next].join(' → '));
        else if (!path.includes(next) && next > path[0]) visit(next, [...path, next]);
      }
    };
    for (const start of graph.keys()) visit(start, [start]);
    // Each cycle is reported once, from its alphabetically first folder; the examples say who imports whom.
    const examples = cycles.map((cycle) => {
      const [a, b] = cycle.split(' → ');
      const edge = EDGES.find((e) => e.target && folderOf(e.from) === a && folderOf(e.target) === b);
      return `${cycle} (e.g. ${edge ? describeEdge(edge) : '?'})`;
    });
    expect(examples).toEqual([]);
  });
});
