import { handlesAll, type TicketActor } from '../policy.js';

export interface NavItem {
  key: string;
  href: string;
  label: string;
}

/** The header entries of ticket pages: the team gets the inbox, everyone their own requests. */
export function ticketNav(actor: TicketActor): NavItem[] {
  const items: NavItem[] = [];
  if (handlesAll(actor)) items.push({ key: 'inbox', href: '/inbox', label: 'Inbox' });
  if (actor.permissions.has('tickets:create'))
    items.push({ key: 'tickets', href: '/tickets', label: 'My tickets' });
  return items;
}
