// The "Model" combobox: which stored model runs. Models not stored yet are listed in the Models panel instead.
import { useStudioStore } from '../../state/store';
import { useModels } from '../StudioContext';

export function ModelPicker() {
  const models = useModels();
  const all = useStudioStore((s) => s.models);
  const selectedId = useStudioStore((s) => s.selectedModelId);
  const selected = all.find((model) => model.id === selectedId);
  const runnable = all.filter((model) => model.kind === 'pipeline' && (model.status === 'ready' || model.id === selectedId));
  return (
    <div className="model-picker field">
      <label htmlFor="model-picker">Model</label>
      <select id="model-picker" value={selectedId} onChange={(event) => void models.select(event.target.value)}>
        {runnable.map((model) => (
          <option key={model.id} value={model.id}>
            {model.demo ? `${model.name} — demo: random weights, makes noise` : model.status === 'ready' ? model.name : `${model.name} (not downloaded)`}
          </option>
        ))}
      </select>
      {selected?.demo && (
        <p className="field-hint demo-note">
          The demo model has random weights: every picture is coloured noise. Download a real model in the Models panel
          below.
        </p>
      )}
    </div>
  );
}
