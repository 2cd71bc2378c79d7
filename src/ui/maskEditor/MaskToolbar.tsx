// The mask editor's toolbar: real buttons, sliders and a checkbox whose accessible names are their visible labels.
// It shows the controller's state and calls its methods; the mask blur is the caller's, passed through.
import { useId } from 'react';
import type { MaskEditorController } from './MaskEditorController';
import { BRUSH_SIZE_LIMITS, type MaskEditorState, type MaskTool } from './MaskEditorStore';

/** The engine's mask-blur range in pixels. */
export const MASK_BLUR_LIMITS = { min: 0, max: 64 } as const;

interface MaskToolbarProps {
  editor: MaskEditorController;
  state: MaskEditorState;
  maskBlur: number;
  onMaskBlurChange: (pixels: number) => void;
}

const TOOLS: { tool: MaskTool; label: string; shortcut: string }[] = [
  { tool: 'brush', label: 'Brush', shortcut: 'B' },
  { tool: 'eraser', label: 'Eraser', shortcut: 'E' },
  { tool: 'pan', label: 'Pan', shortcut: 'H, or hold Space' },
];

export function MaskToolbar({ editor, state, maskBlur, onMaskBlurChange }: MaskToolbarProps) {
  const hasImage = state.imageSize !== null;
  return (
    <div className="mask-editor-toolbar">
      <div className="mask-editor-group" role="group" aria-label="Tool">
        {TOOLS.map(({ tool, label, shortcut }) => (
          <Button
            key={tool}
            label={label}
            title={`${label} (${shortcut})`}
            pressed={state.tool === tool}
            onClick={() => editor.setTool(tool)}
          />
        ))}
      </div>
      <div className="mask-editor-group" role="group" aria-label="Brush settings">
        <Slider
          label="Brush size"
          min={BRUSH_SIZE_LIMITS.min}
          max={BRUSH_SIZE_LIMITS.max}
          value={state.brushSize}
          display={`${state.brushSize} px`}
          onChange={(size) => editor.setBrushSize(size)}
        />
        <Slider
          label="Hardness"
          min={0}
          max={100}
          value={Math.round(state.hardness * 100)}
          display={`${Math.round(state.hardness * 100)}%`}
          onChange={(percent) => editor.setHardness(percent / 100)}
        />
      </div>
      <div className="mask-editor-group" role="group" aria-label="History">
        <Button label="Undo" title="Undo (Ctrl+Z)" disabled={!state.canUndo} onClick={() => editor.undo()} />
        <Button
          label="Redo"
          title="Redo (Ctrl+Shift+Z or Ctrl+Y)"
          disabled={!state.canRedo}
          onClick={() => editor.redo()}
        />
      </div>
      <div className="mask-editor-group" role="group" aria-label="Mask">
        <Button label="Clear mask" disabled={!hasImage} onClick={() => editor.clear()} />
        <Button label="Invert mask" disabled={!hasImage} onClick={() => editor.invert()} />
        <Slider
          label="Mask blur"
          min={MASK_BLUR_LIMITS.min}
          max={MASK_BLUR_LIMITS.max}
          value={maskBlur}
          display={`${maskBlur} px`}
          onChange={onMaskBlurChange}
        />
      </div>
      <div className="mask-editor-group" role="group" aria-label="Overlay">
        <Slider
          label="Overlay opacity"
          min={0}
          max={100}
          value={Math.round(state.overlayOpacity * 100)}
          display={`${Math.round(state.overlayOpacity * 100)}%`}
          onChange={(percent) => editor.setOverlayOpacity(percent / 100)}
        />
        <label className="mask-editor-check">
          <input
            type="checkbox"
            checked={state.overlayVisible}
            onChange={(e) => editor.setOverlayVisible(e.currentTarget.checked)}
          />
          Show mask
        </label>
      </div>
      <div className="mask-editor-group" role="group" aria-label="Zoom">
        <Button label="Zoom out" title="Zoom out (-)" disabled={!hasImage} onClick={() => editor.zoomOut()} />
        <Button label="Zoom to fit" title="Zoom to fit (0)" disabled={!hasImage} onClick={() => editor.zoomToFit()} />
        <Button label="Zoom in" title="Zoom in (+)" disabled={!hasImage} onClick={() => editor.zoomIn()} />
        <span className="mask-editor-zoom">{Math.round(state.zoom * 100)}%</span>
      </div>
    </div>
  );
}

interface ButtonProps {
  /** The visible text, which is also the accessible name. */
  label: string;
  /** Tooltip with the shortcut; it becomes the accessible description, not the name. */
  title?: string;
  /** Set for toggles (the tools): rendered as aria-pressed. */
  pressed?: boolean;
  disabled?: boolean;
  onClick: () => void;
}

function Button({ label, title, pressed, disabled, onClick }: ButtonProps) {
  return (
    <button
      type="button"
      className="mask-editor-button"
      title={title}
      aria-pressed={pressed}
      disabled={disabled}
      onClick={onClick}
    >
      {label}
    </button>
  );
}

interface SliderProps {
  label: string;
  min: number;
  max: number;
  value: number;
  /** The value as shown beside the slider and read out by assistive technology. */
  display: string;
  onChange: (value: number) => void;
}

/** A labelled range input; the label is tied by id (not wrapped) so the accessible name is the label alone. */
function Slider({ label, min, max, value, display, onChange }: SliderProps) {
  const id = useId();
  return (
    <div className="mask-editor-slider">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="range"
        min={min}
        max={max}
        step={1}
        value={value}
        aria-valuetext={display}
        onChange={(e) => onChange(e.currentTarget.valueAsNumber)}
      />
      <output htmlFor={id}>{display}</output>
    </div>
  );
}
