// setSchemas: a new model's limits replace what no longer fits; the same schemas again leave what was typed alone.
import { describe, expect, it } from 'vitest';
import { create } from 'zustand';
import { applyProfile, LOCAL_MODE_SCHEMAS, type ModeSchemas } from '../predictions/modelSchemas';
import { createSettingsSlice, type SettingsSlice } from './settingsSlice';
import type { StudioState } from './store';

const newSettings = () => create<SettingsSlice>()((...args) => createSettingsSlice(...(args as Parameters<typeof createSettingsSlice>)) as SettingsSlice & StudioState);

const turbo: ModeSchemas = {
  'text-to-image': applyProfile(LOCAL_MODE_SCHEMAS['text-to-image'], { defaults: { num_inference_steps: 1 }, limits: { num_inference_steps: { min: 1, max: 4 } } }),
};

describe('setSchemas', () => {
  it('keeps an out-of-range value the user typed when the same schemas arrive again', () => {
    const settings = newSettings();
    settings.getState().updateDraft('text-to-image', { num_inference_steps: '0', guidance_scale: '25' });
    settings.getState().setSchemas({ ...LOCAL_MODE_SCHEMAS });
    expect(settings.getState().drafts['text-to-image']).toMatchObject({ num_inference_steps: '0', guidance_scale: '25' });
  });

  it('replaces a value the new limits no longer allow with the new default, and keeps those still allowed', () => {
    const settings = newSettings();
    settings.getState().updateDraft('text-to-image', { num_inference_steps: '30', width: '640' });
    settings.getState().setSchemas(turbo);
    expect(settings.getState().drafts['text-to-image']).toMatchObject({ num_inference_steps: '1', width: '640' });
    expect(settings.getState().schemas).toBe(turbo);
  });
});
