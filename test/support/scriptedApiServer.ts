// A scripted HTTP server for the remote clients' tests: each test scripts the answers per route ("POST
// /v1/predictions": a queue of replies, or handler functions) so one server plays Replicate, the Stable Diffusion
// API v3 or AUTOMATIC1111, and every request is recorded (method, path, headers with Authorization, body).
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query as requested: '/sdapi/v1/progress?skip_current_image=true'. */
  url: string;
  /** Path without the query. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
  text: string;
  /** Date.now() when the request arrived. */
  at: number;
}

export interface ScriptedReply {
  /** Default 200. */
  status?: number;
  /** Sent as application/json. */
  json?: unknown;
  /** Sent as it is (HTML error pages, image bytes); Content-Type from `headers`. */
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  /** Answer after this long (a slow server, a long generation). */
  delayMs?: number;
  /** Close the connection without answering: what a client sees as a network error. */
  hangUp?: boolean;
}

export type ScriptedHandler = (request: RecordedRequest) => ScriptedReply | Promise<ScriptedReply>;
/** One reply or handler for every request, or a list played in order whose last entry repeats. */
export type Script = ScriptedReply | ScriptedHandler | ReadonlyArray<ScriptedReply | ScriptedHandler>;

export interface ScriptedApiServer {
  /** 'http://127.0.0.1:PORT', no trailing slash. */
  readonly url: string;
  /** Every request in arrival order. */
  readonly requests: RecordedRequest[];
  /**
   * Scripts `route`: "METHOD /path" (the query is not part of it); a path ending in '*' matches every path that
   * starts with the part before it. Unscripted routes answer 404 with a problem-details body.
   */
  script(route: string, script: Script): void;
  /** The recorded requests to `route` (same matching as script). */
  requestsTo(route: string): RecordedRequest[];
  /** Forgets scripts and requests. */
  reset(): void;
  close(): Promise<void>;
}

interface Route {
  method: string;
  path: string;
  prefix: boolean;
}

function parseRoute(route: string): Route {
  const [method, path] = route.trim().split(/\s+/);
  if (!method || !path?.startsWith('/')) throw new Error(`Route: expected "METHOD /path", got ${JSON.stringify(route)}`);
  const prefix = path.endsWith('*');
  return { method: method.toUpperCase(), path: prefix ? path.slice(0, -1) : path, prefix };
}

const matches = (route: Route, method: string, path: string) => route.method === method && (route.prefix ? path.startsWith(route.path) : path === route.path);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startScriptedApiServer(options: { host?: string } = {}): Promise<ScriptedApiServer> {
  const host = options.host ?? '127.0.0.1';
  const requests: RecordedRequest[] = [];
  const scripts: Array<{ route: Route; steps: Array<ScriptedReply | ScriptedHandler>; played: number }> = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text === '' ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        const url = req.url ?? '/';
        const recorded: RecordedRequest = { method: req.method ?? '', url, path: url.split(/[?#]/)[0], headers: req.headers, json, text, at: Date.now() };
        requests.push(recorded);
        // The newest script for a route wins, so a test can override a default set up before it.
        const entry = [...scripts].reverse().find((s) => matches(s.route, recorded.method, recorded.path));
        let reply: ScriptedReply;
        if (!entry) {
          reply = recorded.method === 'OPTIONS'
            ? { status: 204, headers: { 'Access-Control-Allow-Methods': 'GET, POST, OPTIONS', 'Access-Control-Allow-Headers': 'Authorization, Content-Type, Prefer' } }
            : { status: 404, json: { title: 'Not Found', detail: `no script for ${recorded.method} ${recorded.path}`, status: 404 } };
        } else {
          const step = entry.steps[Math.min(entry.played, entry.steps.length - 1)];
          entry.played++;
          try {
            reply = typeof step === 'function' ? await step(recorded) : step;
          } catch (error) {
            reply = { status: 500, json: { title: 'Script error', detail: String(error) } };
          }
        }
        if (reply.delayMs) await sleep(reply.delayMs);
        if (reply.hangUp) {
          req.socket.destroy();
          return;
        }
        const headers: Record<string, string> = { 'Access-Control-Allow-Origin': '*', ...reply.headers };
        let body: string | Uint8Array = reply.body ?? '';
        if (reply.json !== undefined) {
          body = JSON.stringify(reply.json);
          headers['Content-Type'] ??= 'application/json';
        }
        if (!res.destroyed) res.writeHead(reply.status ?? 200, headers).end(body);
      })();
    });
  });
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(0, host, () => ready());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    requests,
    script(route, script) {
      const steps = Array.isArray(script) ? [...(script as Array<ScriptedReply | ScriptedHandler>)] : [script as ScriptedReply | ScriptedHandler];
      if (steps.length === 0) throw new Error(`Script for ${route}: expected at least one reply`);
      scripts.push({ route: parseRoute(route), steps, played: 0 });
    },
    requestsTo(route) {
      const parsed = parseRoute(route);
      return requests.filter((r) => matches(parsed, r.method, r.path));
    },
    reset() {
      scripts.length = 0;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((closed) => {
        server.close(() => closed());
        server.closeAllConnections();
      }),
  };
}

// ---- Answers as the three APIs write them ----------------------------------------------------------------------

export interface ReplicatePredictionFields {
  id: string;
  status: string;
  output?: unknown;
  error?: unknown;
  logs?: string;
  metrics?: Record<string, number>;
  /** Where urls.get points; a proxy leaves it upstream, which is the default here. */
  upstream?: string;
}

/** A Replicate prediction object; `urls` point at `upstream` (https://api.replicate.com unless given). */
export function replicatePrediction(fields: ReplicatePredictionFields): Record<string, unknown> {
  const upstream = fields.upstream ?? 'https://api.replicate.com';
  return {
    id: fields.id,
    model: 'stability-ai/stable-diffusion',
    version: 'ac732df83cea7fff18b8472768c88ad041fa750ff7682a21affe81863cbe77e4',
    input: {},
    logs: fields.logs ?? '',
    output: fields.output ?? null,
    error: fields.error ?? null,
    status: fields.status,
    created_at: new Date().toISOString(),
    metrics: fields.metrics ?? {},
    urls: { get: `${upstream}/v1/predictions/${fields.id}`, cancel: `${upstream}/v1/predictions/${fields.id}/cancel` },
  };
}

/** A tqdm progress line as Replicate's Stable Diffusion models print it: " 40%|████      | 20/50 [00:02<00:03,  9.80it/s]". */
export function tqdmLine(step: number, total: number, rate = 9.8): string {
  const percent = Math.floor((step / total) * 100);
  const filled = Math.round((step / total) * 10);
  return `${String(percent).padStart(3)}%|${'█'.repeat(filled)}${' '.repeat(10 - filled)}| ${step}/${total} [00:02<00:03, ${rate.toFixed(2)}it/s]`;
}
