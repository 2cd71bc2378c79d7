// The remote API token, kept in this browser only: its own localStorage key (never in the settings blob, the
// history, a PNG or a URL), read at start-up and removed by "Clear token".

const TOKEN_KEY = 'sd-studio-remote-token';

export function loadRemoteToken(): string {
  try {
    return globalThis.localStorage?.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

export function saveRemoteToken(token: string): void {
  try {
    if (token) globalThis.localStorage?.setItem(TOKEN_KEY, token);
    else globalThis.localStorage?.removeItem(TOKEN_KEY);
  } catch {
    // Storage refused (private mode): the token lives for this session only.
  }
}
