// Test HTTP server for model folders: serves the files under a root folder with single byte ranges and the CORS/CORP
// headers a cross-origin-isolated page needs, injects per-file faults (cut connections, wrong bytes, 503s, no Range
// support, throttling) and logs every request, for end-to-end tests and benchmarks of the model downloader.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';

export interface FileFault {
  /** Destroy the connection after sending the body bytes up to this absolute file offset (exclusive), once per fault (times: default 1). */
  cutAt?: number;
  /** Serve this absolute file offset with one wrong byte (xor 0xff) on every response covering it (until cleared). */
  wrongByteAt?: number;
  /** Answer Range requests with 200 and the whole file (as a server without Range support does). */
  ignoreRange?: boolean;
  /** Answer the next N requests for this file with 503 (with a `Retry-After: 0` header unless retryAfter is given). */
  status503?: number;
  retryAfter?: string;
  /** Limit the body to about this many bytes per second. */
  bytesPerSecond?: number;
  /** How many times cutAt applies (default 1). */
  times?: number;
}

/** One request; `start`/`end` are the inclusive file offsets the response covers (as in Content-Range). */
export interface LoggedRequest { method: string; path: string; range?: string; status: number; bytesSent: number; start?: number; end?: number; at: number; }

export interface ModelFileServer {
  /** 'http://127.0.0.1:PORT', no trailing slash. */
  readonly url: string;
  /** Every request in arrival order; an entry's status and bytesSent are final once its response finished or was cut. */
  readonly log: LoggedRequest[];
  /** `path` as requested, e.g. '/tiny-sd/unet/model.onnx'; null removes the fault. Setting a fault restarts its counters. */
  setFault(path: string, fault: FileFault | null): void;
  clearFaults(): void;
  clearLog(): void;
  close(): Promise<void>;
}

interface FaultState { fault: FileFault; cutsLeft: number; unavailableLeft: number; }
type ByteRange = { kind: 'whole' } | { kind: 'part'; start: number; end: number } | { kind: 'unsatisfiable' };

const WHOLE: ByteRange = { kind: 'whole' };
const UNSATISFIABLE: ByteRange = { kind: 'unsatisfiable' };
const READ_CHUNK_BYTES = 1 << 20;
const THROTTLE_TICKS_PER_SECOND = 20;

// The app runs cross-origin isolated (COEP require-corp) on another port: without CORP it may not load these bytes,
// without the exposed headers its downloader cannot read Content-Range / ETag / Retry-After.
const COMMON_HEADERS: OutgoingHttpHeaders = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'Content-Length, Content-Range, Accept-Ranges, ETag, Retry-After',
  'Cross-Origin-Resource-Policy': 'cross-origin',
  'Cache-Control': 'no-store',
  // Lets a benchmark page read detailed Resource Timing entries for these cross-origin downloads.
  'Timing-Allow-Origin': '*',
};
const PREFLIGHT_HEADERS: OutgoingHttpHeaders = {
  'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
  'Access-Control-Allow-Headers': 'Range, If-Range, Content-Type',
  'Access-Control-Max-Age': '600',
};

export async function startModelFileServer(options: { root: string; port?: number; host?: string }): Promise<ModelFileServer> {
  const root = resolve(options.root);
  const host = options.host ?? '127.0.0.1';
  const log: LoggedRequest[] = [];
  const faults = new Map<string, FaultState>();
  const server = createServer((req, res) => {
    const entry: LoggedRequest = { method: req.method ?? '', path: req.url ?? '', range: req.headers.range, status: 0, bytesSent: 0, at: Date.now() };
    log.push(entry);
    answer(req, res, entry, root, faults).catch((error: unknown) => {
      // Headers already gone: the only honest signal left is a broken connection.
      if (res.headersSent) res.destroy();
      else sendText(res, entry, 500, `Server error: ${String(error)}`);
    });
  });
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, host, () => ready());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${urlHost(host)}:${port}`,
    log,
    setFault(path, fault) {
      if (fault) faults.set(faultKey(path), { fault, cutsLeft: fault.times ?? 1, unavailableLeft: fault.status503 ?? 0 });
      else faults.delete(faultKey(path));
    },
    clearFaults: () => faults.clear(),
    // Empties in place, so a test holding `server.log` keeps seeing the live array.
    clearLog: () => { log.length = 0; },
    close: () => new Promise<void>((closed) => {
      server.close(() => closed());
      // Keep-alive and throttled connections would otherwise hold close() open.
      server.closeAllConnections();
    }),
  };
}

async function answer(req: IncomingMessage, res: ServerResponse, entry: LoggedRequest, root: string, faults: Map<string, FaultState>): Promise<void> {
  const method = req.method ?? '';
  const requestPath = (req.url ?? '').split(/[?#]/)[0];
  const faultState = faults.get(faultKey(requestPath));
  const fault = faultState?.fault;
  const rangeHeaders: OutgoingHttpHeaders = fault?.ignoreRange ? {} : { 'Accept-Ranges': 'bytes' };
  if (method === 'OPTIONS') return sendText(res, entry, 204, '', { ...rangeHeaders, ...PREFLIGHT_HEADERS });
  if (method !== 'GET' && method !== 'HEAD') return sendText(res, entry, 405, `Method ${method} not allowed`, { ...rangeHeaders, Allow: 'GET, HEAD, OPTIONS' });
  if (faultState && faultState.unavailableLeft > 0) {
    faultState.unavailableLeft--;
    return sendText(res, entry, 503, 'Service unavailable (injected fault)', { ...rangeHeaders, 'Retry-After': fault?.retryAfter ?? '0' });
  }

  const file = fileUnderRoot(root, requestPath);
  const info = file === null ? null : await stat(file).catch(() => null);
  if (file === null || !info?.isFile()) return sendText(res, entry, 404, `Not found: ${requestPath}`, rangeHeaders);

  const size = info.size;
  const etag = `"${size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  const fileHeaders: OutgoingHttpHeaders = { ...rangeHeaders, ETag: etag, 'Last-Modified': info.mtime.toUTCString() };
  // RFC 9110 §14.2: Range is defined for GET only; §13.1.5: a stale If-Range means "send the whole new file".
  const ifRange = req.headers['if-range'];
  const rangeApplies = method === 'GET' && !fault?.ignoreRange && (ifRange === undefined || ifRange === etag || ifRange === fileHeaders['Last-Modified']);
  const range = rangeApplies ? resolveByteRange(req.headers.range, size) : WHOLE;
  if (range.kind === 'unsatisfiable') return sendText(res, entry, 416, `Range not satisfiable: ${req.headers.range} (size ${size})`, { ...fileHeaders, 'Content-Range': `bytes */${size}` });

  const start = range.kind === 'part' ? range.start : 0;
  const end = range.kind === 'part' ? range.end : size - 1;
  if (size > 0) Object.assign(entry, { start, end });
  const headers: OutgoingHttpHeaders = { ...COMMON_HEADERS, ...fileHeaders, 'Content-Type': contentTypeOf(file), 'Content-Length': end - start + 1 };
  if (range.kind === 'part') headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
  entry.status = range.kind === 'part' ? 206 : 200;
  res.writeHead(entry.status, headers);
  if (method === 'HEAD') return void res.end();

  // A cut only counts when this response reaches its offset, so a test's `times` means "cut connections".
  const cutAt = fault?.cutAt;
  const cuts = faultState !== undefined && cutAt !== undefined && faultState.cutsLeft > 0 && cutAt >= start && cutAt <= end;
  if (cuts) faultState.cutsLeft--;
  await streamBody(res, file, entry, { start, end, cutAt: cuts ? cutAt : undefined, wrongByteAt: fault?.wrongByteAt, bytesPerSecond: fault?.bytesPerSecond });
}

/** Streams file bytes [start, end] (or up to cutAt, then breaks the connection), never holding the whole file. */
async function streamBody(res: ServerResponse, file: string, entry: LoggedRequest, plan: { start: number; end: number; cutAt?: number; wrongByteAt?: number; bytesPerSecond?: number }): Promise<void> {
  const closed = new Promise<false>((settle) => res.once('close', () => settle(false)));
  // Headers go out at once, so a throttled or cut response still shows its status to the client.
  res.flushHeaders();
  const stopAt = plan.cutAt ?? plan.end + 1;
  const sliceBytes = plan.bytesPerSecond ? Math.max(1, Math.floor(plan.bytesPerSecond / THROTTLE_TICKS_PER_SECOND)) : READ_CHUNK_BYTES;
  const began = performance.now();
  let offset = plan.start;
  if (stopAt > plan.start) {
    const reader = createReadStream(file, { start: plan.start, end: stopAt - 1, highWaterMark: READ_CHUNK_BYTES });
    try {
      for await (const chunk of reader as AsyncIterable<Buffer>) {
        const bytes = withWrongByte(chunk, offset, plan.wrongByteAt);
        for (let at = 0; at < bytes.length; at += sliceBytes) {
          const slice = bytes.subarray(at, at + sliceBytes);
          if (plan.bytesPerSecond) await sleep(began + ((offset + slice.length - plan.start) / plan.bytesPerSecond) * 1000 - performance.now());
          // Waiting for each write's callback keeps memory flat and makes bytesSent count only bytes handed to the OS.
          const written = await Promise.race([new Promise<boolean>((done) => res.write(slice, (error) => done(!error))), closed]);
          if (!written) return;
          offset += slice.length;
          entry.bytesSent += slice.length;
        }
      }
    } finally {
      reader.destroy();
    }
  }
  if (plan.cutAt === undefined) res.end();
  else await cutConnection(res.socket);
}

/** Breaks the connection after every byte already written: end() queues the FIN behind Node's pending writes, and
 * the fd is only closed (destroy) once that shutdown is done, so the kernel still delivers the bytes before the FIN. */
function cutConnection(socket: Socket | null): Promise<void> {
  return new Promise((done) => {
    if (!socket || socket.destroyed) return done();
    socket.once('close', () => done());
    socket.end(() => socket.destroy());
  });
}

function withWrongByte(chunk: Buffer, chunkOffset: number, wrongByteAt: number | undefined): Buffer {
  if (wrongByteAt === undefined || wrongByteAt < chunkOffset || wrongByteAt >= chunkOffset + chunk.length) return chunk;
  const copy = Buffer.from(chunk); // the read buffer may be pooled: never corrupt it in place
  copy[wrongByteAt - chunkOffset] ^= 0xff;
  return copy;
}

/** RFC 9110 §14.1.2: one byte range → its inclusive offsets; several ranges, another unit or bad syntax → the whole
 * file (§14.2 lets a server ignore Range); a range starting past the end, or a zero-length suffix → unsatisfiable. */
function resolveByteRange(header: string | undefined, size: number): ByteRange {
  const match = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return WHOLE;
  const [, first, last] = match;
  if (first === '') {
    const suffix = Number(last);
    return suffix === 0 || size === 0 ? UNSATISFIABLE : { kind: 'part', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return WHOLE; // an invalid range-spec: the header is ignored
  if (start >= size) return UNSATISFIABLE;
  return { kind: 'part', start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}

/** Small text answers (errors, 503s, the preflight); HEAD gets the headers only. */
function sendText(res: ServerResponse, entry: LoggedRequest, status: number, text: string, extraHeaders: OutgoingHttpHeaders = {}): void {
  const body = Buffer.from(text);
  entry.status = status;
  const headers: OutgoingHttpHeaders = { ...COMMON_HEADERS, ...extraHeaders };
  if (status !== 204) Object.assign(headers, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length });
  res.writeHead(status, headers);
  if (entry.method === 'HEAD' || status === 204) return void res.end();
  res.end(body, () => { entry.bytesSent += body.length; });
}

/** The file for a URL path, or null when the path is malformed or would leave root (`..`, encoded or not). */
function fileUnderRoot(root: string, requestPath: string): string | null {
  const decoded = decodePath(requestPath);
  if (decoded === null || !decoded.startsWith('/') || decoded.includes('\0')) return null;
  const file = join(root, decoded);
  return file.startsWith(root + sep) ? file : null;
}

function faultKey(path: string): string {
  const pathOnly = path.split(/[?#]/)[0];
  return decodePath(pathOnly) ?? pathOnly;
}

function decodePath(path: string): string | null {
  try {
    return decodeURIComponent(path);
  } catch {
    return null;
  }
}

function contentTypeOf(file: string): string {
  const extension = extname(file).toLowerCase();
  if (extension === '.json') return 'application/json';
  if (extension === '.txt') return 'text/plain; charset=utf-8';
  return 'application/octet-stream';
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((wake) => setTimeout(wake, ms)) : Promise.resolve();
}
