/**
 * The one error type of the API. Its fields are Stripe's error body; `status` is the HTTP code.
 * Mirrors stripe-node's mapping read in reverse: 400/404 invalid_request_error, 401 authentication,
 * 402 card_error, 409 conflicts, 429 rate limits, 500 api_error.
 */
export type ErrorType =
  | 'invalid_request_error'
  | 'card_error'
  | 'idempotency_error'
  | 'api_error'
  | 'authentication_error'
  | 'rate_limit_error';

export interface ErrorBody {
  type: ErrorType;
  code?: string | undefined;
  decline_code?: string | undefined;
  message: string;
  param?: string | undefined;
  doc_url?: string | undefined;
  payment_intent?: unknown;
  setup_intent?: unknown;
  payment_method?: unknown;
  request_log_url?: string | undefined;
}

/** An error the API answers in Stripe's shape: its type, code, param and HTTP status. */
export class StripeError extends Error {
  readonly status: number;
  readonly body: ErrorBody;
  /**
   * Whether an idempotent replay should return this error. Stripe remembers the outcome of a
   * request that started executing (a decline, say) but not one that failed validation.
   */
  readonly remember: boolean;

  constructor(status: number, body: ErrorBody, remember = false) {
    super(body.message);
    this.status = status;
    this.body = body;
    this.remember = remember;
  }

  toJSON(): { error: ErrorBody } {
    return { error: this.body };
  }
}

/** Stripe's documentation page of an error code, as its errors' `doc_url` gives it. */
export function docUrl(code: string): string {
  return `https://stripe.com/docs/error-codes/${code.replaceAll('_', '-')}`;
}

/** Stripe's error schema bounds `param` (5000) and `message` (40000); a hostile param name must not break them. */
function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}

function invalid(status: number, code: string | undefined, message: string, param?: string): StripeError {
  return new StripeError(status, {
    type: 'invalid_request_error',
    ...(code ? { code, doc_url: docUrl(code) } : {}),
    message: clip(message, 2000),
    ...(param !== undefined ? { param: clip(param, 500) } : {}),
  });
}

export const errors = {
  invalid(message: string, param?: string, code?: string): StripeError {
    return invalid(400, code, message, param);
  },
  unknownParam(param: string): StripeError {
    return invalid(400, 'parameter_unknown', `Received unknown parameter: ${param}`, param);
  },
  missingParam(param: string): StripeError {
    return invalid(400, 'parameter_missing', `Missing required param: ${param}.`, param);
  },
  invalidInteger(param: string, value: unknown): StripeError {
    return invalid(400, 'parameter_invalid_integer', `Invalid integer: ${String(value)}`, param);
  },
  invalidString(param: string): StripeError {
    return invalid(400, 'parameter_invalid_string', `Invalid string: ${param} must be a string`, param);
  },
  invalidEnum(param: string, allowed: readonly string[]): StripeError {
    const list = allowed.length > 1 ? `${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}` : allowed[0];
    return invalid(400, 'parameter_invalid_string', `Invalid ${param}: must be one of ${list}`, param);
  },
  missingResource(kind: string, id: string, param?: string): StripeError {
    return invalid(404, 'resource_missing', `No such ${kind}: '${id}'`, param ?? 'id');
  },
  notFoundUrl(method: string, path: string): StripeError {
    return invalid(
      404,
      undefined,
      `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
    );
  },
  authentication(message: string): StripeError {
    // Stripe answers a bad or missing key with 401 and type invalid_request_error (docs/decisions.md#errors).
    return new StripeError(401, { type: 'invalid_request_error', message });
  },
  idempotencyMismatch(key: string): StripeError {
    return new StripeError(400, {
      type: 'idempotency_error',
      message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
    });
  },
  idempotencyInProgress(): StripeError {
    return new StripeError(409, {
      type: 'idempotency_error',
      code: 'idempotency_key_in_use',
      message:
        'There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): please try again later.',
    });
  },
  tooLarge(): StripeError {
    return new StripeError(413, {
      type: 'invalid_request_error',
      message: 'Request body is too large. The maximum size is 1 MB.',
    });
  },
  card(code: string, message: string, extra: Partial<ErrorBody> = {}): StripeError {
    return new StripeError(402, { type: 'card_error', code, doc_url: docUrl(code), message, ...extra }, true);
  },
  internal(): StripeError {
    return new StripeError(500, { type: 'api_error', message: 'An unexpected error occurred on the server. The request id identifies it in the server log.' });
  },
};
