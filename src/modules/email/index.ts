/** The email channel's public surface. */

export { type Accepted, type ArrivingMail, acceptMail } from './inbound/accept.js';
export { discardMail, releaseMail } from './inbound/release.js';
export { emailModule } from './module.js';
export { type DnsResolver, type SmtpListener, startSmtpListener } from './smtp/listener.js';
