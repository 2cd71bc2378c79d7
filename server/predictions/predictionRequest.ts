// Reads a prediction request body the way Replicate does: top-level fields first (version, input, webhook,
// webhook_events_filter, stream; nothing else), then the version, then the input with the app's own validation
// module and the shared wire-image check. Anything wrong becomes a ProblemError (422, or 404 for an unknown model).
import type { FieldError } from '../../src/predictions/errors';
import { validateInput } from '../../src/predictions/validateInput';
import { checkWireImage } from '../../src/predictions/wireImages';
import { ProblemError, type InvalidField } from '../httpProblems';
import { inputFieldErrors, validationProblem } from './invalidFields';
import { findModel, findVersion, SERVED_VERSIONS, type ServedVersion } from './replicateVersions';

export const WEBHOOK_EVENTS = ['start', 'output', 'logs', 'completed'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface WebhookTarget {
  url: string;
  events: ReadonlySet<WebhookEvent>;
}

export interface PredictionRequest {
  version: ServedVersion;
  input: Record<string, unknown>;
  webhook?: WebhookTarget;
}

/** POST /v1/predictions names a version in the body; POST /v1/models/{owner}/{name}/predictions names a model. */
export type RequestRoute = { kind: 'version' } | { kind: 'model'; owner: string; name: string };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function topLevelErrors(body: Record<string, unknown>, route: RequestRoute): InvalidField[] {
  const allowed = ['input', 'stream', 'webhook', 'webhook_events_filter', ...(route.kind === 'version' ? ['version'] : [])];
  const errors: InvalidField[] = [];
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) errors.push({ type: 'additional_property_not_allowed', field: '', description: `Additional property ${key} is not allowed` });
  }
  if (!isObject(body.input)) {
    errors.push(body.input === undefined
      ? { type: 'required', field: '', description: 'input is required' }
      : { type: 'invalid_type', field: 'input', description: 'input: expected an object of prediction fields' });
  }
  if (route.kind === 'version' && typeof body.version !== 'string') {
    errors.push(body.version === undefined
      ? { type: 'required', field: '', description: 'version is required' }
      : { type: 'invalid_type', field: 'version', description: 'version: expected a string, the 64-character version id or "owner/name:id"' });
  }
  if (body.webhook !== undefined && !isWebhookUrl(body.webhook)) {
    errors.push({ type: 'format', field: 'webhook', description: 'webhook: expected an http(s) URL' });
  }
  const filter = body.webhook_events_filter;
  if (filter !== undefined) {
    if (!Array.isArray(filter)) errors.push({ type: 'invalid_type', field: 'webhook_events_filter', description: 'webhook_events_filter: expected an array' });
    else filter.forEach((event, index) => {
      if (!(WEBHOOK_EVENTS as readonly unknown[]).includes(event)) {
        errors.push({ type: 'enum', field: `webhook_events_filter.${index}`, description: `webhook_events_filter.${index}: expected one of ${WEBHOOK_EVENTS.join(', ')}, got ${JSON.stringify(event)}` });
      }
    });
  }
  return errors;
}

function isWebhookUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

function resolveVersion(body: Record<string, unknown>, route: RequestRoute): ServedVersion {
  if (route.kind === 'model') {
    const version = findModel(route.owner, route.name);
    if (!version) {
      const served = SERVED_VERSIONS.map((v) => v.model).join(', ');
      throw new ProblemError('not_found', 404, 'Not found', `Model ${route.owner}/${route.name} is not served here; the models are ${served}`);
    }
    return version;
  }
  const version = findVersion(body.version as string);
  // Replicate's own answer for an unknown version: a 422 with this title, no invalid_fields.
  if (!version) {
    const served = SERVED_VERSIONS.map((v) => `${v.model}:${v.id}`).join(', ');
    throw new ProblemError('invalid_version', 422, 'Invalid version or not permitted', `The specified version does not exist; this server runs ${served}`);
  }
  return version;
}

/** Images get the shared wire check, with its own message ("image: expected …, got a \"file:\" URL"). */
function imageErrors(input: Record<string, unknown>, version: ServedVersion): FieldError[] {
  const errors: FieldError[] = [];
  for (const field of ['image', 'mask'] as const) {
    const value = input[field];
    if (!version.schema.fields.includes(field) || value === undefined || value === null) continue;
    const checked = checkWireImage(field, value);
    if ('problem' in checked) errors.push({ field, expected: 'an http(s) URL or a PNG, JPEG or WebP data URL', got: checked.problem.split(', got ').pop()!, message: checked.problem });
  }
  return errors;
}

export function readPredictionRequest(body: unknown, route: RequestRoute): PredictionRequest {
  if (!isObject(body)) {
    throw validationProblem([{ type: 'invalid_type', field: '', description: 'the request body must be a JSON object with "input"' }]);
  }
  const topErrors = topLevelErrors(body, route);
  if (topErrors.length > 0) throw validationProblem(topErrors);
  const version = resolveVersion(body, route);
  const input = body.input as Record<string, unknown>;
  // Images pass the schema step as they are and get the wire check just below, naming the field once.
  const result = validateInput(input, version.schema, (value) => ({ image: value }));
  const errors = [...(result.ok ? [] : result.errors), ...imageErrors(input, version)];
  if (errors.length > 0) throw validationProblem(inputFieldErrors(errors, input, version.schema));
  const events = (body.webhook_events_filter as WebhookEvent[] | undefined) ?? WEBHOOK_EVENTS;
  return {
    version,
    input,
    ...(typeof body.webhook === 'string' ? { webhook: { url: body.webhook, events: new Set(events) } } : {}),
  };
}
