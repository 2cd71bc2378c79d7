// Hosts a MaskEditorController in the DOM: turns pointer, wheel and key events into controller calls, draws the
// image and the mask overlay (only the changed block, from a persistent ImageData through a colour table), moves
// the brush outline, and records paint latency (PointerEvent.timeStamp -> overlay updated) for the benchmark.
import type { RgbaImage } from '../../predictions/rgbaImage';
import type { EditorPointer, MaskEditorController, MaskEditorRenderer } from './MaskEditorController';
import type { MaskDocument } from './MaskDocument';
import type { Rect } from './DirtyRegion';
import { shortcutCommand } from './shortcuts';

export interface MaskCanvasElements {
  /** Receives key events from anywhere in the editor, toolbar included. */
  root: HTMLElement;
  /** The clipped area that takes pointer and wheel events. */
  viewport: HTMLElement;
  /** Holds both canvases; carries the zoom and pan as a CSS transform. */
  stage: HTMLElement;
  imageCanvas: HTMLCanvasElement;
  /** The mask overlay; focusable, labelled "Mask editor", and where the latency attributes are mirrored. */
  overlayCanvas: HTMLCanvasElement;
  /** The brush outline. */
  cursor: HTMLElement;
}

/** The overlay's colour (A1111-style red-magenta); each coverage level becomes its alpha. */
const OVERLAY_RGB = [255, 24, 96] as const;

/** Wheel delta (in pixels) to zoom exponent: one 100 px mouse-wheel notch zooms by about 1.22x. */
const WHEEL_ZOOM_RATE = 0.002;
/** From this zoom on, pixels are drawn as crisp squares so the mask's edge can be judged pixel by pixel. */
const PIXELATED_ZOOM = 2;
const MIN_CURSOR_DIAMETER = 4;

/**
 * Chromium dispatches `pointermove` aligned to the next animation frame, which by itself costs ~8 ms on average
 * at 60 Hz (measured in headless Chromium: event timeStamp -> listener 8.4 ms for pointermove, 0.5 ms for
 * pointerrawupdate). `pointerrawupdate` (Chromium, secure contexts) arrives as soon as the input does, so the
 * overlay is already updated when the next frame is produced. Other browsers get `pointermove`.
 */
const MOVE_EVENT = typeof window !== 'undefined' && 'onpointerrawupdate' in window ? 'pointerrawupdate' : 'pointermove';

/** One RGBA word per coverage level, written through a byte view so it matches ImageData on any endianness. */
function overlayColourTable(): Uint32Array {
  const table = new Uint32Array(256);
  const bytes = new Uint8Array(table.buffer);
  for (let coverage = 0; coverage < 256; coverage++) {
    bytes.set([OVERLAY_RGB[0], OVERLAY_RGB[1], OVERLAY_RGB[2], coverage], coverage * 4);
  }
  return table;
}

export class MaskCanvasView implements MaskEditorRenderer {
  private readonly colours = overlayColourTable();
  private readonly imageContext: CanvasRenderingContext2D;
  private readonly overlayContext: CanvasRenderingContext2D;
  private overlayPixels: ImageData | null = null;
  private overlayWords = new Uint32Array(0);
  private drawnImage: RgbaImage | null = null;
  private drawnDocument: MaskDocument | null = null;
  /** The viewport's page position, read when a gesture starts rather than at every sample. */
  private viewportBox = { left: 0, top: 0 };
  private pointerInside = false;
  private pointerX = 0;
  private pointerY = 0;
  /** The view styles last written, as one string, to skip rewriting them on every pointer sample. */
  private appliedView = '';
  private readonly resizeObserver: ResizeObserver;
  private readonly detachRenderer: () => void;

  constructor(
    private readonly elements: MaskCanvasElements,
    private readonly editor: MaskEditorController,
  ) {
    this.imageContext = elements.imageCanvas.getContext('2d')!;
    this.overlayContext = elements.overlayCanvas.getContext('2d')!;
    const { viewport, root, overlayCanvas } = elements;
    viewport.addEventListener('pointerdown', this.onPointerDown);
    // TypeScript's DOM types lack pointerrawupdate; it is a PointerEvent like pointermove.
    viewport.addEventListener(MOVE_EVENT as 'pointermove', this.onPointerMove);
    viewport.addEventListener('pointerup', this.onPointerUp);
    viewport.addEventListener('pointercancel', this.onPointerCancel);
    viewport.addEventListener('pointerleave', this.onPointerLeave);
    viewport.addEventListener('wheel', this.onWheel, { passive: false });
    root.addEventListener('keydown', this.onKeyDown);
    root.addEventListener('keyup', this.onKeyUp);
    overlayCanvas.addEventListener('blur', this.onCanvasBlur);
    this.resizeObserver = new ResizeObserver(([entry]) => {
      editor.setViewportSize(entry.contentRect.width, entry.contentRect.height);
    });
    this.resizeObserver.observe(viewport);
    this.detachRenderer = editor.attachRenderer(this);
  }

  destroy(): void {
    const { viewport, root, overlayCanvas } = this.elements;
    this.detachRenderer();
    this.resizeObserver.disconnect();
    viewport.removeEventListener('pointerdown', this.onPointerDown);
    viewport.removeEventListener(MOVE_EVENT as 'pointermove', this.onPointerMove);
    viewport.removeEventListener('pointerup', this.onPointerUp);
    viewport.removeEventListener('pointercancel', this.onPointerCancel);
    viewport.removeEventListener('pointerleave', this.onPointerLeave);
    viewport.removeEventListener('wheel', this.onWheel);
    root.removeEventListener('keydown', this.onKeyDown);
    root.removeEventListener('keyup', this.onKeyUp);
    overlayCanvas.removeEventListener('blur', this.onCanvasBlur);
    this.editor.setSpacePan(false);
  }

  /** Draws what changed since the last call; cheap when little did, as it runs on every pointer sample. */
  render(): void {
    const { editor } = this;
    const doc = editor.document;
    const dirty = doc?.takeRenderBounds();
    if (doc !== this.drawnDocument) {
      // A new image, or a document this view has not drawn yet (remounted): draw all of it.
      this.openDocument(editor.image, doc);
      if (doc) this.drawOverlay(doc, { x: 0, y: 0, width: doc.width, height: doc.height });
    } else if (dirty) {
      this.drawOverlay(doc!, dirty);
    }
    this.applyView();
  }

  private openDocument(image: RgbaImage | null, doc: MaskDocument | null): void {
    const { imageCanvas, overlayCanvas } = this.elements;
    this.drawnDocument = doc;
    if (!image || !doc) return;
    if (image !== this.drawnImage) {
      imageCanvas.width = image.width;
      imageCanvas.height = image.height;
      this.imageContext.putImageData(new ImageData(new Uint8ClampedArray(image.data), image.width, image.height), 0, 0);
      this.drawnImage = image;
    }
    overlayCanvas.width = doc.width;
    overlayCanvas.height = doc.height;
    this.overlayPixels = this.overlayContext.createImageData(doc.width, doc.height);
    this.overlayWords = new Uint32Array(this.overlayPixels.data.buffer);
  }

  private drawOverlay(doc: MaskDocument, rect: Rect): void {
    const { coverage, width } = doc;
    const words = this.overlayWords;
    const colours = this.colours;
    for (let y = rect.y; y < rect.y + rect.height; y++) {
      for (let i = y * width + rect.x, end = i + rect.width; i < end; i++) words[i] = colours[coverage[i]];
    }
    this.overlayContext.putImageData(this.overlayPixels!, 0, 0, rect.x, rect.y, rect.width, rect.height);
  }

  /** Zoom, pan and overlay settings as styles, written only when they change (pointer moves render often). */
  private applyView(): void {
    const { editor } = this;
    const { stage, overlayCanvas, viewport, cursor } = this.elements;
    const { zoom, offsetX, offsetY } = editor.view;
    const state = editor.getState();
    // Never smaller than a few pixels, so a 1 px brush zoomed out still shows where it is.
    const diameter = Math.max(MIN_CURSOR_DIAMETER, state.brushSize * zoom);
    const { overlayOpacity, overlayVisible, tool } = state;
    const { cursor: cursorMode, image } = editor;
    const key = `${offsetX} ${offsetY} ${zoom} ${overlayOpacity} ${overlayVisible} ${cursorMode} ${tool} ${!image}`;
    if (key !== this.appliedView) {
      this.appliedView = key;
      stage.style.transform = `translate(${offsetX}px, ${offsetY}px) scale(${zoom})`;
      stage.dataset.pixelated = String(zoom >= PIXELATED_ZOOM);
      // Hidden by opacity, not visibility: the canvas must stay focusable and in the accessibility tree.
      overlayCanvas.style.opacity = String(overlayVisible ? overlayOpacity : 0);
      viewport.dataset.cursor = image ? cursorMode : 'none';
      cursor.dataset.tool = tool;
    }
    cursor.hidden = !this.pointerInside || cursorMode !== 'brush' || !image;
    cursor.style.width = cursor.style.height = `${diameter}px`;
    cursor.style.transform = `translate(${this.pointerX - diameter / 2}px, ${this.pointerY - diameter / 2}px)`;
  }

  private toEditorPointer(event: PointerEvent): EditorPointer {
    return {
      id: event.pointerId,
      x: event.clientX - this.viewportBox.left,
      y: event.clientY - this.viewportBox.top,
      button: event.button,
      pointerType: event.pointerType,
      pressure: event.pressure,
    };
  }

  private trackPointer(event: PointerEvent): void {
    if (this.editor.activePointerId === null) this.measureViewport();
    this.pointerInside = true;
    this.pointerX = event.clientX - this.viewportBox.left;
    this.pointerY = event.clientY - this.viewportBox.top;
  }

  private measureViewport(): void {
    const box = this.elements.viewport.getBoundingClientRect();
    this.viewportBox = { left: box.left, top: box.top };
  }

  /** Time from the event to now, when it painted: the overlay is already updated, as painting is synchronous. */
  private recordLatency(event: PointerEvent): void {
    if (this.editor.activeGesture !== 'paint') return;
    const { paintLatency } = this.editor;
    paintLatency.record(performance.now() - event.timeStamp);
    const { dataset } = this.elements.overlayCanvas;
    dataset.paintLatencyMs = paintLatency.last.toFixed(3);
    dataset.paintLatencyMedianMs = paintLatency.median.toFixed(3);
  }

  private readonly onPointerDown = (event: PointerEvent): void => {
    this.elements.overlayCanvas.focus({ preventScroll: true, focusVisible: false }); // keys work; no ring for a click
    this.trackPointer(event);
    if (!this.editor.pointerDown(this.toEditorPointer(event))) return;
    event.preventDefault(); // no text selection, no middle-button autoscroll
    this.elements.viewport.setPointerCapture(event.pointerId);
    this.recordLatency(event);
  };

  private readonly onPointerMove = (event: PointerEvent): void => {
    this.trackPointer(event);
    if (event.pointerId !== this.editor.activePointerId) {
      this.render();
      return;
    }
    // Coalesced samples carry the movement the browser merged into this event (up to the display rate).
    const samples = event.getCoalescedEvents?.() ?? [];
    this.editor.pointerMove((samples.length > 0 ? samples : [event]).map((sample) => this.toEditorPointer(sample)));
    this.recordLatency(event);
  };

  private readonly onPointerUp = (event: PointerEvent): void => {
    this.editor.pointerUp(event.pointerId);
  };

  private readonly onPointerCancel = (event: PointerEvent): void => {
    this.editor.pointerCancel(event.pointerId);
  };

  private readonly onPointerLeave = (): void => {
    this.pointerInside = false;
    this.render();
  };

  private readonly onWheel = (event: WheelEvent): void => {
    if (!this.editor.image) return;
    event.preventDefault();
    this.measureViewport();
    const { deltaMode } = event;
    const pixelsPerUnit =
      deltaMode === WheelEvent.DOM_DELTA_LINE ? 16 : deltaMode === WheelEvent.DOM_DELTA_PAGE ? 400 : 1;
    const x = event.clientX - this.viewportBox.left;
    const y = event.clientY - this.viewportBox.top;
    this.editor.zoomBy(Math.exp(-event.deltaY * pixelsPerUnit * WHEEL_ZOOM_RATE), x, y);
  };

  private readonly onKeyDown = (event: KeyboardEvent): void => {
    if (event.key === ' ' && event.target === this.elements.overlayCanvas) {
      event.preventDefault(); // Space pans here; it must not scroll the page
      this.editor.setSpacePan(true);
      return;
    }
    const command = shortcutCommand(event);
    if (!command) return;
    event.preventDefault();
    this.editor.runCommand(command);
  };

  private readonly onKeyUp = (event: KeyboardEvent): void => {
    if (event.key === ' ') this.editor.setSpacePan(false);
  };

  private readonly onCanvasBlur = (): void => {
    this.editor.setSpacePan(false);
  };
}
