// Prediction ids in Replicate's shape: 26 lowercase base32 characters (128 random bits), unguessable, so an output
// file's URL can be handed out without the API token.
import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

export function newPredictionId(): string {
  const bytes = randomBytes(17);
  let bits = 0;
  let value = 0;
  let id = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && id.length < 26) {
      id += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return id;
}

export const isPredictionId = (text: string) => /^[a-z2-7]{26}$/.test(text);
