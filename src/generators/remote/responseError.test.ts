// Error answers of every shape become a RemoteError with the right code and a readable message, never a crash.
import { describe, expect, it } from 'vitest';
import { errorFromResponse } from './responseError';

const answer = (status: number, body: unknown, text = body === undefined ? '' : JSON.stringify(body)) => ({ status, body, text });

describe('errorFromResponse', () => {
  it('maps statuses to codes', () => {
    const codes = [400, 401, 402, 403, 404, 409, 422, 429, 500, 503].map((status) => errorFromResponse(answer(status, { detail: 'x' }), 'Doing').code);
    expect(codes).toEqual(['invalid_input', 'unauthenticated', 'payment_required', 'unauthenticated', 'not_found', 'server_error', 'invalid_input', 'rate_limited', 'server_error', 'server_error']);
  });

  it('reads problem details and invalid_fields, and calls a 422 about the version not_found', () => {
    const error = errorFromResponse(answer(422, { title: 'Input validation failed', detail: 'width is wrong', invalid_fields: [{ field: 'input.width', description: 'must be a multiple of 64' }] }), 'Creating');
    expect(error.message).toBe('Creating failed with HTTP 422: Input validation failed: width is wrong.');
    expect(error.fieldErrors).toEqual([{ field: 'width', expected: 'must be a multiple of 64', got: 'a value the server refused', message: 'width: must be a multiple of 64' }]);
    expect(errorFromResponse(answer(422, { invalid_fields: [{ field: 'version', description: 'does not exist' }] }), 'Creating').code).toBe('not_found');
  });

  it('describes HTML and plain-text bodies without failing', () => {
    expect(errorFromResponse({ ...answer(502, undefined, '<html><h1>502</h1></html>'), statusText: 'Bad Gateway' }, 'Reading').message).toBe('Reading failed with HTTP 502: HTTP 502 Bad Gateway (an HTML error page, not the API\'s answer).');
    expect(errorFromResponse(answer(500, undefined, 'upstream   timed\nout'), 'Reading').message).toContain('HTTP 500: upstream timed out');
    expect(errorFromResponse(answer(500, { error: 'RuntimeError', errors: 'CUDA out of memory' }), 'Generating').message).toContain('RuntimeError');
  });
});
