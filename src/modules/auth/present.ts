import type { Static } from 'typebox';
import type { UserRow } from '../../identity/users/repo.js';
import type { Me } from './schemas.js';

export const presentMe = (user: UserRow): Static<typeof Me> => ({
  id: user.id,
  email: user.email,
  displayName: user.display_name,
  company: user.company,
  phone: user.phone,
  phoneVerified: user.phone_verified_at !== null,
  locale: user.locale,
  timeZone: user.time_zone,
  status: user.status,
  roles: user.roles,
});
