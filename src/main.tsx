// App entry point: builds the studio (store, local generator, history), renders it, and in production builds
// registers the service worker that makes the app installable and its shell work offline.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createStudio } from './app/createStudio';
import { registerServiceWorker } from './pwa/registerServiceWorker';
import { App } from './ui/App';
import { ModelsContext, StudioContext } from './ui/StudioContext';
import './ui/app.css';

const { controller, models } = createStudio();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StudioContext.Provider value={controller}>
      <ModelsContext.Provider value={models}>
        <App />
      </ModelsContext.Provider>
    </StudioContext.Provider>
  </StrictMode>,
);

if (import.meta.env.PROD) registerServiceWorker();
