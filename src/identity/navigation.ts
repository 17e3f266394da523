/**
 * The app's navigation, built from what each feature declares (`FeatureModule.navigation`), so the
 * shell links every page without knowing the features. Entries are shown by permission: a customer
 * sees their tickets, an agent the inbox, an administrator the admin section.
 */
export interface NavEntry {
  /** Stable name; pages mark theirs as current with `active`. */
  key: string;
  href: string;
  /** Message key of the label, e.g. `tickets:nav.inbox`. */
  label: string;
  /** Message key of a one-line description (the admin overview shows it under the label). */
  description?: string;
  /** main: the header; admin: the admin section and its overview; account: the user menu. */
  area: 'main' | 'admin' | 'account';
  /** Shown to someone holding any one of these; absent: to everyone the audience covers. */
  permissions?: readonly string[];
  /** Who sees it; `signed-in` (the default), `signed-out` (Sign in) or `everyone`. */
  audience?: 'signed-in' | 'signed-out' | 'everyone';
  /**
   * Where sign-in lands people who were not going anywhere in particular: the visible entry with
   * the lowest number (the inbox for agents, My tickets for customers, the account for others).
   */
  home?: number;
  /** Order within its area; lower first. */
  order?: number;
}

const entries: NavEntry[] = [];

/** modules/index.ts registers each FeatureModule's `navigation` when the feature list loads. */
export function registerNavigation(items: readonly NavEntry[]): void {
  for (const item of items) if (!entries.some((e) => e.key === item.key)) entries.push(item);
  entries.sort((a, b) => (a.order ?? 50) - (b.order ?? 50));
}

export interface Navigation {
  main: NavEntry[];
  admin: NavEntry[];
  /** The admin entries' keys: their pages mark the header's Admin entry as current. */
  adminKeys: string[];
  account: NavEntry[];
  /** The role's landing page after sign-in. */
  home: string;
}

function visible(entry: NavEntry, permissions: ReadonlySet<string>, signedIn: boolean): boolean {
  const audience = entry.audience ?? 'signed-in';
  if (audience !== 'everyone' && (audience === 'signed-in') !== signedIn) return false;
  return !entry.permissions || entry.permissions.some((p) => permissions.has(p));
}

/** What someone with these permissions may reach; admin pages are reached through `/admin`. */
export function navigationFor(permissions: ReadonlySet<string>, signedIn = true): Navigation {
  const shown = entries.filter((e) => visible(e, permissions, signedIn));
  const home = shown.filter((e) => e.home !== undefined).sort((a, b) => (a.home ?? 0) - (b.home ?? 0))[0];
  return {
    main: shown.filter((e) => e.area === 'main'),
    admin: shown.filter((e) => e.area === 'admin'),
    adminKeys: shown.filter((e) => e.area === 'admin').map((e) => e.key),
    account: shown.filter((e) => e.area === 'account'),
    home: home?.href ?? '/account',
  };
}
