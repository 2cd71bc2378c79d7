// A drop zone's behaviour: highlight while a file is dragged over it, and hand the first dropped file on.
import { useState, type DragEvent } from 'react';
import { firstFile } from '../app/decodeImageFile';

export function useFileDrop(onFile: (file: File) => void) {
  const [dragging, setDragging] = useState(false);
  return {
    dragging,
    handlers: {
      onDragOver: (event: DragEvent) => {
        event.preventDefault();
        setDragging(true);
      },
      onDragLeave: () => setDragging(false),
      onDrop: (event: DragEvent) => {
        event.preventDefault();
        setDragging(false);
        const file = firstFile(event.dataTransfer);
        if (file) onFile(file);
      },
    },
  };
}
