// Gives components the studio's controllers: generating, history and pixels (StudioController), and the Models
// panel's downloads and choice of model (ModelsController).
import { createContext, useContext } from 'react';
import type { ModelsController } from '../app/ModelsController';
import type { StudioController } from '../app/StudioController';

export const StudioContext = createContext<StudioController | null>(null);
export const ModelsContext = createContext<ModelsController | null>(null);

export function useStudio(): StudioController {
  const controller = useContext(StudioContext);
  if (!controller) throw new Error('useStudio must be used inside <StudioContext.Provider>');
  return controller;
}

export function useModels(): ModelsController {
  const controller = useContext(ModelsContext);
  if (!controller) throw new Error('useModels must be used inside <ModelsContext.Provider>');
  return controller;
}
