// `npm start`: reads the command line, builds the server (the app, the prediction API, the proxy), listens and
// prints where it is. Ctrl+C (or SIGTERM) closes it cleanly, the engine worker included.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from './app';
import { CliError, parseCli, USAGE } from './cliOptions';
import { readableLogStream } from './logLines';
import { resolveOptions } from './serverOptions';

async function main(): Promise<void> {
  const { help, options: input } = parseCli(process.argv.slice(2), process.env);
  if (help) {
    console.log(USAGE);
    return;
  }
  const options = resolveOptions(input);
  if (!existsSync(join(options.modelDir, 'unet', 'model.onnx'))) {
    throw new CliError(`--model: expected a model folder in the diffusers ONNX layout (unet/model.onnx and the rest), got ${options.modelDir}` +
      (input.modelDir ? '' : ' (the demo model: run `npm run models` to make it)'));
  }
  const { app } = await buildApp({ ...input, log: { level: 'info', requests: false, stream: readableLogStream() } });
  await app.listen({ port: options.port, host: options.host });
  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${options.port}/`;
  console.log(`SD Studio is at ${url}`);
  console.log(`  Replicate-compatible API: ${url}v1/predictions (model: ${options.modelDir}${options.token ? ', bearer token required' : ', no token required'})`);
  console.log(`  Proxy: ${url}proxy/{host}/… for ${options.proxyAllow.join(', ')}`);
  if (!options.token && !['localhost', '127.0.0.1', '::1'].includes(options.host)) {
    console.warn('  Warning: the API is open to anyone who can reach this address; set --token or SD_SERVER_TOKEN.');
  }
  const stop = () => void app.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof CliError ? error.message : error);
  process.exit(error instanceof CliError ? 2 : 1);
});
