// Replicate's prediction API over HTTP: create (by version or by model, with `Prefer: wait` and `Cancel-After`),
// get, list (cursor pages), cancel, the webhook signing secret, and the output files the records point at.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bearerAuth } from '../bearerAuth';
import { ProblemError } from '../httpProblems';
import { requestOrigin } from '../requestOrigin';
import { newPredictionId } from './predictionId';
import { isTerminal, toWire, withoutInlineImages, type PredictionRecord } from './predictionRecord';
import { readPredictionRequest, type RequestRoute } from './predictionRequest';
import type { PredictionRunner } from './PredictionRunner';
import type { PredictionStore, StoredPrediction } from './PredictionStore';
import { cancelAfterMs, preferredWaitSeconds } from './requestHeaders';

export interface PredictionRoutesOptions {
  store: PredictionStore;
  runner: PredictionRunner;
  keepPredictions: number;
  pageSize: number;
  bodyLimit: number;
  token?: string;
  webhookSecret: string;
  /** Fires when the server closes: held `Prefer: wait` requests answer at once. */
  closing: AbortSignal;
}

/** How long a cancel answer waits for a running prediction to reach the engine's next step. */
const CANCEL_SETTLE_MS = 1000;

/** Fires when the caller hangs up or the server closes, whichever comes first. */
function hangUpSignal(reply: FastifyReply, closing: AbortSignal): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => controller.abort());
  return AbortSignal.any([controller.signal, closing]);
}

export async function predictionRoutes(app: FastifyInstance, options: PredictionRoutesOptions): Promise<void> {
  const { store, runner } = options;

  const find = (id: string): StoredPrediction => {
    const entry = store.get(id);
    if (!entry) {
      throw new ProblemError('not_found', 404, 'Not found', `No prediction with id "${id}" here; predictions are kept in memory, the last ${options.keepPredictions} of them`);
    }
    return entry;
  };

  // Output files need no token: their URLs hold the prediction's unguessable id, as Replicate's delivery URLs do.
  app.get<{ Params: { id: string; file: string } }>('/v1/files/:id/:file', async (request, reply) => {
    const index = /^(\d+)\.png$/.exec(request.params.file)?.[1];
    const png = index === undefined ? undefined : store.get(request.params.id)?.outputs[Number(index)];
    if (!png) throw new ProblemError('not_found', 404, 'Not found', `No output file ${request.params.file} for prediction "${request.params.id}"`);
    return reply.type('image/png').header('Cache-Control', 'private, max-age=86400, immutable').send(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
  });

  await app.register(async (api) => {
    if (options.token) api.addHook('onRequest', bearerAuth(options.token));
    // The replicate client POSTs cancel with a JSON content type and no body; Fastify's own parser refuses that.
    api.removeContentTypeParser('application/json');
    api.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: options.bodyLimit }, (_request, body, done) => {
      if (body === '') return done(null, undefined);
      try {
        done(null, JSON.parse(body as string));
      } catch (error) {
        done(new ProblemError('bad_request', 400, 'Invalid JSON', `The body is not valid JSON: ${(error as Error).message}`), undefined);
      }
    });

    const create = async (request: FastifyRequest, reply: FastifyReply, route: RequestRoute) => {
      const parsed = readPredictionRequest(request.body, route);
      const waitSeconds = preferredWaitSeconds(request.headers.prefer);
      const deadline = cancelAfterMs(request.headers['cancel-after']);
      runner.assertCapacity();
      const origin = requestOrigin(request);
      const record: PredictionRecord = {
        id: newPredictionId(),
        model: parsed.version.model,
        version: parsed.version.id,
        input: withoutInlineImages(parsed.input),
        status: 'starting',
        error: null,
        logs: [],
        created_at: new Date().toISOString(),
        metrics: {},
        outputCount: 0,
      };
      runner.enqueue(store.add(record, origin, parsed.webhook), parsed.version, parsed.input, deadline);
      if (waitSeconds !== undefined) {
        await store.waitUntilTerminal(record.id, waitSeconds * 1000, hangUpSignal(reply, options.closing));
        reply.header('Preference-Applied', `wait=${waitSeconds}`);
      }
      const wire = toWire(record, origin);
      // 201 with the final output; 202 when a `Prefer: wait` ran out before the prediction finished.
      return reply.code(waitSeconds !== undefined && !isTerminal(record.status) ? 202 : 201).header('Location', wire.urls.get).send(wire);
    };

    api.post('/v1/predictions', (request, reply) => create(request, reply, { kind: 'version' }));
    api.post<{ Params: { owner: string; name: string } }>('/v1/models/:owner/:name/predictions', (request, reply) =>
      create(request, reply, { kind: 'model', owner: request.params.owner, name: request.params.name }),
    );

    api.get<{ Querystring: { cursor?: string } }>('/v1/predictions', async (request) => {
      const origin = requestOrigin(request);
      const page = store.page(request.query.cursor, options.pageSize);
      const link = (cursor: string | undefined) => (cursor ? `${origin}/v1/predictions?cursor=${cursor}` : null);
      return { next: link(page.next), previous: link(page.previous), results: page.items.map((entry) => toWire(entry.record, origin)) };
    });

    api.get<{ Params: { id: string } }>('/v1/predictions/:id', async (request) => toWire(find(request.params.id).record, requestOrigin(request)));

    // Cancelling a finished prediction changes nothing: it answers with the record as it is (outputs kept).
    api.post<{ Params: { id: string } }>('/v1/predictions/:id/cancel', async (request, reply) => {
      const entry = find(request.params.id);
      if (!isTerminal(entry.record.status)) {
        runner.cancel(entry.record.id);
        await store.waitUntilTerminal(entry.record.id, CANCEL_SETTLE_MS, hangUpSignal(reply, options.closing));
      }
      return toWire(entry.record, requestOrigin(request));
    });

    api.get('/v1/webhooks/default/secret', async () => ({ key: options.webhookSecret }));
  });
}
