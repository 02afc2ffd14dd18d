// Errors of the APIs the page calls: the host API and the app backend answer
// `{code, message, details?}` (`ErrorBody` of openapi.json, whose `ErrorCode`
// lists the app backend's codes too).
import type { ErrorBody, ErrorCode } from './api-types';

/** `http_error`: the answer carried no JSON error. */
export type HttpErrorCode = ErrorCode | 'http_error';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    /** As the server sent it (a newer server may send a code this page does not know). */
    readonly code: HttpErrorCode,
    message: string,
    /** The host's `details`, when it sent any. */
    readonly details: ErrorBody['details'] = null,
  ) {
    super(message);
  }
}

/** The error a non-2xx answer stands for: its JSON `{code, message, details?}`
 *  when it has one (OpenCode's own `{name, data: {message}}` gives its
 *  message), else `http_error` / `HTTP <status>`. Reads the body. */
export async function httpError(resp: Response): Promise<HttpError> {
  let body: unknown = null;
  try {
    body = await resp.json();
  } catch {
    /* not JSON */
  }
  const j: Partial<Record<keyof ErrorBody, unknown>> = body !== null && typeof body === 'object' ? body : {};
  const details = j.details !== null && typeof j.details === 'object' && !Array.isArray(j.details) ? (j.details as ErrorBody['details']) : null;
  const data = body !== null && typeof body === 'object' && 'data' in body ? (body as { data: unknown }).data : null;
  const dataMessage = data !== null && typeof data === 'object' && 'message' in data && typeof data.message === 'string' ? data.message : null;
  return new HttpError(
    resp.status,
    typeof j.code === 'string' ? (j.code as ErrorCode) : 'http_error',
    typeof j.message === 'string' ? j.message : dataMessage ?? `HTTP ${resp.status}`,
    details,
  );
}
