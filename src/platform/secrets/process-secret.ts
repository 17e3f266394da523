/**
 * The running process's SECRET_KEY, for code that is reached with a transaction but not the
 * settings in hand (the audit chain's writers, called from every feature). Set when the key is
 * resolved (resolveSecretKey) and when the app or worker is assembled from a config that carries
 * one; one process serves one deployment, so there is one key.
 */
let secretKey: string | undefined;

export function rememberProcessSecret(key: string): void {
  secretKey = key;
}

export function processSecret(): string {
  if (!secretKey) throw new Error('SECRET_KEY is not known to this process yet (resolve the config first)');
  return secretKey;
}
