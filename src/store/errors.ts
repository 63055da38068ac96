// Failures of the database itself (not of the data): connection refused, timed out, dropped.
// Kept apart from KongError's DATABASE_ERROR (code 8, a statement the database rejected) so the
// Admin API can answer 503 while the proxy keeps serving its last good snapshot
// (security-and-reliability §4.3: bounded-time failure, recovery without restart).
export class DatabaseUnavailableError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'DatabaseUnavailableError';
  }
}
