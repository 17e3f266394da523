import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** URLs of the built assets, as templates see them (`assets.css`, `assets.js`, `assets.passkeys` …). */
export interface Assets {
  css: string;
  htmx: string;
  js: string;
  /** @simplewebauthn/browser's bundle, loaded only by the pages that offer passkeys. */
  webauthn: string;
  passkeys: string;
  /** Live ticket pages: Server-Sent Events turned into htmx refreshes. */
  live: string;
  /** The agent inbox: selection, bulk actions and keyboard shortcuts. */
  inbox: string;
  /** Ticket forms' attachments: size check before upload, previews and a progress bar. */
  attachments: string;
}

/** A name written by scripts/build-assets.ts: `<name>.<8 hex of the content hash>.<ext>`. */
const FINGERPRINTED = /\.[0-9a-f]{8}\.\w+$/;

/**
 * Cache policy for /static: a fingerprinted file never changes under its name, so browsers and
 * proxies may keep it for a year without revalidating (RFC 8246 `immutable`); anything else may
 * change in place and is kept briefly.
 */
export function cacheControlFor(file: string): string {
  return FINGERPRINTED.test(file) ? 'public, max-age=31536000, immutable' : 'public, max-age=300';
}

export class AssetsNotBuiltError extends Error {
  constructor(file: string, cause: unknown) {
    super(
      `Web assets are not built (${file} is missing or unreadable). ` +
        'Run `npm run build` (or `npm run build:assets` for the CSS and scripts alone), ' +
        'or use `npm run dev`, which rebuilds them on change.',
      { cause },
    );
    this.name = 'AssetsNotBuiltError';
  }
}

function read(file: string): Assets {
  try {
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string | undefined>;
    const assets = {
      css: manifest['app.css'],
      htmx: manifest['htmx.js'],
      js: manifest['app.js'],
      webauthn: manifest['webauthn.js'],
      passkeys: manifest['passkeys.js'],
      live: manifest['live.js'],
      inbox: manifest['inbox.js'],
      attachments: manifest['attachments.js'],
    };
    if (Object.values(assets).some((url) => !url)) throw new Error('an entry is missing');
    return assets as Assets;
  } catch (error) {
    throw new AssetsNotBuiltError(file, error);
  }
}

/**
 * Reads the build manifest once and fails at boot when it is missing, rather than serving pages
 * without styles. Outside production the manifest is re-read whenever the asset watcher rewrites
 * it, so restyled pages point at the new CSS without a server restart.
 */
export function assetManifest(staticDir: URL, production: boolean): () => Assets {
  const file = fileURLToPath(new URL('build/manifest.json', staticDir));
  let assets = read(file);
  if (production) return () => assets;
  let seen = statSync(file).mtimeMs;
  return () => {
    const modified = statSync(file, { throwIfNoEntry: false })?.mtimeMs;
    if (modified !== undefined && modified !== seen) {
      assets = read(file);
      seen = modified;
    }
    return assets;
  };
}
