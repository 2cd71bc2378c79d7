// The modes the selected model can do, plus PNG Info, as an ARIA tab list (arrow keys move between tabs, as the
// WAI-ARIA tabs pattern specifies).
import type { KeyboardEvent } from 'react';
import { GENERATION_MODES, type GenerationMode } from '../predictions/PredictionInput';

export const MODE_LABELS: Record<GenerationMode, string> = {
  'text-to-image': 'Text to image',
  'image-to-image': 'Image to image',
  inpainting: 'Inpainting',
};

/** The tabs: the three modes and the PNG Info reader. */
export type StudioTab = GenerationMode | 'png-info';

const TAB_LABELS: Record<StudioTab, string> = { ...MODE_LABELS, 'png-info': 'PNG Info' };

export const tabId = (tab: StudioTab) => `tab-${tab}`;
export const panelId = (tab: StudioTab) => `panel-${tab}`;

interface ModeTabsProps {
  active: StudioTab;
  /** The modes to offer, in GENERATION_MODES order. */
  modes?: readonly GenerationMode[];
  onSelect(tab: StudioTab): void;
}

export function ModeTabs({ active, modes = GENERATION_MODES, onSelect }: ModeTabsProps) {
  const shown: StudioTab[] = [...GENERATION_MODES.filter((mode) => modes.includes(mode)), 'png-info'];
  const onKeyDown = (event: KeyboardEvent) => {
    const index = shown.indexOf(active);
    const next = event.key === 'ArrowRight' ? index + 1 : event.key === 'ArrowLeft' ? index - 1 : null;
    if (next === null) return;
    event.preventDefault();
    const tab = shown[(next + shown.length) % shown.length];
    onSelect(tab);
    document.getElementById(tabId(tab))?.focus();
  };
  return (
    <div role="tablist" aria-label="Mode" className="mode-tabs" onKeyDown={onKeyDown}>
      {shown.map((tab) => (
        <button
          key={tab}
          id={tabId(tab)}
          role="tab"
          type="button"
          aria-selected={tab === active}
          aria-controls={panelId(tab)}
          tabIndex={tab === active ? 0 : -1}
          onClick={() => onSelect(tab)}
        >
          {TAB_LABELS[tab]}
        </button>
      ))}
    </div>
  );
}
