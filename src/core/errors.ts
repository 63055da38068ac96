// The one catalogue of Kong's error objects. Database/validation errors use Kong's `err_t`
// shape ({code, name, message, fields}); the HTTP status each maps to follows
// ERRORS_HTTP_CODES in kong/api/endpoints.lua.

export const ErrorCode = {
  INVALID_PRIMARY_KEY: 1,
  SCHEMA_VIOLATION: 2,
  PRIMARY_KEY_VIOLATION: 3,
  FOREIGN_KEY_VIOLATION: 4,
  UNIQUE_VIOLATION: 5,
  NOT_FOUND: 6,
  INVALID_OFFSET: 7,
  DATABASE_ERROR: 8,
  INVALID_SIZE: 9,
  INVALID_UNIQUE: 10,
  INVALID_OPTIONS: 11,
  OPERATION_UNSUPPORTED: 12,
  FOREIGN_KEYS_UNRESOLVED: 13,
  DECLARATIVE_CONFIG: 14,
  TRANSFORMATION_ERROR: 15,
  REFERENCED_BY_OTHERS: 19,
} as const;
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

export const ERROR_NAMES: Record<ErrorCodeValue, string> = {
  1: 'invalid primary key',
  2: 'schema violation',
  3: 'primary key violation',
  4: 'foreign key violation',
  5: 'unique constraint violation',
  6: 'not found',
  7: 'invalid offset',
  8: 'database error',
  9: 'invalid size',
  10: 'invalid unique',
  11: 'invalid options',
  12: 'operation unsupported',
  13: 'foreign keys unresolved',
  14: 'invalid declarative configuration',
  15: 'transformation error',
  19: 'referenced by others',
};

export const ERROR_HTTP_STATUS: Record<ErrorCodeValue, number> = {
  1: 400, 2: 400, 3: 400, 4: 400, 5: 409, 6: 404, 7: 400, 8: 500, 9: 400, 10: 400,
  11: 400, 12: 405, 13: 400, 14: 400, 15: 500, 19: 400,
};

/** Nested field errors as Kong reports them: strings at leaves, `@entity` arrays for entity checks. */
export type FieldErrors = { [field: string]: unknown };

/** Kong's err_t. Thrown by schema, store and declarative code; rendered by the Admin API. */
export class KongError extends Error {
  readonly code: ErrorCodeValue;
  readonly fields: FieldErrors | undefined;
  readonly options: FieldErrors | undefined;
  /** Extra keys Kong adds to some bodies (e.g. flattened_errors on /config). */
  readonly extra: Record<string, unknown> | undefined;

  constructor(code: ErrorCodeValue, message: string, fields?: FieldErrors, extra?: Record<string, unknown>) {
    super(message);
    this.code = code;
    if (code === ErrorCode.INVALID_OPTIONS) {
      this.options = fields;
      this.fields = undefined;
    } else {
      this.fields = fields;
      this.options = undefined;
    }
    this.extra = extra;
  }

  get status(): number {
    return ERROR_HTTP_STATUS[this.code];
  }

  toJSON(): Record<string, unknown> {
    const body: Record<string, unknown> = { code: this.code, name: ERROR_NAMES[this.code], message: this.message };
    if (this.fields !== undefined) body.fields = this.fields;
    if (this.options !== undefined) body.options = this.options;
    if (this.extra) Object.assign(body, this.extra);
    return body;
  }
}

/** Kong's Lua-table pretty print used inside messages: keys sorted, `key=value`, strings quoted. */
export function luaRepr(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `{${value.map(luaRepr).join(',')}}`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj).sort().map((k) => `${k}=${luaRepr(obj[k])}`).join(',')}}`;
}

/** Default messages of `kong.response.error` and nginx error pages (kong/tools/http.lua, kong/pdk/response.lua). */
export const HTTP_ERROR_MESSAGES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  407: 'Proxy authentication required',
  408: 'Request timeout',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length required',
  412: 'Precondition failed',
  413: 'Payload too large',
  414: 'URI too long',
  415: 'Unsupported media type',
  416: 'Range not satisfiable',
  417: 'Expectation failed',
  418: "I'm a teapot",
  421: 'Misdirected request',
  422: 'Unprocessable entity',
  423: 'Locked',
  424: 'Failed dependency',
  425: 'Too early',
  426: 'Upgrade required',
  428: 'Precondition required',
  429: 'Too many requests',
  431: 'Request header fields too large',
  451: 'Unavailable for legal reasons',
  494: 'Request header or cookie too large',
  500: 'An unexpected error occurred',
  501: 'Not implemented',
  502: 'An invalid response was received from the upstream server',
  503: 'The upstream server is currently unavailable',
  504: 'The upstream server is timing out',
  505: 'HTTP version not supported',
  506: 'Variant also negotiates',
  507: 'Insufficient storage',
  508: 'Loop detected',
  510: 'Not extended',
  511: 'Network authentication required',
};
