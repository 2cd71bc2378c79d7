// The inpainting tab's workspace: the input image (picked, dropped or pasted) with the mask editor over it. The
// editor's controller lives at module scope so the painted mask survives switching tabs.
import { useEffect } from 'react';
import { useStudioStore } from '../state/store';
import { ImageInput } from './ImageInput';
import { inputImage } from '../app/inputImageRegistry';
import { MaskEditor } from './maskEditor/MaskEditor';
import { MaskEditorController } from './maskEditor/MaskEditorController';
import { useStudio } from './StudioContext';

const maskEditor = new MaskEditorController();

/** "Resized to 512×512" when the Width/Height fields differ from the image's size. */
function sizeNote(image: { width: number; height: number }, width: string, height: string): string {
  const w = Number(width);
  const h = Number(height);
  if (!w || !h) return 'Set Width and Height to generate at a size of your choice.';
  if (w === image.width && h === image.height) return `Generated at ${w}×${h}, the image's own size.`;
  return `Image and mask are resized to ${w}×${h} (the Width and Height fields); outside the mask the result keeps the resized image.`;
}

export function InpaintWorkspace() {
  const controller = useStudio();
  const meta = useStudioStore((s) => s.inputs.inpainting);
  const error = useStudioStore((s) => s.inputErrors.inpainting);
  const maskError = useStudioStore((s) => s.maskError);
  const maskBlur = useStudioStore((s) => s.maskBlur);
  const draft = useStudioStore((s) => s.drafts.inpainting);
  const setMaskBlur = useStudioStore((s) => s.setMaskBlur);
  const image = inputImage(meta?.id);

  useEffect(() => {
    if (image) maskEditor.setImage(image);
  }, [image]);

  useEffect(() => {
    controller.maskSource = () => (image && !maskEditor.isEmpty() ? maskEditor.toMaskImage() : null);
    return () => {
      controller.maskSource = null;
    };
  }, [controller, image]);

  return (
    <section className="inpaint-workspace" aria-label="Inpainting workspace">
      <ImageInput
        label="Image to inpaint"
        meta={meta}
        error={error}
        showPreview={false}
        sizeNote={meta ? sizeNote(meta, draft.width, draft.height) : undefined}
        onFile={(file) => void controller.loadInput('inpainting', file)}
        onClear={() => controller.clearInput('inpainting')}
      />
      {image && <MaskEditor editor={maskEditor} maskBlur={maskBlur} onMaskBlurChange={setMaskBlur} className="inpaint-mask-editor" />}
      {image && maskError && (
        <p className="field-error" role="alert">
          {maskError}
        </p>
      )}
    </section>
  );
}
