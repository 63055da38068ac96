// The two ways the balancer fails, with the messages and statuses Kong's
// kong/runloop/balancer/init.lua `execute()` produces for them.

export type BalancerErrorKind = 'no_peers' | 'dns';

export class BalancerError extends Error {
  readonly kind: BalancerErrorKind;
  /**
   * HTTP status Kong answers with: 503 for "no peers" and NXDOMAIN/empty answers; 500 for any
   * other DNS failure (timeouts, SERVFAIL), whose message Kong's handler wraps as
   * `failed the initial dns/balancer resolve for '<host>' with: <err>`.
   */
  readonly status: 500 | 503;

  constructor(kind: BalancerErrorKind, message?: string, status?: 500 | 503) {
    super(message ?? (kind === 'no_peers' ? 'failure to get a peer from the ring-balancer' : 'name resolution failed'));
    this.name = 'BalancerError';
    this.kind = kind;
    this.status = status ?? 503;
  }
}

/** NXDOMAIN / empty answer: Kong's `3 name error` and `101 empty record received`. */
export function nameResolutionFailed(): BalancerError {
  return new BalancerError('dns');
}

/** Any other resolver failure, worded as Kong's proxy handler does. */
export function resolveFailed(host: string, cause: unknown): BalancerError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new BalancerError('dns', `failed the initial dns/balancer resolve for '${host}' with: ${detail}`, 500);
}
