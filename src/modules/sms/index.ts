/** The SMS channel's public surface. */

export { smsModule } from './module.js';
export { listNumbers } from './numbers/repo.js';
export {
  assignNumber,
  buyNumber,
  checkWebhooks,
  type NumberActor,
  releaseNumber,
  searchAvailable,
} from './numbers/service.js';
