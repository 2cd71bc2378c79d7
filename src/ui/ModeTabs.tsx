// The modes the selected model can do, as an ARIA tab list (arrow keys move between tabs, as the WAI-ARIA tabs
// pattern specifies).
import type { KeyboardEvent } from 'react';
import { GENERATION_MODES, type GenerationMode } from '../predictions/PredictionInput';

export const MODE_LABELS: Record<GenerationMode, string> = {
  'text-to-image': 'Text to image',
  'image-to-image': 'Image to image',
  inpainting: 'Inpainting',
};

export const tabId = (mode: GenerationMode) => `tab-${mode}`;
export const panelId = (mode: GenerationMode) => `panel-${mode}`;

interface ModeTabsProps {
  active: GenerationMode;
  /** The modes to offer, in GENERATION_MODES order. */
  modes?: readonly GenerationMode[];
  onSelect(mode: GenerationMode): void;
}

export function ModeTabs({ active, modes = GENERATION_MODES, onSelect }: ModeTabsProps) {
  const shown = GENERATION_MODES.filter((mode) => modes.includes(mode));
  const onKeyDown = (event: KeyboardEvent) => {
    const index = shown.indexOf(active);
    const next = event.key === 'ArrowRight' ? index + 1 : event.key === 'ArrowLeft' ? index - 1 : null;
    if (next === null) return;
    event.preventDefault();
    const mode = shown[(next + shown.length) % shown.length];
    onSelect(mode);
    document.getElementById(tabId(mode))?.focus();
  };
  return (
    <div role="tablist" aria-label="Mode" className="mode-tabs" onKeyDown={onKeyDown}>
      {shown.map((mode) => (
        <button
          key={mode}
          id={tabId(mode)}
          role="tab"
          type="button"
          aria-selected={mode === active}
          aria-controls={panelId(mode)}
          tabIndex={mode === active ? 0 : -1}
          onClick={() => onSelect(mode)}
        >
          {MODE_LABELS[mode]}
        </button>
      ))}
    </div>
  );
}
