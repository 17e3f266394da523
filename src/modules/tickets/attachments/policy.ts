import { seesAll, type TicketActor } from '../policy.js';

interface Owned {
  uploader_id: string | null;
  uploader_client_id: string | null;
}

/** The person (or integration acting as itself) who uploaded the file. */
export const uploadedBy = (actor: TicketActor, upload: Owned): boolean =>
  actor.userId
    ? upload.uploader_id === actor.userId
    : actor.clientId !== undefined && upload.uploader_client_id === actor.clientId;

/**
 * The team downloads every file; anyone else an upload of their own not yet attached, or a file
 * on a public message of a ticket they requested. Internal notes' files stay with the team.
 */
export function mayDownload(
  actor: TicketActor,
  file: Owned & { message_id: string | null; visibility: string | null; requester_id: string | null },
): boolean {
  if (seesAll(actor)) return true;
  if (file.message_id === null) return uploadedBy(actor, file);
  return actor.userId !== null && file.visibility === 'public' && file.requester_id === actor.userId;
}
