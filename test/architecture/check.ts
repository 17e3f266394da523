import { floorViolation, placeOf } from './floors.js';
import { edgesOf, type ImportEdge, type ImportGraph } from './import-graph.js';
import { moduleCycles, moduleEdges } from './module-cycles.js';

/** An import the floors forbid but the tree still has, with the reason it is tolerated and until when. */
export interface KnownException {
  from: string;
  to: string;
  why: string;
}

export interface ArchitectureReport {
  violations: string[];
  figures: {
    moduleToModule: number;
    intoInternals: number;
    cycles: string[][];
    tolerated: number;
  };
}

const describe = ({ from, specifier, to }: ImportEdge) => `${from} imports '${specifier}' (${to})`;

/** Checks a map of files to their relative imports against the floors and for cycles among features. */
export function checkArchitecture(
  graph: ImportGraph,
  exceptions: readonly KnownException[] = [],
): ArchitectureReport {
  const edges = edgesOf(graph);
  const violations: string[] = [];
  let tolerated = 0;
  for (const edge of edges) {
    if (edge.to.startsWith('src/') && edge.to.endsWith('.ts') && !graph.has(edge.to)) {
      violations.push(`${describe(edge)}: no such file`);
      continue;
    }
    const why = floorViolation(edge);
    if (!why) continue;
    if (exceptions.some((e) => e.from === edge.from && e.to === edge.to)) tolerated++;
    else violations.push(`${describe(edge)}: ${why}`);
  }

  const between = [...moduleEdges(edges).values()].flat();
  const cycles = moduleCycles(edges);
  for (const group of cycles) {
    const closing = between.filter(
      (e) => group.includes(placeOf(e.to)?.module ?? '') && group.includes(placeOf(e.from)?.module ?? ''),
    );
    violations.push(`modules ${group.join(', ')} import each other: ${closing.map(describe).join('; ')}`);
  }
  return {
    violations,
    figures: {
      moduleToModule: between.length,
      intoInternals: between.filter((e) => !e.to.endsWith(`/${placeOf(e.to)?.module}/index.ts`)).length,
      cycles,
      tolerated,
    },
  };
}
