/** The auth feature's public surface: sign-in pages and factors, and what other features build on. */

export { confirmedFactors } from './mfa/factors-repo.js';
export { authModule } from './module.js';
export { confirmPassword } from './reauth.js';
export { accountAction, accountPage } from './routes.profile.web.js';
export { createAdmin } from './service/bootstrap.js';
export { claimPendingAccount } from './service/pending-claim.js';
// Asking for help without an account (tickets/web/help): a pending account proven by a mailed link.
export { beginSession } from './sign-in.js';
export { setSignupProofCookie, signupProofCookie } from './signup-cookie.js';
export { LIMITS, limit } from './throttle.js';
export { consumeToken, issueToken } from './tokens/one-time-tokens.js';
export { isSignupProof } from './tokens/signup-proof.js';
