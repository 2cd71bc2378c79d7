// The command line of npm start: flags and environment read into options, bad values refused naming the flag.
import { describe, expect, it } from 'vitest';
import { CliError, parseCli } from './cliOptions';

describe('parseCli', () => {
  it('leaves out what was not given, so the defaults apply', () => {
    expect(parseCli([], {})).toEqual({ help: false, options: {} });
  });

  it('reads every flag, PORT and SD_SERVER_TOKEN', () => {
    const { options } = parseCli(
      ['--host', '0.0.0.0', '--model', '/models/sd15', '--proxy-allow', 'api.replicate.com,modelslab.com', '--proxy-allow', 'http://127.0.0.1:9000', '--keep', '20', '--threads', '4', '--noise', 'cpu'],
      { PORT: '8080', SD_SERVER_TOKEN: 'tok' },
    );
    expect(options).toEqual({
      port: 8080,
      host: '0.0.0.0',
      modelDir: '/models/sd15',
      token: 'tok',
      proxyAllow: ['api.replicate.com', 'modelslab.com', 'http://127.0.0.1:9000'],
      keepPredictions: 20,
      threads: 4,
      noiseDevice: 'cpu',
    });
    expect(parseCli(['--port', '3000', '--token', 'flag'], { PORT: '8080', SD_SERVER_TOKEN: 'env' }).options).toEqual({ port: 3000, token: 'flag' });
  });

  it('refuses bad values and unknown flags, naming them', () => {
    expect(() => parseCli(['--port', 'eighty'], {})).toThrow(new CliError('--port: expected an integer from 1 to 65535, got "eighty"'));
    expect(() => parseCli(['--noise', 'gpu'], {})).toThrow('--noise: expected cpu or cuda, got "gpu"');
    expect(() => parseCli(['--webhook-secret', 'plain'], {})).toThrow(/--webhook-secret/);
    expect(() => parseCli(['--modle', 'x'], {})).toThrow(/--modle/);
    expect(() => parseCli(['--proxy-allow', 'ftp://files.example'], {})).toThrow('--proxy-allow: expected a host name ("api.replicate.com") or an http(s) origin ("http://127.0.0.1:8080"), got "ftp://files.example"');
    expect(() => parseCli(['--proxy-allow', 'https://api.replicate.com/v1'], {})).toThrow(/--proxy-allow/);
  });
});
