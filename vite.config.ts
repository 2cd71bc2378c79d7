// Vite configuration: React, cross-origin isolation headers (WASM threads need SharedArrayBuffer),
// onnxruntime-web kept out of dependency pre-bundling (pre-bundling it reloads the page on first use), and the
// installable app: web manifest plus a Workbox service worker that precaches the shell but never model weights.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** The cache that keeps the onnxruntime wasm a device uses (shared with src/pwa/cacheEngineFiles.ts). */
const ENGINE_CACHE = 'sd-studio-engine';

const pwa = VitePWA({
  // The user decides when a new version takes over (src/ui/UpdatePrompt.tsx); src/main.tsx registers the worker.
  registerType: 'prompt',
  injectRegister: false,
  devOptions: { enabled: false },
  // The icons are in globPatterns already (the plugin adds the manifest itself): listing them again only duplicates.
  includeManifestIcons: false,
  manifest: {
    id: './',
    name: 'SD Studio',
    short_name: 'SD Studio',
    description: 'Stable Diffusion in the browser: text-to-image, image-to-image and inpainting on WebGPU or WASM.',
    // The page background (--bg) while it starts, the header (--panel) for the window's title bar: src/ui/app.css.
    background_color: '#14161a',
    theme_color: '#1c1f25',
    display: 'standalone',
    start_url: './',
    scope: './',
    icons: [
      { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
      { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
      { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    ],
  },
  workbox: {
    // The shell. onnxruntime-web's wasm is not precached: there are two builds (14 MB plain WASM, 27 MB for WebGPU)
    // and a device uses one; it is cached at run time (below, and by src/pwa/cacheEngineFiles.ts) once it is used.
    globPatterns: ['**/*.{html,js,css,svg,png,ico}'],
    maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
    runtimeCaching: [
      {
        urlPattern: ({ url, sameOrigin }) => sameOrigin && url.pathname.startsWith('/assets/') && url.pathname.endsWith('.wasm'),
        handler: 'CacheFirst',
        options: { cacheName: ENGINE_CACHE, expiration: { maxEntries: 4 } },
      },
    ],
    // Model weights never go into the precache: the demo model (public/models/) and downloads live in IndexedDB.
    globIgnores: ['**/node_modules/**', 'models/**', '**/*.onnx', '**/*.onnx_data', '**/*.pb'],
    navigateFallback: 'index.html',
    // Not the app's routes: model files opened directly, and the e2e harness page (built into dist-e2e only).
    navigateFallbackDenylist: [/^\/models\//, /^\/e2e\//],
    // Nothing else is cached at run time: other origins (model downloads) go to the network untouched.
  },
});

export default defineConfig({
  plugins: [react(), pwa],
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
