import { AppError } from '../../../shared/errors.js';
import { hashPassword } from '../passwords/hash.js';
import { checkPassword, normalizePassword, type PasswordContext } from '../passwords/policy.js';

/** Checks a new password against the policy (400 with the reason on /body/password) and hashes it. */
export async function acceptNewPassword(password: string, context: PasswordContext): Promise<string> {
  const problem = checkPassword(password, context);
  if (problem) {
    throw new AppError('validation_failed', problem.message, {
      errors: [{ pointer: '/body/password', detail: problem.message }],
    });
  }
  return hashPassword(normalizePassword(password));
}
