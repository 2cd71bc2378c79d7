// Which backend runs the model ("WebGPU · SwiftShader", "WASM · 2 threads") and why a faster one is not used.
import type { BackendInfo } from '../predictions/backends';

export function BackendBadge({ backend, error, loading }: { backend: BackendInfo | null; error: string | null; loading: boolean }) {
  if (error) return <div className="backend-badge backend-error" role="status">Backend unavailable: {error}</div>;
  // A real model takes seconds to load (graphs created, weights read from IndexedDB): say so, not the last backend.
  if (loading) return <div className="backend-badge" role="status">Loading the model…</div>;
  if (!backend) return <div className="backend-badge" role="status">Starting the engine…</div>;
  return (
    <div className="backend-badge" role="status" aria-label={`Backend: ${backend.label}`}>
      <span className={`backend-dot backend-${backend.kind}`} aria-hidden="true" />
      <span className="backend-label">{backend.label}</span>
      {backend.reasons.length > 0 && (
        <details className="backend-reasons">
          <summary>Why not faster?</summary>
          <ul>
            {backend.reasons.map((reason) => (
              <li key={reason}>{reason}</li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
