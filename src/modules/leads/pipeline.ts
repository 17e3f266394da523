import type { AuthContext } from '../../identity/context.js';
import { AppError, invalidField, notFound } from '../../shared/errors.js';
import { auditLead, type LeadActor, userIdOf } from './context.js';
import { deleteLead, insertNote, type LeadRow, lockLead, updateLead } from './repo.js';
import { activeHolders, OWNER_PERMISSIONS } from './settings.js';
import { isStage, type Stage } from './table.js';

const MAX_NOTE = 5000;

async function lockedLead(ctx: AuthContext, id: string): Promise<LeadRow> {
  const lead = await lockLead(ctx.trx, id);
  if (!lead) throw notFound('No lead with this id.');
  return lead;
}

export interface LeadChange {
  stage?: string | undefined;
  /** An owner's id; null takes the lead from its owner. */
  ownerId?: string | null | undefined;
}

/** Moves a lead in the pipeline and/or gives it an owner; each change is audited with before and after. */
export async function changeLead(ctx: AuthContext, actor: LeadActor, id: string, change: LeadChange) {
  if (change.stage !== undefined && !isStage(change.stage))
    throw invalidField('/body/stage', 'Not a stage of the pipeline.', { key: 'leads:errors.stage' });
  const lead = await lockedLead(ctx, id);
  if (change.ownerId) {
    const owners = await activeHolders(ctx.trx, OWNER_PERMISSIONS);
    if (!owners.some((o) => o.id === change.ownerId))
      throw invalidField('/body/ownerId', 'Leads are owned by an active team member.', {
        key: 'leads:errors.owner',
      });
  }
  const stage = change.stage as Stage | undefined;
  if (stage !== undefined && stage !== lead.stage) {
    await updateLead(ctx.trx, id, { stage });
    await auditLead(ctx, actor, 'stage_changed', id, { from: lead.stage, to: stage });
  }
  if (change.ownerId !== undefined && change.ownerId !== lead.owner_id) {
    await updateLead(ctx.trx, id, { owner_id: change.ownerId });
    await auditLead(ctx, actor, 'owner_changed', id, { from: lead.owner_id, to: change.ownerId });
  }
}

export async function addNote(ctx: AuthContext, actor: LeadActor, id: string, text: string) {
  const body = text.trim();
  if (!body || body.length > MAX_NOTE)
    throw invalidField('/body/body', `A note has 1 to ${MAX_NOTE} characters.`, { key: 'leads:errors.note' });
  await lockedLead(ctx, id);
  const note = await insertNote(ctx.trx, { lead_id: id, author_id: userIdOf(actor), body });
  await auditLead(ctx, actor, 'note_added', id, { noteId: note.id });
  return note;
}

/** Deletes a lead and its notes; the audit entry keeps that it existed, not what it said. */
export async function removeLead(ctx: AuthContext, actor: LeadActor, id: string): Promise<void> {
  const lead = await lockedLead(ctx, id);
  if (!(await deleteLead(ctx.trx, id))) throw new AppError('conflict');
  await auditLead(ctx, actor, 'deleted', id, { stage: lead.stage, converted: lead.converted_at !== null });
}
