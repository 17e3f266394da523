import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** Each source file (project-relative, `/`-separated) with the relative specifiers it imports, as written. */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

/** One import, resolved to the file it names: `./x.js` is compiled from `./x.ts`. */
export interface ImportEdge {
  from: string;
  specifier: string;
  to: string;
}

/** Test files sit beside the code they test and may reach into it and into `test/support`. */
export const isTestFile = (file: string): boolean => file.endsWith('.test.ts');

export function resolveImport(from: string, specifier: string): string {
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  return target.endsWith('.js') ? `${target.slice(0, -3)}.ts` : target;
}

/** Every relative import of every non-test file, resolved; package imports are not the house's business. */
export function edgesOf(graph: ImportGraph): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const [from, specifiers] of graph) {
    if (isTestFile(from)) continue;
    for (const specifier of specifiers) edges.push({ from, specifier, to: resolveImport(from, specifier) });
  }
  return edges;
}

/**
 * Relative specifiers of one file: `import` and `import type`, `export … from`, side-effect imports and
 * literal dynamic `import()`. The compiler's own pre-scanner skips comments and strings, which a regex would not.
 */
export const relativeImportsOf = (source: string): string[] =>
  ts
    .preProcessFile(source, true, true)
    .importedFiles.map((f) => f.fileName)
    .filter((name) => name.startsWith('./') || name.startsWith('../'));

/** Reads every `.ts` file under `dir` (relative to `root`), tests included so the checker can skip them itself. */
export function readImportGraph(root: string, dir = 'src'): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const entries = readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const absolute = path.join(entry.parentPath, entry.name);
    const file = path.relative(root, absolute).split(path.sep).join('/');
    graph.set(file, relativeImportsOf(readFileSync(absolute, 'utf8')));
  }
  return new Map([...graph].sort(([a], [b]) => a.localeCompare(b)));
}
