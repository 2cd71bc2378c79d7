// Builds the server from its options (main.ts listens; tests build it on a random port): one Fastify instance with
// cross-origin isolation headers and compression on every response, the prediction API on an engine worker,
// the proxy, and the built app.
import { basename } from 'node:path';
import { constants as zlib } from 'node:zlib';
import fastifyCompress from '@fastify/compress';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { EngineClient } from './engine/EngineClient';
import { handleError } from './httpProblems';
import { PredictionRunner } from './predictions/PredictionRunner';
import { PredictionStore } from './predictions/PredictionStore';
import { predictionRoutes } from './predictions/routes';
import { newWebhookSecret, WebhookNotifier } from './predictions/webhooks';
import { proxyRoutes } from './proxy';
import { proxyTargets } from './proxyPolicy';
import { resolveOptions, type ServerOptions, type ServerOptionsInput } from './serverOptions';
import { staticFiles } from './staticFiles';

export interface BuiltApp {
  app: FastifyInstance;
  options: ServerOptions;
  /** The signing secret webhooks carry (configured, or made for this run). */
  webhookSecret: string;
}

function loggerOptions(options: ServerOptions) {
  if (!options.log) return false;
  // Request logs hold method, URL and addresses only; the redaction guards the token should headers ever be added.
  return { level: options.log.level, stream: options.log.stream, redact: ['req.headers.authorization', 'req.headers.cookie'] };
}

/**
 * Builds the app and starts the engine worker, resolving once the model has loaded (a wrong --model fails here,
 * not at the first prediction). Closing the app stops the worker, the queue and the webhooks.
 */
export async function buildApp(input: ServerOptionsInput = {}): Promise<BuiltApp> {
  const options = resolveOptions(input);
  const { limits } = options;
  proxyTargets(options.proxyAllow); // a bad host fails before the worker starts
  const engine = await EngineClient.start({
    modelDir: options.modelDir,
    threads: options.threads,
    imageLimits: { maxBytes: limits.imageBytes, fetchTimeoutMs: limits.imageFetchMs, maxPixels: limits.imagePixels },
  });
  try {
    return await assemble(options, engine);
  } catch (error) {
    await engine.close();
    throw error;
  }
}

/** The Fastify instance around a started engine: hooks, compression, the API, the proxy, the app. */
async function assemble(options: ServerOptions, engine: EngineClient): Promise<BuiltApp> {
  const { limits } = options;
  const app = Fastify({
    logger: loggerOptions(options),
    logController: new LogController({ disableRequestLogging: !(options.log && options.log.requests) }),
    bodyLimit: 1024 * 1024,
  });
  app.setErrorHandler(handleError);

  // Threaded WASM needs cross-origin isolation; every response carries it, the app's index.html above all.
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    reply.header('Cross-Origin-Embedder-Policy', 'require-corp');
    reply.header('X-Content-Type-Options', 'nosniff');
    return payload;
  });
  // mime-db marks application/wasm compressible, so the 26.8 MB ORT wasm goes out as ~5 MB of brotli. Quality 5
  // takes ~1–3 s on it here where brotli's default (11) would take about a minute.
  await app.register(fastifyCompress, { global: true, threshold: 1024, brotliOptions: { params: { [zlib.BROTLI_PARAM_QUALITY]: 5 } } });

  const store = new PredictionStore(options.keepPredictions);
  const log = (message: string) => app.log.info(message);
  const runner = new PredictionRunner(store, engine, {
    noiseDevice: options.noiseDevice,
    modelName: basename(options.modelDir.replace(/[\\/]+$/, '')),
    maxActive: options.keepPredictions,
    log,
  });
  const webhookSecret = options.webhookSecret ?? newWebhookSecret();
  const webhooks = new WebhookNotifier(store, webhookSecret, limits, (message) => app.log.warn(message));
  const closing = new AbortController();
  app.addHook('preClose', async () => closing.abort());
  app.addHook('onClose', async () => {
    runner.close();
    webhooks.close();
    await engine.close();
  });

  await app.register(predictionRoutes, {
    store,
    runner,
    keepPredictions: options.keepPredictions,
    pageSize: options.pageSize,
    bodyLimit: limits.predictionBodyBytes,
    token: options.token,
    webhookSecret,
    closing: closing.signal,
  });
  await app.register(proxyRoutes, {
    allow: options.proxyAllow,
    bodyLimit: limits.proxyBodyBytes,
    responseLimit: limits.proxyResponseBytes,
    timeoutMs: limits.proxyTimeoutMs,
  });
  // Not encapsulated: its 404 handler (the SPA fallback) is the whole app's.
  await staticFiles(app, { root: options.staticDir });
  return { app, options, webhookSecret };
}
