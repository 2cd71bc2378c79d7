// The X/Y plot section: pick a parameter for each axis and a few values, run every combination of the current form
// as one queued batch, and see and download the labelled grid (A1111's X/Y plot).
import { useEffect, useState } from 'react';
import { checkXyPlan, drawXyGrid, parseAxisValues, XY_AXIS_LABELS, type XyAxis, type XyPlan } from '../app/xyPlot';
import { A1111_SAMPLER_NAMES } from '../predictions/schedulerNames';
import { useStudioStore } from '../state/store';
import { Field } from './forms/Field';
import { useStudio } from './StudioContext';

const AXES = Object.keys(XY_AXIS_LABELS) as XyAxis[];

function AxisFields({ name, axis, values, onAxis, onValues, modeAxes }: { name: 'X' | 'Y'; axis: XyAxis; values: string; onAxis(axis: XyAxis): void; onValues(values: string): void; modeAxes: XyAxis[] }) {
  return (
    <div className="xy-axis">
      <Field label={`${name} axis`}>
        {({ id }) => (
          <select id={id} value={axis} onChange={(event) => onAxis(event.target.value as XyAxis)}>
            {modeAxes.map((option) => (
              <option key={option} value={option}>
                {XY_AXIS_LABELS[option]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={`${name} values`} hint="Separated by commas">
        {({ id, describedBy }) => <input id={id} type="text" aria-describedby={describedBy} value={values} onChange={(event) => onValues(event.target.value)} />}
      </Field>
    </div>
  );
}

export function XyPlotPanel() {
  const controller = useStudio();
  const mode = useStudioStore((s) => s.activeMode);
  const schema = useStudioStore((s) => s.schemas[s.activeMode]);
  const modeAxes = AXES.filter((axis) => axis === 'seed' || (schema?.fields as readonly string[] | undefined)?.includes(axis));
  const [x, setX] = useState<{ axis: XyAxis; values: string }>({ axis: 'num_inference_steps', values: '10, 20' });
  const [y, setY] = useState<{ axis: XyAxis; values: string }>({ axis: 'seed', values: '1, 2' });
  const [status, setStatus] = useState<{ kind: 'error' | 'info'; text: string } | null>(null);
  const [grid, setGrid] = useState<{ url: string; label: string } | null>(null);
  useEffect(() => () => (grid ? URL.revokeObjectURL(grid.url) : undefined), [grid]);

  const run = async () => {
    // Scheduler values may be typed by their A1111 names ("DPM++ 2M"): the run takes the API's names.
    const toApiName = (value: string) => schema?.schedulers.find((name) => name === value || A1111_SAMPLER_NAMES[name] === value) ?? value;
    const plan: XyPlan = {
      x: { axis: x.axis, values: parseAxisValues(x.values).map((v) => (x.axis === 'scheduler' ? toApiName(v) : v)) },
      y: { axis: y.axis, values: parseAxisValues(y.values).map((v) => (y.axis === 'scheduler' ? toApiName(v) : v)) },
    };
    const problem = checkXyPlan(plan);
    if (problem) return setStatus({ kind: 'error', text: problem });
    const total = plan.x.values.length * plan.y.values.length;
    setStatus({ kind: 'info', text: `Running ${total} images…` });
    const outcome = await controller.runXyPlot(plan, (done) => setStatus({ kind: 'info', text: `${done} of ${total} done…` }));
    if ('error' in outcome) return setStatus({ kind: 'error', text: outcome.error });
    const blob = await drawXyGrid(plan, outcome.results.map((result) => result.images?.[0]));
    const failed = outcome.results.filter((result) => result.prediction.status !== 'succeeded').length;
    setGrid({ url: URL.createObjectURL(blob), label: `X/Y plot: ${XY_AXIS_LABELS[plan.x.axis]} ${plan.x.values.join(', ')} by ${XY_AXIS_LABELS[plan.y.axis]} ${plan.y.values.join(', ')}` });
    setStatus({ kind: failed ? 'error' : 'info', text: failed ? `Done; ${failed} of ${total} cells did not succeed (see Results).` : `Done: ${total} images.` });
  };

  return (
    <section className="xy-plot" aria-labelledby="xy-plot-heading">
      <h2 id="xy-plot-heading">X/Y plot</h2>
      <p className="field-hint">Runs the {mode.replace(/-/g, ' ')} form once per combination; everything else stays as the form says (one seed for all unless Seed is an axis).</p>
      <AxisFields name="X" axis={x.axis} values={x.values} onAxis={(axis) => setX({ ...x, axis })} onValues={(values) => setX({ ...x, values })} modeAxes={modeAxes} />
      <AxisFields name="Y" axis={y.axis} values={y.values} onAxis={(axis) => setY({ ...y, axis })} onValues={(values) => setY({ ...y, values })} modeAxes={modeAxes} />
      <button type="button" onClick={() => void run()}>
        Run X/Y plot
      </button>
      {status && (
        <p className={status.kind === 'error' ? 'field-error' : 'form-note'} role={status.kind === 'error' ? 'alert' : 'status'}>
          {status.text}
        </p>
      )}
      {grid && (
        <figure className="xy-grid">
          <img src={grid.url} alt={grid.label} />
          <figcaption>
            <a className="button-link" href={grid.url} download="xy-plot.png">
              Download grid
            </a>
          </figcaption>
        </figure>
      )}
    </section>
  );
}
