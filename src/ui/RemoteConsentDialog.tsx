// Asks once, before a job leaves the device: this device can't run it (why), send it to the remote API instead?
import { useEffect, useRef } from 'react';

interface RemoteConsentDialogProps {
  reason: string;
  apiLabel: string;
  onSend(): void;
  onCancel(): void;
}

export function RemoteConsentDialog({ reason, apiLabel, onSend, onCancel }: RemoteConsentDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  return (
    <dialog ref={dialog} className="consent-dialog" aria-labelledby="consent-title" aria-describedby="consent-reason" onCancel={onCancel}>
      <h2 id="consent-title">Run on {apiLabel}?</h2>
      <p id="consent-reason">{reason}</p>
      <p>The prompt and any input image go to {apiLabel}. You won't be asked again this session.</p>
      <div className="consent-actions">
        <button type="button" className="generate-button" onClick={onSend}>
          Send to {apiLabel}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
