// Vite configuration: React, cross-origin isolation headers (WASM threads need SharedArrayBuffer),
// and onnxruntime-web kept out of dependency pre-bundling (pre-bundling it reloads the page on first use).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react()],
  server: { headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation },
  optimizeDeps: {
    exclude: ['onnxruntime-web'],
    // Pre-bundle the app's own dependencies up front, so the dev server doesn't discover them on first use and
    // reload the page in the middle of a session.
    include: ['react', 'react-dom/client', 'zustand', 'zustand/middleware', 'idb-keyval'],
  },
  worker: { format: 'es' },
});
