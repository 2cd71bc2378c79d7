// The prompt and negative prompt, one pair for every mode. The placeholders read as hints, never as a prompt. Next to
// the prompt, its CLIP token count against the 75-token window ("12/75"), and the A1111 syntax switch.
import type { TokenCount } from '../../app/promptTokens';
import type { PromptWeighting } from '../../predictions/backends';
import { Field } from './Field';

interface PromptFieldsProps {
  prompt: string;
  negativePrompt: string;
  onChange(patch: { prompt?: string; negative_prompt?: string }): void;
  errors: Partial<Record<string, string>>;
  tokens?: TokenCount | null;
  weighting: PromptWeighting;
  onWeightingChange(weighting: PromptWeighting): void;
}

export function PromptFields({ prompt, negativePrompt, onChange, errors, tokens, weighting, onWeightingChange }: PromptFieldsProps) {
  const over = tokens ? tokens.count > tokens.max : false;
  return (
    <>
      {tokens && (
        <span className={`token-count${over ? ' token-count-over' : ''}`} title="CLIP tokens used of the window the model reads">
          {tokens.count}/{tokens.max}
        </span>
      )}
      <Field
        label="Prompt"
        error={errors.prompt}
        hint={tokens?.cutText ? `Past 75 tokens, this part is cut and not used: “${tokens.cutText.length > 80 ? `${tokens.cutText.slice(0, 77)}…` : tokens.cutText}”` : undefined}
      >
        {({ id, describedBy, invalid }) => (
          <textarea
            id={id}
            rows={3}
            value={prompt}
            placeholder="Describe the picture, for example: a lighthouse at dusk, oil painting"
            aria-invalid={invalid}
            aria-describedby={describedBy}
            onChange={(event) => onChange({ prompt: event.target.value })}
          />
        )}
      </Field>
      <label className="checkbox prompt-syntax">
        <input type="checkbox" checked={weighting === 'a1111'} onChange={(event) => onWeightingChange(event.target.checked ? 'a1111' : 'none')} />
        A1111 prompt syntax: (emphasis:1.2), [less], and prompts past 75 tokens in chunks
      </label>
      <Field label="Negative prompt" error={errors.negative_prompt}>
        {({ id, describedBy, invalid }) => (
          <textarea
            id={id}
            rows={2}
            value={negativePrompt}
            placeholder="What to avoid, for example: blurry, low quality"
            aria-invalid={invalid}
            aria-describedby={describedBy}
            onChange={(event) => onChange({ negative_prompt: event.target.value })}
          />
        )}
      </Field>
    </>
  );
}
