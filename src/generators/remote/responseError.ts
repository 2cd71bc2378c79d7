// Turns an HTTP error answer into a RemoteError: the code from the status, the message from a problem-details body
// (`title`, `detail`, RFC 9457) or the other shapes these APIs use (`error`, `errors`, `message`), field errors from
// `invalid_fields` (Replicate, our server) or FastAPI's `detail` list (AUTOMATIC1111). Never fails on a non-JSON body.
import type { FieldError } from '../../predictions/errors';
import { RemoteError, type RemoteErrorCode } from './RemoteError';

export interface ErrorAnswer {
  status: number;
  statusText?: string;
  /** The parsed JSON body, or undefined when it was not JSON. */
  body: unknown;
  text: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const asText = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/** Replicate names input fields `input.width`; FastAPI gives `["body", "width"]`. The UI wants `width`. */
const fieldName = (raw: string) => raw.replace(/^(body|input)\./, '');

function fieldErrorOf(entry: unknown): FieldError | undefined {
  if (!isRecord(entry)) return undefined;
  const loc = Array.isArray(entry.loc) ? entry.loc.filter((part) => part !== 'body').join('.') : undefined;
  const field = fieldName(asText(entry.field) ?? asText(entry.name) ?? loc ?? 'input');
  const description = asText(entry.description) ?? asText(entry.message) ?? asText(entry.msg) ?? 'refused by the server';
  const expected = asText(entry.expected) ?? description;
  const got = asText(entry.got) ?? 'a value the server refused';
  return { field, expected, got, message: `${field}: ${description}` };
}

/** Field errors from `invalid_fields`, or from FastAPI's validation list in `detail`. */
export function fieldErrorsOf(body: unknown): FieldError[] {
  if (!isRecord(body)) return [];
  const list = Array.isArray(body.invalid_fields) ? body.invalid_fields : Array.isArray(body.detail) ? body.detail : [];
  return list.map(fieldErrorOf).filter((e): e is FieldError => e !== undefined);
}

/** The most useful text of an error body, whatever its shape. */
export function messageOf(answer: ErrorAnswer): string {
  const { body, text, status, statusText } = answer;
  if (isRecord(body)) {
    const title = asText(body.title);
    const detail = asText(body.detail);
    const joined = [title, detail].filter(Boolean).join(': ');
    const other = asText(body.error) ?? asText(body.errors) ?? asText(body.message) ?? asText(body.messege);
    if (joined && other && !joined.includes(other)) return `${joined} (${other})`;
    if (joined || other) return (joined || other)!;
    const fields = fieldErrorsOf(body);
    if (fields.length > 0) return fields.map((f) => f.message).join('; ');
  }
  const head = `HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
  if (/^\s*</.test(text)) return `${head} (an HTML error page, not the API's answer)`;
  const snippet = text.replace(/\s+/g, ' ').trim().slice(0, 200);
  return snippet ? `${head}: ${snippet}` : head;
}

function codeOf(status: number): RemoteErrorCode {
  if (status === 401 || status === 403) return 'unauthenticated';
  if (status === 402) return 'payment_required';
  if (status === 404 || status === 410) return 'not_found';
  if (status === 400 || status === 413 || status === 422) return 'invalid_input';
  if (status === 429) return 'rate_limited';
  return 'server_error';
}

const HINTS: Partial<Record<RemoteErrorCode, string>> = {
  unauthenticated: ' Check the API token.',
  payment_required: ' The account needs credit.',
  rate_limited: ' Too many requests; try again later.',
};

/** `what` says which request failed: "Creating the prediction", "Reading prediction abc". */
export function errorFromResponse(answer: ErrorAnswer, what: string): RemoteError {
  const fieldErrors = fieldErrorsOf(answer.body);
  const message = messageOf(answer);
  let code = codeOf(answer.status);
  // A 422 about the model version (unknown, or not permitted) means the model is not there, not that the input is bad.
  const aboutVersion = fieldErrors.length > 0 ? fieldErrors.every((f) => f.field === 'version') : /\bversion\b/i.test(message);
  if (answer.status === 422 && aboutVersion) code = 'not_found';
  const text = `${what} failed with HTTP ${answer.status}: ${message.replace(/\.+$/, '')}.${HINTS[code] ?? ''}`;
  return new RemoteError(code, text, { fieldErrors: code === 'invalid_input' ? fieldErrors : undefined, status: answer.status });
}
