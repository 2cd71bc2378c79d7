// The prompt and negative prompt, one pair for every mode. The placeholders read as hints, never as a prompt.
import { Field } from './Field';

interface PromptFieldsProps {
  prompt: string;
  negativePrompt: string;
  onChange(patch: { prompt?: string; negative_prompt?: string }): void;
  errors: Partial<Record<string, string>>;
}

export function PromptFields({ prompt, negativePrompt, onChange, errors }: PromptFieldsProps) {
  return (
    <>
      <Field label="Prompt" error={errors.prompt}>
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
