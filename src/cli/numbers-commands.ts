import type { Command } from 'commander';
import type { Kysely, Transaction } from 'kysely';
import type { Config } from '../config.js';
import { findUserByEmail } from '../identity/users/repo.js';
import {
  assignNumber,
  buyNumber,
  checkWebhooks,
  listNumbers,
  type NumberActor,
  releaseNumber,
  searchAvailable,
} from '../modules/sms/index.js';
import type { DB } from '../platform/db/schema.js';
import { createSmsNumbers } from '../platform/sms/index.js';
import type { SmsNumberProvider } from '../platform/sms/numbers.js';
import { AppError } from '../shared/errors.js';
import { withPlatform } from './with-platform.js';

/** The CLI acts as the server's operator: audited as `cli`, with no user id. */
const CLI: NumberActor = { type: 'cli', id: null, ip: 'cli' };

interface NumbersRun {
  db: Kysely<DB>;
  config: Config;
  provider: SmsNumberProvider | null;
}

/** Runs one numbers command against the database (as the system) and the configured provider. */
const withNumbers = (run: (deps: NumbersRun) => Promise<string>): Promise<void> =>
  withPlatform((platform, config) =>
    run({ db: platform.database.system, config, provider: createSmsNumbers(config) }),
  );

/** A number named by its E.164 or its id. */
async function numberId(db: Kysely<DB> | Transaction<DB>, which: string): Promise<string> {
  const found = (await listNumbers(db)).find((n) => n.e164 === which || n.id === which);
  if (!found) throw new AppError('not_found', `No number ${which} is held.`);
  return found.id;
}

async function ownerId(db: Transaction<DB>, email: string | undefined): Promise<string | null> {
  if (!email) return null;
  const user = await findUserByEmail(db, email);
  if (!user) throw new AppError('not_found', `There is no user ${email}.`);
  return user.id;
}

export function registerNumbersCommands(program: Command): void {
  const numbers = program
    .command('numbers')
    .description('Phone numbers for the SMS channel: search, buy, assign, release, list, check');
  numbers
    .command('list')
    .description('Numbers held: personal lines with their owners, team lines')
    .action(() =>
      withNumbers(async ({ db }) => {
        const rows = await listNumbers(db);
        if (rows.length === 0) return 'No numbers held.';
        return rows
          .map((n) =>
            [
              n.e164,
              n.owner_email ? `personal: ${n.owner_email}` : 'team line',
              n.label ?? '',
              n.provider_sid,
            ]
              .filter(Boolean)
              .join('\t'),
          )
          .join('\n');
      }),
    );
  numbers
    .command('search')
    .description('Numbers Twilio offers that take texts')
    .requiredOption('--country <code>', 'two-letter country code, e.g. US or NL')
    .option('--area-code <digits>', 'area code, e.g. 415')
    .action((options: { country: string; areaCode?: string }) =>
      withNumbers(async ({ provider }) => {
        const found = await searchAvailable(provider, options);
        if (found.length === 0) return 'Twilio offers no numbers there that take texts.';
        return found.map((n) => `${n.e164}\t${[n.locality, n.region].filter(Boolean).join(', ')}`).join('\n');
      }),
    );
  numbers
    .command('buy')
    .description('Buy a number; its SMS and status webhooks point at PUBLIC_URL')
    .argument('<e164>', 'the number, e.g. +14155550100')
    .option('--owner <email>', 'whose own line it is (default: a team line)')
    .option('--label <text>', 'a label, e.g. Support line')
    .action((e164: string, options: { owner?: string; label?: string }) =>
      withNumbers(({ db, config, provider }) =>
        db.transaction().execute(async (trx) => {
          const row = await buyNumber(trx, provider, config, CLI, {
            e164,
            ownerId: await ownerId(trx, options.owner),
            label: options.label ?? null,
          });
          return `Bought ${row.e164} (${row.provider_sid}); texts to it reach ${config.PUBLIC_URL}/webhooks/twilio/sms.`;
        }),
      ),
    );
  numbers
    .command('assign')
    .description('Give a number to a person (their own line) or to the team')
    .argument('<number>', 'the number (E.164) or its id')
    .option('--owner <email>', 'the person; leave out for a team line')
    .option('--label <text>', 'a label')
    .action((which: string, options: { owner?: string; label?: string }) =>
      withNumbers(({ db }) =>
        db.transaction().execute(async (trx) => {
          const row = await assignNumber(trx, CLI, await numberId(trx, which), {
            ownerId: await ownerId(trx, options.owner),
            ...(options.label !== undefined ? { label: options.label } : {}),
          });
          return `${row.e164} is now ${options.owner ? `the own line of ${options.owner}` : 'a team line'}.`;
        }),
      ),
    );
  numbers
    .command('release')
    .description('Give a number back to Twilio (its texts stay)')
    .argument('<number>', 'the number (E.164) or its id')
    .action((which: string) =>
      withNumbers(({ db, provider }) =>
        db.transaction().execute(async (trx) => {
          const row = await releaseNumber(trx, provider, CLI, await numberId(trx, which));
          return `Released ${row.e164}.`;
        }),
      ),
    );
  numbers
    .command('check')
    .description('Find numbers whose webhooks point elsewhere; --fix points them here again')
    .option('--fix', 'point them at this instance')
    .action((options: { fix?: boolean }) =>
      withNumbers(async ({ db, config, provider }) => {
        const results = await checkWebhooks(db, provider, config, options.fix ?? false);
        if (results.length === 0) return 'No numbers held.';
        return results
          .map(
            (r) =>
              `${r.e164}\t${r.missing ? 'not at Twilio' : r.ok ? 'ok' : r.fixed ? 'fixed' : `elsewhere: ${r.smsUrl}`}`,
          )
          .join('\n');
      }),
    );
}
