import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Resolved from this module, so the same code finds src/* under tsx and dist/* when compiled.
const SHARED_VIEWS = new URL('./views/', import.meta.url);
const FEATURES = new URL('../modules/', import.meta.url);

/**
 * Where templates are looked up, first match wins: the shared layouts, partials and mails, then the
 * `views/` folder of every feature under modules/, then folders of features kept elsewhere (a test's
 * fixture feature). A feature owns its pages by keeping them in its own folder; nothing to register.
 */
export function viewSearchPath(extra: readonly URL[] = []): string[] {
  const features = existsSync(FEATURES)
    ? readdirSync(FEATURES, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => new URL(`${entry.name}/views/`, FEATURES))
        .filter((views) => existsSync(views))
        .sort((a, b) => a.href.localeCompare(b.href))
    : [];
  return [SHARED_VIEWS, ...features, ...extra].map((url) => fileURLToPath(url));
}
