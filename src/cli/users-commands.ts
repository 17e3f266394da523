import type { Command } from 'commander';
import type { AuthContext, AuthDeps } from '../identity/context.js';
import { authDeps } from '../identity/ports.js';
import {
  type Actor,
  disableUser,
  enableUser,
  endUserSessions,
  inviteUser,
  userByEmailOrFail,
} from '../modules/admin/index.js';
import { withLinkBase } from './link-base.js';
import { withPlatform } from './with-platform.js';

/** The CLI acts as the server's operator: audited with no user id and `cli` as the address. */
const CLI_ACTOR: Actor = { userId: null, name: 'Your administrator' };
const CLI_META = { ip: 'cli', userAgent: 'switchboard users' };

/**
 * Runs one administrative use case in a transaction, acting as the system (row-level security)
 * and audited as the CLI; mail is queued and a running server or worker sends it.
 */
function withUserAdmin(
  run: (deps: AuthDeps, ctx: AuthContext) => Promise<string>,
  { mailsLinks = false } = {},
): Promise<void> {
  return withPlatform(async (platform, config) => {
    const deps = {
      ...authDeps(platform),
      db: platform.database.system,
      config: mailsLinks ? await withLinkBase(platform.database.system, config) : config,
    };
    return platform.database.system
      .transaction()
      .execute((trx) => run(deps, { trx, meta: CLI_META, failures: [] }));
  });
}

export function registerUsersCommands(program: Command): void {
  const users = program.command('users').description('User accounts: invite, disable, enable, sign out');
  users
    .command('invite')
    .description('Create an account and mail the person a 7-day link to choose a password')
    .requiredOption('--email <email>', 'their email address')
    .option('--name <name>', 'their display name')
    .option('--roles <roles>', 'comma-separated role names, e.g. agent or customer,premium', 'customer')
    .action((options: { email: string; name?: string; roles: string }) => {
      const roles = options.roles.split(',').map((r) => r.trim());
      return withUserAdmin(
        async (deps, ctx) => {
          const user = await inviteUser(deps, ctx, CLI_ACTOR, {
            email: options.email,
            displayName: options.name ?? '',
            roles,
          });
          return `Invited ${user.email} (${user.roles.join(', ')}). The invitation mail is queued.`;
        },
        { mailsLinks: true },
      );
    });
  users
    .command('disable')
    .description('Disable an account and end all its sessions')
    .requiredOption('--email <email>', 'the account’s email address')
    .action((options: { email: string }) =>
      withUserAdmin(async (deps, ctx) => {
        const user = await userByEmailOrFail(ctx, options.email);
        const { endedSessions } = await disableUser(deps, ctx, CLI_ACTOR, user.id);
        return `Disabled ${user.email}; ${endedSessions} session(s) ended.`;
      }),
    );
  users
    .command('enable')
    .description('Let a disabled account sign in again')
    .requiredOption('--email <email>', 'the account’s email address')
    .action((options: { email: string }) =>
      withUserAdmin(async (deps, ctx) => {
        const user = await userByEmailOrFail(ctx, options.email);
        const enabled = await enableUser(deps, ctx, CLI_ACTOR, user.id);
        return `${enabled.email} is ${enabled.status === 'active' ? 'active' : 'enabled (still waiting for email confirmation)'}.`;
      }),
    );
  users
    .command('end-sessions')
    .description('Sign an account out everywhere: browser sessions and the apps it authorised')
    .requiredOption('--email <email>', 'the account’s email address')
    .action((options: { email: string }) =>
      withUserAdmin(async (deps, ctx) => {
        const user = await userByEmailOrFail(ctx, options.email);
        const ended = await endUserSessions(deps, ctx, CLI_ACTOR, user.id);
        return `Ended ${ended} session(s) of ${user.email} and revoked its apps’ tokens.`;
      }),
    );
}
