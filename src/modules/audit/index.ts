/** The audit feature's public surface: the viewer, verify, retention, and the not-visible trace. */
export { auditModule } from './module.js';
export { recordNotVisible } from './not-visible.js';
export { setRetentionFloor } from './retention-floor.js';
export { type ChainReport, verifyAuditChain } from './verify.js';
