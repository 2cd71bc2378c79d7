// The remote API settings: which API, its base URL and the user's token (a password field, kept in this browser
// only and sent only to the base URL's origin), and "Clear token".
import { saveRemoteToken } from '../app/remoteToken';
import { defaultBaseUrl, REMOTE_API_LABELS, type RemoteApi } from '../state/remoteSlice';
import { useStudioStore } from '../state/store';
import { Field } from './forms/Field';

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

export function RemoteSettings() {
  const remote = useStudioStore((s) => s.remote);
  const token = useStudioStore((s) => s.remoteToken);
  const { setRemote, setRemoteToken } = useStudioStore.getState();
  const origin = originOf(remote.baseUrl);
  const updateToken = (value: string) => {
    setRemoteToken(value);
    saveRemoteToken(value);
  };
  return (
    <details className="remote-settings">
      <summary>Remote API</summary>
      <p className="field-hint">
        Where jobs go with Compute on set to Remote, or when Auto finds that this device can't run the model (it asks
        first).
      </p>
      <Field label="Remote API">
        {({ id }) => (
          <select
            id={id}
            value={remote.api}
            onChange={(event) => {
              const api = event.target.value as RemoteApi;
              setRemote({ api, baseUrl: defaultBaseUrl(api) });
            }}
          >
            {(Object.keys(REMOTE_API_LABELS) as RemoteApi[]).map((api) => (
              <option key={api} value={api}>
                {REMOTE_API_LABELS[api]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field
        label="Base URL"
        hint={remote.api === 'replicate' ? 'Replicate through this server\'s proxy (browsers cannot call api.replicate.com directly), or a Replicate-compatible host such as this server.' : undefined}
      >
        {({ id, describedBy }) => <input id={id} type="url" aria-describedby={describedBy} value={remote.baseUrl} onChange={(event) => setRemote({ baseUrl: event.target.value })} />}
      </Field>
      <Field label="API token" hint={`Stored only in this browser and sent only to ${origin ?? 'the base URL'}. Never written to the history or a PNG.`}>
        {({ id, describedBy }) => (
          <input id={id} type="password" autoComplete="off" aria-describedby={describedBy} value={token} onChange={(event) => updateToken(event.target.value)} />
        )}
      </Field>
      <button type="button" onClick={() => updateToken('')} disabled={!token}>
        Clear token
      </button>
    </details>
  );
}
