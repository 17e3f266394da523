import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  watch,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Builds the browser assets into src/web/static/build: Tailwind CSS (minified), htmx and the small
 * app script, each named with a hash of its content, plus manifest.json mapping logical names to
 * URLs (read by src/web/web-plugin.ts). Content-hashed names let the server cache them as immutable.
 *
 *   tsx scripts/build-assets.ts           build once
 *   tsx scripts/build-assets.ts --dist    build, then copy views and static files to dist/ (web/ and
 *                                         each feature's views/)
 *   tsx scripts/build-assets.ts --watch   build, then rebuild whenever templates, styles or code change
 *                                         (for `npm run dev`, which serves from src/)
 */
const WEB = 'src/web';
const MODULES = 'src/modules';
const OUT = path.join(WEB, 'static/build');
const SCRATCH_DIR = 'node_modules/.cache/switchboard-assets';
const require = createRequire(import.meta.url);

/** Files from earlier builds, recognised by the same 8-hex fingerprint this script writes. */
const FINGERPRINTED = /^[\w-]+\.[0-9a-f]{8,16}\.\w+$/;

function tailwindCli(): string {
  const pkg = require.resolve('@tailwindcss/cli/package.json');
  const bin = (JSON.parse(readFileSync(pkg, 'utf8')) as { bin: { tailwindcss: string } }).bin.tailwindcss;
  return path.join(path.dirname(pkg), bin);
}

function compileCss(): Buffer {
  // The CLI is run with this Node binary rather than through node_modules/.bin, so it works on Windows too.
  const args = [tailwindCli(), '-i', path.join(WEB, 'styles/app.css'), '--minify'];
  const result = spawnSync(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`tailwindcss failed:\n${result.stderr.toString()}`);
  return result.stdout;
}

/** Writes through a temporary name, so a server reading the directory never sees half a file. */
function writeAtomically(file: string, content: Buffer | string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, file);
}

function emit(name: string, ext: string, content: Buffer): string {
  const hash = createHash('sha256').update(content).digest('hex').slice(0, 8);
  const file = `${name}.${hash}.${ext}`;
  writeAtomically(path.join(OUT, file), content);
  return `/static/build/${file}`;
}

/** Writes the fingerprinted copies and the manifest, then deletes copies from earlier builds. */
function emitAll(css: Buffer): Record<string, string> {
  mkdirSync(OUT, { recursive: true });
  const manifest = {
    'app.css': emit('app', 'css', css),
    'htmx.js': emit('htmx', 'js', readFileSync(require.resolve('htmx.org/dist/htmx.min.js'))),
    'app.js': emit('app', 'js', readFileSync(path.join(WEB, 'scripts/app.js'))),
    'webauthn.js': emit(
      'webauthn',
      'js',
      // The package exports only its module entry; the browser bundle sits beside it.
      readFileSync(
        path.join(
          path.dirname(require.resolve('@simplewebauthn/browser')),
          '../dist/bundle/index.umd.min.js',
        ),
      ),
    ),
    'passkeys.js': emit('passkeys', 'js', readFileSync(path.join(WEB, 'scripts/passkeys.js'))),
    'live.js': emit('live', 'js', readFileSync(path.join(WEB, 'scripts/live.js'))),
    'inbox.js': emit('inbox', 'js', readFileSync(path.join(WEB, 'scripts/inbox.js'))),
    'attachments.js': emit('attachments', 'js', readFileSync(path.join(WEB, 'scripts/attachments.js'))),
  };
  writeAtomically(path.join(OUT, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const current = new Set(Object.values(manifest).map((url) => path.basename(url)));
  for (const file of readdirSync(OUT)) {
    if (FINGERPRINTED.test(file) && !current.has(file)) rmSync(path.join(OUT, file));
  }
  return manifest;
}

function report(manifest: Record<string, string>, started: number): void {
  const took = Math.round(performance.now() - started);
  console.log(`assets built in ${took} ms: ${Object.values(manifest).join(', ')}`);
}

/**
 * dist/ mirrors src/'s runtime half, so the compiled plugin finds views, messages and static files
 * beside it: src/web/{views,messages,static} and every feature's src/modules/<feature>/{views,messages}.
 */
function copyToDist(): void {
  const folders = [path.join(WEB, 'views'), path.join(WEB, 'messages'), path.join(WEB, 'static')];
  for (const feature of readdirSync(MODULES, { withFileTypes: true })) {
    for (const part of ['views', 'messages']) {
      const folder = path.join(MODULES, feature.name, part);
      if (feature.isDirectory() && existsSync(folder)) folders.push(folder);
    }
  }
  for (const folder of folders) {
    const target = path.join('dist', path.relative('src', folder));
    rmSync(target, { recursive: true, force: true });
    mkdirSync(path.dirname(target), { recursive: true });
    cpSync(folder, target, { recursive: true });
  }
}

/**
 * Tailwind's own watcher (@parcel/watcher) follows every @source file, including editors' atomic
 * saves, which Node's recursive fs.watch loses track of on Linux. It rewrites a scratch file after
 * each rebuild; watching that file's directory (and the scripts folder) is enough to re-fingerprint.
 */
function watchAndRebuild(): void {
  mkdirSync(SCRATCH_DIR, { recursive: true });
  const scratch = path.join(SCRATCH_DIR, 'app.css');
  const input = path.join(WEB, 'styles/app.css');
  const tailwind = spawn(
    process.execPath,
    [tailwindCli(), '-i', input, '-o', scratch, '--minify', '--silent', '--watch=always'],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  let timer: NodeJS.Timeout | undefined;
  const rebuild = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      try {
        const started = performance.now();
        report(emitAll(readFileSync(scratch)), started);
      } catch (error) {
        console.error((error as Error).message);
      }
    }, 50);
  };
  watch(SCRATCH_DIR, (_event, file) => file === 'app.css' && rebuild());
  watch(path.join(WEB, 'scripts'), rebuild);
  const stop = () => tailwind.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  tailwind.on('exit', (code) => process.exit(code ?? 0));
  console.log('watching templates, styles and scripts for changes');
}

const args = new Set(process.argv.slice(2));
const started = performance.now();
report(emitAll(compileCss()), started);
if (args.has('--dist')) copyToDist();
if (args.has('--watch')) watchAndRebuild();
