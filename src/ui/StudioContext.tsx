// Gives components the studio's controller (actions that touch the generator, history and pixels).
import { createContext, useContext } from 'react';
import type { StudioController } from '../app/StudioController';

export const StudioContext = createContext<StudioController | null>(null);

export function useStudio(): StudioController {
  const controller = useContext(StudioContext);
  if (!controller) throw new Error('useStudio must be used inside <StudioContext.Provider>');
  return controller;
}
