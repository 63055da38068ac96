// Plain `{"message": …}` answers (Kong's `kong.response.exit(status, {message})`) thrown from
// anywhere in a handler and rendered by the server loop; err_t errors use core's KongError.

export class AdminHttpError extends Error {
  readonly status: number;
  /** `undefined` → empty body (e.g. Kong's bare 415). */
  readonly body: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(status: number, body?: Record<string, unknown>, headers?: Record<string, string>) {
    super(typeof body?.message === 'string' ? body.message : `HTTP ${status}`);
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

export function notFound(): AdminHttpError {
  return new AdminHttpError(404, { message: 'Not found' });
}

export function methodNotAllowed(): AdminHttpError {
  return new AdminHttpError(405, { message: 'Method not allowed' });
}

export function badRequest(message: string): AdminHttpError {
  return new AdminHttpError(400, { message });
}
