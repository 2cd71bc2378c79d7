// The command line of `npm start` (tsx server/main.ts): flags, and the environment variables PORT and
// SD_SERVER_TOKEN, read into ServerOptions. A bad flag is a typed error naming what was expected.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ProxyConfigError, proxyTargets } from './proxyPolicy';
import { DEFAULT_PROXY_HOSTS, type ServerOptionsInput } from './serverOptions';

export class CliError extends Error {
  readonly code = 'invalid_option';
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

export const USAGE = `Usage: npm start -- [options]   (or: tsx server/main.ts [options])

  --port N             port to listen on (default: $PORT, else 5173)
  --host HOST          address to listen on (default: localhost; 0.0.0.0 for every interface)
  --model DIR          model folder in the diffusers ONNX layout (default: public/models/tiny-sd, the demo model)
  --token TOKEN        bearer token the /v1 API requires (default: $SD_SERVER_TOKEN; none: the API is open)
  --proxy-allow HOSTS  comma-separated hosts /proxy/ forwards to (default: ${DEFAULT_PROXY_HOSTS.join(',')})
  --keep N             predictions (with their outputs) kept in memory (default: 100)
  --threads N          onnxruntime threads per graph (default: onnxruntime's own)
  --noise cpu|cuda     which PyTorch generator seeds follow (default: cuda, as Replicate's GPUs)
  --webhook-secret S   "whsec_…" secret webhooks are signed with (default: a new one each run)
  --static DIR         the built app to serve (default: dist)
  --help               this text`;

function positiveInteger(flag: string, text: string | undefined, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new CliError(`${flag}: expected an integer from 1 to ${max}, got ${JSON.stringify(text)}`);
  return value;
}

/** Options from `argv` (without node and the script) and `env`; `help: true` when --help was asked. */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv): { help: boolean; options: ServerOptionsInput } {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        model: { type: 'string' },
        token: { type: 'string' },
        'proxy-allow': { type: 'string', multiple: true },
        keep: { type: 'string' },
        threads: { type: 'string' },
        noise: { type: 'string' },
        'webhook-secret': { type: 'string' },
        static: { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${USAGE}`);
  }
  const noise = values.noise;
  if (noise !== undefined && noise !== 'cpu' && noise !== 'cuda') throw new CliError(`--noise: expected cpu or cuda, got ${JSON.stringify(noise)}`);
  const secret = values['webhook-secret'];
  if (secret !== undefined && !/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(secret)) throw new CliError('--webhook-secret: expected "whsec_" followed by base64');
  const token = values.token ?? env.SD_SERVER_TOKEN;
  const proxyAllow = values['proxy-allow']?.flatMap((list) => list.split(',')).map((host) => host.trim()).filter(Boolean);
  try {
    if (proxyAllow) proxyTargets(proxyAllow);
  } catch (error) {
    throw new CliError((error as ProxyConfigError).message);
  }
  const options: ServerOptionsInput = {
    port: positiveInteger('--port', values.port ?? env.PORT, 65535),
    host: values.host,
    modelDir: values.model === undefined ? undefined : resolve(values.model),
    staticDir: values.static === undefined ? undefined : resolve(values.static),
    token: token === '' ? undefined : token,
    proxyAllow,
    keepPredictions: positiveInteger('--keep', values.keep),
    threads: positiveInteger('--threads', values.threads, 256),
    noiseDevice: noise,
    webhookSecret: secret,
  };
  // Leave out what was not given, so resolveOptions' defaults apply.
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as ServerOptionsInput;
  return { help: values.help === true, options: given };
}
