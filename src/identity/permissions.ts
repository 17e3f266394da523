/**
 * Every permission Switchboard knows, as `resource:action[:scope]`. `own` scopes reach only the
 * actor's own records, `any` scopes everyone's. Features add theirs here; roles may only be
 * granted permissions from this list, so a typo cannot silently grant nothing.
 */
export const PERMISSIONS = {
  'profile:update:own': 'Edit their own profile, phone and security settings',
  'tickets:create': 'Open tickets',
  'tickets:read:own': 'Read tickets they requested',
  'tickets:update:own': 'Reply to and close tickets they requested',
  'tickets:priority': 'Ask for priority handling',
  'tickets:read:any': 'Read every ticket',
  'tickets:update:any': 'Answer, assign and close every ticket',
  'categories:manage': 'Create, rename and archive ticket categories',
  'users:read': 'See the user directory',
  'users:invite': 'Invite people',
  'users:manage': 'Disable, enable and sign out users; reset their second factors',
  'roles:manage': 'Create and edit roles; change users’ roles',
  'audit:read': 'Read and export the audit log',
  'oauth_clients:manage': 'Register apps that use the API, change them and rotate their secrets',
  'mail:manage':
    'Set up the email channel (addresses, mailboxes, forwarding) and release or discard quarantined mail',
  'sms:manage': 'Buy, assign and release phone numbers and set up the SMS channel',
  'sms:read:any': 'Read the texts on everyone’s personal numbers (each person reads their own)',
  'outbox:read': 'Read the dev outbox (mail and texts kept while no provider is configured)',
  'leads:read': 'See the contact form’s leads and export them',
  'leads:manage':
    'Work leads (stage, owner, notes), convert them to a customer and ticket, delete them, set the form’s services',
} as const;

export type Permission = keyof typeof PERMISSIONS;

export const isPermission = (value: string): value is Permission => Object.hasOwn(PERMISSIONS, value);

/** The built-in roles, each inheriting from the one before (the legacy client < premium < fixer < administrator). */
export const BUILT_IN_ROLES = ['customer', 'premium', 'agent', 'admin'] as const;
export type BuiltInRole = (typeof BUILT_IN_ROLES)[number];
