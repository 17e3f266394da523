import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkArchitecture, type KnownException } from './check.js';
import { readImportGraph, relativeImportsOf } from './import-graph.js';

/** Imports the floors forbid that the tree still has; each names the move that removes it. */
const KNOWN: KnownException[] = [];

describe('the floors of src/ hold', () => {
  it('every import keeps its floor, features meet only through index.ts, and no features form a cycle', () => {
    const { violations, figures } = checkArchitecture(readImportGraph(path.resolve('.')), KNOWN);
    console.info(
      `imports: module->module ${figures.moduleToModule}, into internals ${figures.intoInternals}, ` +
        `module cycles ${figures.cycles.length}, tolerated exceptions ${figures.tolerated}`,
    );
    expect(violations).toEqual([]);
    expect(figures).toMatchObject({ intoInternals: 0, cycles: [] });
  });
});

describe('the checker', () => {
  // A small clean house: one file per floor, two features talking through an index.
  const house: Record<string, string[]> = {
    'src/shared/errors.ts': [],
    'src/config.ts': ['./shared/errors.js'],
    'src/platform/db/connection.ts': ['../../config.js', '../../shared/errors.js'],
    'src/identity/context.ts': ['../platform/db/connection.js'],
    'src/web/forms.ts': ['../identity/context.js'],
    'src/modules/module.ts': ['../identity/context.js'],
    'src/modules/a/index.ts': ['./service.js', '../module.js'],
    'src/modules/a/service.ts': ['./repo.js', '../b/index.js', '../../web/forms.js'],
    'src/modules/a/repo.ts': ['../../platform/db/connection.js'],
    'src/modules/a/repo.test.ts': ['../b/repo.js', '../../../test/support/app.js'],
    'src/modules/b/index.ts': ['./repo.js'],
    'src/modules/b/repo.ts': ['../../identity/context.js'],
    'src/modules/index.ts': ['./a/index.js', './b/index.js'],
    'src/app.ts': ['./modules/index.js', './modules/b/index.js', './web/forms.js'],
    'src/cli/users.ts': ['../app.js'],
  };
  const planted = (extra: Record<string, string[]>) =>
    checkArchitecture(new Map(Object.entries({ ...house, ...extra })));

  it('passes the clean house (test files may reach anywhere)', () => {
    expect(planted({})).toEqual({
      violations: [],
      figures: { moduleToModule: 1, intoInternals: 0, cycles: [], tolerated: 0 },
    });
  });

  it.each([
    [
      'a feature importing another’s internals',
      { 'src/modules/a/service.ts': ['../b/repo.js'] },
      "src/modules/a/service.ts imports '../b/repo.js' (src/modules/b/repo.ts): modules/b may be reached only through src/modules/b/index.ts",
    ],
    [
      'the platform importing a feature',
      { 'src/platform/db/connection.ts': ['../../modules/a/index.js'] },
      "src/platform/db/connection.ts imports '../../modules/a/index.js' (src/modules/a/index.ts): platform may import only platform, settings, shared, not module",
    ],
    [
      'identity importing a feature',
      { 'src/identity/context.ts': ['../modules/b/index.js'] },
      "src/identity/context.ts imports '../modules/b/index.js' (src/modules/b/index.ts): identity may import only identity, platform, settings, shared, not module",
    ],
    [
      'identity importing web (type-only counts too)',
      { 'src/identity/context.ts': relativeImportsOf("import type { Form } from '../web/forms.js';") },
      "src/identity/context.ts imports '../web/forms.js' (src/web/forms.ts): identity may import only identity, platform, settings, shared, not web",
    ],
    [
      'shared importing the platform',
      { 'src/shared/errors.ts': relativeImportsOf("export * from '../platform/db/connection.js';") },
      "src/shared/errors.ts imports '../platform/db/connection.js' (src/platform/db/connection.ts): shared may import only shared, not platform",
    ],
    [
      'the platform importing an entry point, lazily',
      { 'src/platform/db/connection.ts': relativeImportsOf("const app = await import('../../app.js');") },
      "src/platform/db/connection.ts imports '../../app.js' (src/app.ts): platform may import only platform, settings, shared, not entry",
    ],
    [
      'a feature importing the feature list',
      { 'src/modules/b/repo.ts': relativeImportsOf("import '../index.js';") },
      "src/modules/b/repo.ts imports '../index.js' (src/modules/index.ts): module may import only module, contract, web, identity, platform, settings, shared, not feature-list",
    ],
    [
      'source code importing test support',
      { 'src/modules/b/repo.ts': ['../../../test/support/app.js'] },
      "src/modules/b/repo.ts imports '../../../test/support/app.js' (test/support/app.ts): source code reaches outside src/",
    ],
    [
      'an import of a file that is not there',
      { 'src/modules/b/repo.ts': ['./gone.js'] },
      "src/modules/b/repo.ts imports './gone.js' (src/modules/b/gone.ts): no such file",
    ],
    [
      'a file no floor claims',
      { 'src/helpers.ts': ['./shared/errors.js'] },
      "src/helpers.ts imports './shared/errors.js' (src/shared/errors.ts): src/helpers.ts is on no floor: place it in test/architecture/floors.ts",
    ],
  ])('reports %s, naming the file and the import', (_, extra, message) => {
    expect(planted(extra).violations).toEqual([message]);
  });

  it('reports a cycle between two features, even through their index files', () => {
    const { violations, figures } = planted({ 'src/modules/b/repo.ts': ['../a/index.js'] });
    expect(figures.cycles).toEqual([['a', 'b']]);
    expect(violations).toEqual([
      "modules a, b import each other: src/modules/a/service.ts imports '../b/index.js' (src/modules/b/index.ts); " +
        "src/modules/b/repo.ts imports '../a/index.js' (src/modules/a/index.ts)",
    ]);
  });

  it('counts imports into internals and tolerates only the exceptions it is given', () => {
    const extra = { 'src/modules/a/repo.ts': ['../b/repo.js'] };
    expect(planted(extra).figures).toMatchObject({ moduleToModule: 2, intoInternals: 1 });
    const excused = checkArchitecture(new Map(Object.entries({ ...house, ...extra })), [
      { from: 'src/modules/a/repo.ts', to: 'src/modules/b/repo.ts', why: 'planted' },
    ]);
    expect(excused.violations).toEqual([]);
    expect(excused.figures.tolerated).toBe(1);
  });
});
