import { placeOf } from './floors.js';
import type { ImportEdge } from './import-graph.js';

/** The imports from one feature folder into another's, keyed `from -> to` by module name. */
export function moduleEdges(edges: readonly ImportEdge[]): Map<string, ImportEdge[]> {
  const between = new Map<string, ImportEdge[]>();
  for (const edge of edges) {
    const [a, b] = [placeOf(edge.from)?.module, placeOf(edge.to)?.module];
    if (a === undefined || b === undefined || a === b) continue;
    const key = `${a} -> ${b}`;
    between.set(key, [...(between.get(key) ?? []), edge]);
  }
  return between;
}

/** Groups of two or more modules that reach each other (Tarjan's strongly connected components). */
export function moduleCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const key of moduleEdges(edges).keys()) {
    const [a, b] = key.split(' -> ') as [string, string];
    next.set(a, (next.get(a) ?? new Set()).add(b));
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group = stack.splice(stack.indexOf(v));
    if (group.length > 1) cycles.push(group.sort());
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles;
}
