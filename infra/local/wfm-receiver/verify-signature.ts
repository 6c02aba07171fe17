import { Webhook } from 'standardwebhooks';

/**
 * Standard Webhooks check of the raw body: `webhook-id`, `webhook-timestamp` (±5 min) and any one of the
 * space-separated `v1,` signatures must match. Throws at construction for an unusable secret.
 */
export function signatureVerifier(
  secret: string,
): (body: string, headers: Record<string, string>) => boolean {
  const webhook = new Webhook(secret);
  return (body, headers) => {
    try {
      webhook.verify(body, headers, { jsonParse: false });
      return true;
    } catch {
      return false;
    }
  };
}
