// The remote generators' public face: createRemoteGenerator builds a Generator that runs predictions on Replicate
// (or a host proxying it), the Stable Diffusion API v3, or an AUTOMATIC1111 / Forge WebUI, in the browser or in Node.
import type { Generator } from '../Generator';
import { Automatic1111Client } from './Automatic1111Client';
import { bytesToBase64 } from './bytesToBase64';
import type { RemoteClient } from './RemoteClient';
import { resolveRemoteConfig, type RemoteGeneratorConfig } from './remoteConfig';
import { RemoteGenerator } from './RemoteGenerator';
import { RemoteHttp } from './RemoteHttp';
import { ReplicateClient } from './ReplicateClient';
import { StableDiffusionApiClient } from './StableDiffusionApiClient';

export type { RemoteApiName, RemoteGeneratorConfig, RemoteTiming } from './remoteConfig';
export { DEFAULT_TIMING } from './remoteConfig';
export { RemoteError, type RemoteErrorCode } from './RemoteError';
export type { RemoteLabel } from './RemoteClient';
export { A1111_SAMPLERS } from './a1111Samplers';
export { V3_SCHEDULER_NAMES } from './remoteSchemas';

/** HTTP Basic credentials from `user:password`, split at the first colon (a password may contain colons). */
function basicAuthorization(token: string): { header: string; secrets: string[] } {
  const colon = token.indexOf(':');
  const password = token.slice(colon + 1);
  const credentials = bytesToBase64(new TextEncoder().encode(`${token.slice(0, colon)}:${password}`));
  return { header: `Basic ${credentials}`, secrets: [token, password, credentials] };
}

/**
 * Throws a RemoteError with code 'invalid_config' when the configuration cannot work (not an http(s) base URL, an
 * AUTOMATIC1111 token without a colon, ...). Job failures never throw: they resolve with an error code.
 */
export function createRemoteGenerator(config: RemoteGeneratorConfig): Generator {
  const resolved = resolveRemoteConfig(config);
  const { token } = resolved;
  let client: RemoteClient;
  let http: RemoteHttp;
  switch (resolved.api) {
    case 'replicate':
      client = new ReplicateClient();
      http = new RemoteHttp(resolved, token ? `Bearer ${token}` : undefined, token ? [token] : []);
      break;
    case 'stablediffusionapi':
      // The v3 API takes its key in the JSON body, which goes only to paths under the base URL.
      client = new StableDiffusionApiClient(token);
      http = new RemoteHttp(resolved, undefined, token ? [token] : []);
      break;
    case 'automatic1111': {
      const basic = token ? basicAuthorization(token) : undefined;
      client = new Automatic1111Client();
      http = new RemoteHttp(resolved, basic?.header, basic?.secrets ?? []);
      break;
    }
  }
  return new RemoteGenerator(client, http, resolved.timing);
}
