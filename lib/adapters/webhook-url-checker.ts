// The webhook URL policy (lib/wfm/url-policy.ts) as the endpoint API's validation: the same rules that every
// delivery applies again on the address it connects to, answered as a 422 issue on `url` when creating or changing
// an endpoint.

import type { UrlChecker } from '../app/webhook-ports.ts';
import type { ValidationIssue } from '../domain/types.ts';
import {
  checkWebhookTarget,
  type WebhookTargetPolicy,
  WebhookTargetRefusedError,
  WebhookTargetUnresolvedError,
} from '../wfm/url-policy.ts';

export class WebhookUrlChecker implements UrlChecker {
  private readonly policy: WebhookTargetPolicy;

  /** `allowPrivate` / `loopbackOnly`: the local stack only (http and loopback receivers). */
  constructor(policy: WebhookTargetPolicy) {
    this.policy = policy;
  }

  async check(url: string): Promise<ValidationIssue | undefined> {
    try {
      await checkWebhookTarget(url, this.policy);
      return undefined;
    } catch (error) {
      if (error instanceof WebhookTargetRefusedError) {
        return {
          path: 'url',
          code: error.reason,
          message: error.message.replace(/^webhook target refused: /, ''),
        };
      }
      if (error instanceof WebhookTargetUnresolvedError) {
        return {
          path: 'url',
          code: 'host_unresolved',
          message: `the host does not resolve${error.code ? ` (${error.code})` : ''}`,
        };
      }
      throw error;
    }
  }
}
