import type { AuthContext } from '../../identity/context.js';
import { recordAudit } from '../../platform/audit/record.js';
import { AppError } from '../../shared/errors.js';
import { findCategory, insertCategory, updateCategory } from './repo/categories.js';

function cleanName(name: string): string {
  const clean = name.trim();
  if (clean.length < 1 || clean.length > 80)
    throw new AppError('validation_failed', 'Give the category a name of 1–80 characters.', {
      errors: [{ pointer: '/body/name', detail: 'Give the category a name of 1–80 characters.' }],
    });
  return clean;
}

async function unique<T>(run: () => Promise<T>, name: string): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if ((error as { code?: string }).code === '23505')
      throw new AppError('conflict', `There is already a category named ${name}.`);
    throw error;
  }
}

const audit = (ctx: AuthContext, actorId: string | null, action: string, id: string, details: object) =>
  recordAudit(ctx.trx, {
    actor: { type: actorId ? 'user' : 'api_client', id: actorId },
    action: `ticket_category.${action}`,
    target: { type: 'ticket_category', id },
    outcome: 'success',
    ip: ctx.meta.ip,
    userAgent: ctx.meta.userAgent,
    requestId: ctx.meta.requestId,
    details: { ...details },
  });

export async function createCategory(
  ctx: AuthContext,
  actorId: string | null,
  input: { name: string; description?: string },
) {
  const name = cleanName(input.name);
  const row = await unique(
    () => insertCategory(ctx.trx, { name, description: input.description?.trim() ?? '' }),
    name,
  );
  await audit(ctx, actorId, 'created', row.id, { name });
  return row;
}

/** Renames, describes, archives (kept on old tickets, no longer offered) or restores a category. */
export async function changeCategory(
  ctx: AuthContext,
  actorId: string | null,
  id: string,
  changes: { name?: string; description?: string; archived?: boolean },
) {
  const name = changes.name === undefined ? undefined : cleanName(changes.name);
  const set = {
    ...(name !== undefined ? { name } : {}),
    ...(changes.description !== undefined ? { description: changes.description.trim() } : {}),
    ...(changes.archived !== undefined ? { archived_at: changes.archived ? new Date() : null } : {}),
  };
  const row =
    Object.keys(set).length === 0
      ? await findCategory(ctx.trx, id)
      : await unique(() => updateCategory(ctx.trx, id, set), name ?? '');
  if (!row) throw new AppError('not_found', 'There is no such category.');
  await audit(ctx, actorId, 'changed', id, changes);
  return row;
}
