import type { FeatureModule } from '../module.js';
import { authApiRoutes } from './routes.api.js';
import { meApiRoutes } from './routes.me.api.js';
import { mfaApiRoutes } from './routes.mfa.api.js';
import { passkeyApiRoutes } from './routes.passkeys.api.js';
import { passkeyWebRoutes } from './routes.passkeys.web.js';
import { profileWebRoutes } from './routes.profile.web.js';
import { securityWebRoutes } from './routes.security.web.js';
import { authWebRoutes } from './routes.web.js';

export const authModule: FeatureModule = {
  name: 'auth',
  navigation: [
    {
      key: 'sign-in',
      href: '/login',
      label: 'auth:nav.signIn',
      area: 'main',
      audience: 'signed-out',
      order: 90,
    },
    { key: 'account', href: '/account', label: 'auth:nav.account', area: 'account', home: 90, order: 10 },
    { key: 'security', href: '/account/security', label: 'auth:nav.security', area: 'account', order: 20 },
  ],
  async routes(app) {
    await app.register(authApiRoutes);
    await app.register(meApiRoutes);
    await app.register(mfaApiRoutes);
    await app.register(authWebRoutes);
    await app.register(securityWebRoutes);
    await app.register(passkeyApiRoutes);
    await app.register(passkeyWebRoutes);
    await app.register(profileWebRoutes);
  },
};
