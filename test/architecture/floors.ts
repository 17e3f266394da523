import type { ImportEdge } from './import-graph.js';

/**
 * The floors of `src/`, bottom up. A file may import its own floor and the floors listed for it, never one
 * above: `shared` (pure helpers, the error catalogue) ▸ `settings` (config, its schema, the version) ▸
 * `platform` (adapters, audit recording) ▸ `identity` (the request kernel) ▸ `web` (layouts, the form kit;
 * it uses identity's CSRF, identity never uses web) ▸ the module contract (`modules/module.ts`) ▸ each feature
 * (`modules/X/`) ▸ the feature list (`modules/index.ts`) ▸ the entry points (app, server, worker, cli, boot).
 * Features meet only through `modules/Y/index.ts`, and so does everyone else who reaches into a feature.
 */
export type Floor =
  | 'shared'
  | 'settings'
  | 'platform'
  | 'identity'
  | 'web'
  | 'contract'
  | 'module'
  | 'feature-list'
  | 'entry';

export interface Place {
  floor: Floor;
  /** The feature folder, for files under `src/modules/X/`. */
  module?: string;
}

const SETTINGS = new Set(['src/config.ts', 'src/config-schema.ts', 'src/version.ts']);
const ENTRY_POINTS = new Set(['src/app.ts', 'src/server.ts', 'src/worker.ts', 'src/cli.ts', 'src/boot.ts']);
const FOLDERS: Record<string, Floor> = {
  shared: 'shared',
  platform: 'platform',
  identity: 'identity',
  web: 'web',
  cli: 'entry',
};

/** Where a file lives; `undefined` for a file no floor claims (a new root file must be placed here first). */
export function placeOf(file: string): Place | undefined {
  if (SETTINGS.has(file)) return { floor: 'settings' };
  if (ENTRY_POINTS.has(file)) return { floor: 'entry' };
  if (file === 'src/modules/module.ts') return { floor: 'contract' };
  if (file === 'src/modules/index.ts') return { floor: 'feature-list' };
  const [root, folder, name, ...rest] = file.split('/');
  if (root !== 'src' || folder === undefined || name === undefined) return undefined;
  if (folder === 'modules') return rest.length > 0 ? { floor: 'module', module: name } : undefined;
  const floor = FOLDERS[folder];
  return floor ? { floor } : undefined;
}

const BELOW: Record<Floor, readonly Floor[]> = {
  shared: [],
  settings: ['shared'],
  platform: ['settings', 'shared'],
  identity: ['platform', 'settings', 'shared'],
  web: ['identity', 'platform', 'settings', 'shared'],
  contract: ['identity', 'platform', 'settings', 'shared'],
  module: ['contract', 'web', 'identity', 'platform', 'settings', 'shared'],
  'feature-list': ['module', 'contract', 'web', 'identity', 'platform', 'settings', 'shared'],
  entry: ['feature-list', 'module', 'contract', 'web', 'identity', 'platform', 'settings', 'shared'],
};

const isModuleIndex = (file: string, module: string) => file === `src/modules/${module}/index.ts`;

/** Why this import breaks the floors, or `undefined` when it keeps them. */
export function floorViolation({ from, to }: ImportEdge): string | undefined {
  const source = placeOf(from);
  if (!source) return `${from} is on no floor: place it in test/architecture/floors.ts`;
  const target = placeOf(to);
  if (!target) return to.startsWith('src/') ? `${to} is on no floor` : 'source code reaches outside src/';
  if (target.module !== undefined && target.module !== source.module && !isModuleIndex(to, target.module))
    return `modules/${target.module} may be reached only through src/modules/${target.module}/index.ts`;
  if (target.floor === source.floor) return undefined;
  if (!BELOW[source.floor].includes(target.floor))
    return `${source.floor} may import only ${[source.floor, ...BELOW[source.floor]].join(', ')}, not ${target.floor}`;
  return undefined;
}
