// App entry point: builds the studio (store, local generator, history) and renders it.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createStudio } from './app/createStudio';
import { App } from './ui/App';
import { StudioContext } from './ui/StudioContext';
import './ui/app.css';

const controller = createStudio();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StudioContext.Provider value={controller}>
      <App />
    </StudioContext.Provider>
  </StrictMode>,
);
