// Which files of a model folder a component's session needs: its graph and the external-data files beside it
// (real exports name them model.onnx_data or weights.pb; onnxruntime resolves them relative to the graph's folder).

/** Names real exports give a graph's external weights, probed when no file list says what exists. */
export const EXTERNAL_DATA_NAMES = ['model.onnx_data', 'weights.pb'];

/** The external-data files in `component`'s folder, named relative to it, from the list of the model's paths. */
export function externalDataNames(paths: Iterable<string>, component: string): string[] {
  const prefix = `${component}/`;
  return [...paths]
    .filter((path) => path.startsWith(prefix) && !path.slice(prefix.length).includes('/'))
    .map((path) => path.slice(prefix.length))
    .filter((name) => name !== 'model.onnx' && !name.endsWith('.json'));
}
