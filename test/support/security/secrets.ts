// The values no log line, response or webhook may ever contain, and a scanner that finds them in text.
// The local values below are published local-only defaults (not secrets), which is exactly why they are easy to
// look for: a test run that prints one of them would print the real secret in the same place when deployed.
import { LOCAL_ADMIN_TOKEN, LOCAL_API_TOKEN } from '../../../infra/local/api-gateway.ts';
import { SANDBOX_CREDENTIALS } from '../../../infra/local/cxone-sandbox/server.ts';
import { LOCAL_WFM_WEBHOOK_SECRET } from '../../../infra/local/wfm-receiver/server.ts';

export interface KnownSecret {
  /** What the value is, e.g. `sandbox clientSecret`; printed instead of the value. */
  label: string;
  value: string;
}

export interface SecretPattern {
  label: string;
  /** Any match is a finding. */
  pattern: RegExp;
}

export interface SecretFinding {
  /** What was found on the line, e.g. `sandbox clientSecret`. */
  labels: string[];
  /** 1-based line of `text` the value was found on. */
  line: number;
  /** The line with every known value and pattern match replaced by `[label]`, at most 300 characters. */
  excerpt: string;
}

const WHSEC_PREFIX = 'whsec_';

/** A value and the forms it takes on the wire: URL-encoded (form bodies, query strings) and, for `whsec_`, the key. */
export function secretForms(label: string, value: string): KnownSecret[] {
  const forms: KnownSecret[] = [{ label, value }];
  const encoded = encodeURIComponent(value);
  if (encoded !== value) forms.push({ label: `${label} (URL-encoded)`, value: encoded });
  if (value.startsWith(WHSEC_PREFIX)) {
    const key = value.slice(WHSEC_PREFIX.length);
    forms.push({ label: `${label} (base64 key)`, value: key });
    const urlEncodedKey = encodeURIComponent(key);
    if (urlEncodedKey !== key)
      forms.push({ label: `${label} (base64 key, URL-encoded)`, value: urlEncodedKey });
    forms.push({ label: `${label} (key as hex)`, value: Buffer.from(key, 'base64').toString('hex') });
  }
  return forms;
}

/** HTTP Basic client authentication as the dispatcher sends it to the CXone token endpoint. */
export function basicCredentials(id: string, secret: string): string {
  return Buffer.from(`${id}:${secret}`).toString('base64');
}

/**
 * The local stack's credentials: the CXone sandbox's (all four values and the Basic header they make), the local
 * API tokens and the WFM receiver's signing secret.
 */
export function localSecrets(): KnownSecret[] {
  return [
    ...Object.entries(SANDBOX_CREDENTIALS).flatMap(([name, value]) => secretForms(`sandbox ${name}`, value)),
    {
      label: 'sandbox Basic client credentials',
      value: basicCredentials(SANDBOX_CREDENTIALS.clientId, SANDBOX_CREDENTIALS.clientSecret),
    },
    ...secretForms('local API token', LOCAL_API_TOKEN),
    ...secretForms('local admin API token', LOCAL_ADMIN_TOKEN),
    ...secretForms('local WFM signing secret', LOCAL_WFM_WEBHOOK_SECRET),
  ];
}

/** Shapes of credentials whatever their value: sandbox-issued tokens, any `whsec_` key, AWS access key ids. */
export const SECRET_PATTERNS: readonly SecretPattern[] = [
  { label: 'CXone sandbox access token', pattern: /sbx_at_[A-Za-z0-9_-]{32}/g },
  { label: 'CXone sandbox refresh token', pattern: /sbx_rt_[A-Za-z0-9_-]{32}/g },
  { label: 'whsec_ signing secret', pattern: /whsec_[A-Za-z0-9+/]{32,}={0,2}/g },
  { label: 'AWS access key id', pattern: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g },
];

/** Every line of `text` that holds a known value or matches a pattern, with the matches redacted. */
export function findSecrets(
  text: string,
  secrets: readonly KnownSecret[],
  patterns: readonly SecretPattern[] = SECRET_PATTERNS,
): SecretFinding[] {
  const findings: SecretFinding[] = [];
  // Longest first, so that `local-client-secret` is reported (and redacted) as itself, not as `local-client`.
  const byLength = [...secrets].filter((s) => s.value !== '').sort((a, b) => b.value.length - a.value.length);
  text.split('\n').forEach((line, index) => {
    const labels = new Set<string>();
    // Each value found is taken out before looking for the shorter ones, so each occurrence counts once.
    let rest = line;
    for (const secret of byLength) {
      if (!rest.includes(secret.value)) continue;
      labels.add(secret.label);
      rest = rest.split(secret.value).join('\u0000');
    }
    for (const { label, pattern } of patterns) {
      if (new RegExp(pattern.source).test(rest)) labels.add(label);
    }
    if (labels.size === 0) return;
    findings.push({
      labels: [...labels],
      line: index + 1,
      excerpt: redact(line, byLength, patterns).slice(0, 300),
    });
  });
  return findings;
}

/** `text` with every known value and pattern match replaced by `[its label]`. */
export function redact(
  text: string,
  secrets: readonly KnownSecret[],
  patterns: readonly SecretPattern[] = SECRET_PATTERNS,
): string {
  let result = text;
  for (const secret of [...secrets].sort((a, b) => b.value.length - a.value.length)) {
    if (secret.value !== '') result = result.split(secret.value).join(`[${secret.label}]`);
  }
  for (const { label, pattern } of patterns) {
    result = result.replace(new RegExp(pattern.source, 'g'), `[${label}]`);
  }
  return result;
}

/** One line per finding: `where:line label: excerpt`. Never prints a secret. */
export function describeFindings(where: string, findings: readonly SecretFinding[], limit = 20): string {
  const lines = findings
    .slice(0, limit)
    .map((f) => `${where}:${f.line} ${f.labels.join(', ')}: ${f.excerpt}`);
  if (findings.length > limit) lines.push(`… and ${findings.length - limit} more`);
  return lines.join('\n');
}
