import type { FastifyInstance } from 'fastify';
import { PUBLIC } from '../identity/access.js';
import { signedInViewer } from '../identity/access-plugin.js';
import { localPath } from '../identity/return-to.js';
import { updateUser } from '../identity/users/repo.js';
import { runAsDbActor } from '../platform/db/actor-context.js';
import { formField } from './forms.js';
import { isLocale, LANGUAGE_COOKIE, THEME_COOKIE, THEMES } from './preferences.js';

const YEAR = 365 * 24 * 3600;

/**
 * The language switch and the theme toggle on every page: a form posting here. The choice is kept
 * in a cookie (so it works without an account) and, for someone signed in, the language also in
 * their profile, which then follows them to other browsers and into their mails.
 */
export async function preferenceRoutes(app: FastifyInstance): Promise<void> {
  app.post('/preferences', PUBLIC, async (request, reply) => {
    const { PUBLIC_URL } = app.platform.config;
    const cookie = {
      path: '/',
      sameSite: 'lax' as const,
      secure: PUBLIC_URL.startsWith('https:'),
      maxAge: YEAR,
    };
    const locale = formField(request.body, 'locale');
    const theme = formField(request.body, 'theme');
    if (isLocale(locale)) {
      reply.setCookie(LANGUAGE_COOKIE, locale, { ...cookie, httpOnly: true });
      const viewer = await signedInViewer(request);
      if (viewer && viewer.user.locale !== locale)
        // The profile row is the viewer's own: row-level security lets them change it.
        await runAsDbActor({ context: 'user', userId: viewer.user.id }, () =>
          app.platform.database.db
            .transaction()
            .execute((trx) => updateUser(trx, viewer.user.id, { locale })),
        );
    }
    const chosenTheme = THEMES.find((t) => t === theme);
    if (chosenTheme) reply.setCookie(THEME_COOKIE, chosenTheme, { ...cookie, httpOnly: true });
    const back = localPath(formField(request.body, 'back'), PUBLIC_URL) ?? '/';
    return reply.redirect(back, 303);
  });
}
