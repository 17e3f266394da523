import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { csrfTokenFor } from '../identity/csrf.js';
import type { PageContext } from './page-context.js';

/**
 * How long a rendered page may be sent again: pages show relative times ("2 minutes ago"), which
 * a copy this old is at most this much behind on (the page script keeps them current anyway).
 */
const MAX_AGE_MS = 15_000;
/** Renders kept per source (the viewers and filters that read one kept list at once). */
const MAX_PER_SOURCE = 64;

interface Rendered {
  /** The page split at each form token. */
  parts: string[];
  at: number;
}

/**
 * Pages a signed-in person reloads often (their ticket list), rendered once per version of what
 * they show instead of once a request: a render is kept with the object it was made from (a kept
 * ticket list, which is dropped on every node when any ticket changes), for this viewer, language,
 * theme, zone and URL. When the source is dropped, its renders go with it (a WeakMap); without a
 * kept source (caches off, a search) every request renders.
 *
 * A render never carries a form token: it is made with a marker nobody can write, and the
 * viewer's own token is put in as it is sent, so two sessions of one person share a render and
 * each still gets its own token. What decides who may see the page (the session, the access
 * check) runs before this on every request; the key holds the viewer's id, name, address and
 * permissions, so a changed role or name renders anew.
 */
export class ViewerPages {
  private readonly renders = new WeakMap<object, Map<string, Rendered>>();
  private readonly mark = `sbtoken${randomBytes(12).toString('hex')}`;
  /** Pages sent from a kept render: tests read it. */
  hits = 0;

  async send(
    request: FastifyRequest,
    reply: FastifyReply,
    options: {
      template: string;
      /** What the render reads, dropped when it changes; undefined renders every time. */
      source: object | undefined;
      /** Anything else the page depends on that the URL does not say. */
      key?: string;
      /** The template's data, asked for only when it is rendered. */
      data: () => Record<string, unknown>;
    },
  ): Promise<FastifyReply | string> {
    const page = request.page;
    if (!options.source || !page?.viewer) return reply.viewAsync(options.template, options.data());
    const key = `${options.template}\n${viewerKey(page)}\n${request.url}\n${options.key ?? ''}`;
    let bySource = this.renders.get(options.source);
    const now = Date.now();
    let rendered = bySource?.get(key);
    if (rendered && now - rendered.at <= MAX_AGE_MS) this.hits++;
    else {
      const html = await request.server.view(options.template, {
        ...reply.locals,
        ...options.data(),
        csrf: () => this.mark,
      });
      rendered = { parts: html.split(this.mark), at: now };
      if (!bySource) {
        bySource = new Map();
        this.renders.set(options.source, bySource);
      }
      // Oldest first: a source read by many viewers only pushes out its own oldest renders.
      if (bySource.size >= MAX_PER_SOURCE) bySource.delete(bySource.keys().next().value!);
      bySource.set(key, rendered);
    }
    const token = rendered.parts.length > 1 ? csrfTokenFor(request, reply) : '';
    return reply.type('text/html; charset=utf-8').send(rendered.parts.join(token));
  }
}

/** Everything about the viewer a page shows or decides by. */
const viewerKey = (page: PageContext): string => {
  const viewer = page.viewer!;
  return [
    viewer.id,
    viewer.name,
    viewer.email,
    [...viewer.permissions].join(' '),
    page.lang,
    page.theme,
    page.timeZone,
  ].join('\n');
};
