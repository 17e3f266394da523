import type { FastifyRequest } from 'fastify';
import type { UserSummary } from './users/repo.js';

/**
 * A feature's part of the account page (ticket notification choices, say): the partial it renders
 * there and the values that partial reads. Features contribute sections instead of the account
 * page importing them, so the kernel and the auth feature never depend on the features above.
 */
export interface ProfileSection {
  /** The partial the account page includes, e.g. `pages/auth/_notifications.njk`. */
  template: string;
  /** The values the partial reads, merged into the page's state. */
  state(request: FastifyRequest, user: UserSummary): Promise<Record<string, unknown>>;
}

const sections = new Set<ProfileSection>();

/** modules/index.ts registers each FeatureModule's `profileSection` when the feature list loads. */
export function registerProfileSection(section: ProfileSection): void {
  sections.add(section);
}

/** Every section's partial, in registration order, and their values for this viewer. */
export async function profileSectionsFor(
  request: FastifyRequest,
  user: UserSummary,
): Promise<{ profileSections: string[] } & Record<string, unknown>> {
  let values: Record<string, unknown> = {};
  for (const section of sections) values = { ...values, ...(await section.state(request, user)) };
  return { ...values, profileSections: [...sections].map((s) => s.template) };
}
