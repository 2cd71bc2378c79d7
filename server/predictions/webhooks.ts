// Sends each prediction's webhooks as Replicate does, never holding up the job: the prediction JSON POSTed for the
// events in its `webhook_events_filter` (start, output, logs, completed), output and logs at most once per 500 ms,
// one delivery at a time per prediction (so `completed` comes last), retried with backoff on network errors, 429
// and 5xx, no redirects followed, signed the Standard Webhooks way (webhook-id, webhook-timestamp, webhook-signature).
import { createHmac, randomBytes } from 'node:crypto';
import type { ServerLimits } from '../serverOptions';
import { toWire } from './predictionRecord';
import type { WebhookEvent } from './predictionRequest';
import type { PredictionStore, StoredPrediction } from './PredictionStore';

interface Delivery {
  /** The chain of deliveries for one prediction: each waits for the one before. */
  chain: Promise<void>;
  lastThrottledAt: number;
  /** A throttled output/logs delivery waiting for the end of its window. */
  trailing?: NodeJS.Timeout;
}

export type WebhookLimits = Pick<ServerLimits, 'webhookTimeoutMs' | 'webhookAttempts' | 'webhookRetryMs' | 'webhookThrottleMs'>;

/** A fresh Standard Webhooks secret: "whsec_" and 24 random bytes in base64. */
export const newWebhookSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

/** The `webhook-signature` value: HMAC-SHA256 over "id.timestamp.body" keyed with the secret's base64 bytes. */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.split('_').pop()!, 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

export class WebhookNotifier {
  private readonly deliveries = new Map<string, Delivery>();
  private readonly stopped = new AbortController();
  private readonly unsubscribe: () => void;

  constructor(
    store: PredictionStore,
    private readonly secret: string,
    private readonly limits: WebhookLimits,
    private readonly log: (message: string) => void,
  ) {
    this.unsubscribe = store.subscribe((entry, events) => this.onChange(entry, events));
  }

  private onChange(entry: StoredPrediction, events: readonly WebhookEvent[]): void {
    const target = entry.webhook;
    if (!target) return;
    const id = entry.record.id;
    const wanted = events.filter((event) => target.events.has(event));
    const final = events.includes('completed');
    let delivery = this.deliveries.get(id);
    if (!delivery) {
      if (wanted.length === 0) return;
      this.deliveries.set(id, (delivery = { chain: Promise.resolve(), lastThrottledAt: -Infinity }));
    }
    const pending = delivery.trailing !== undefined;
    clearTimeout(delivery.trailing);
    delivery.trailing = undefined;
    if (final || wanted.includes('start')) {
      // start and completed are never throttled; the last change goes out now, whatever it was.
      if (wanted.length > 0 || pending) this.enqueue(entry, delivery);
      if (final) void delivery.chain.then(() => this.deliveries.delete(id));
    } else if (wanted.length > 0 || pending) {
      // output and logs: at most one per throttle window; the last change in a window goes at the window's end.
      const wait = delivery.lastThrottledAt + this.limits.webhookThrottleMs - performance.now();
      const send = (d: Delivery) => {
        d.trailing = undefined;
        d.lastThrottledAt = performance.now();
        this.enqueue(entry, d);
      };
      if (wait <= 0) send(delivery);
      else delivery.trailing = setTimeout(send, wait, delivery);
    }
  }

  /** The body is taken now (the prediction as it is at this event), then sent after the deliveries before it. */
  private enqueue(entry: StoredPrediction, delivery: Delivery): void {
    const body = JSON.stringify(toWire(entry.record, entry.origin));
    const url = entry.webhook!.url;
    const id = entry.record.id;
    delivery.chain = delivery.chain.then(() => this.deliver(url, body, id));
  }

  private async deliver(url: string, body: string, predictionId: string): Promise<void> {
    const messageId = `msg_${randomBytes(12).toString('hex')}`;
    const where = new URL(url).origin; // the path or query may carry a secret: log the origin only
    for (let attempt = 1; attempt <= this.limits.webhookAttempts && !this.stopped.signal.aborted; attempt++) {
      const timestamp = Math.floor(Date.now() / 1000);
      let retry: boolean;
      try {
        const response = await fetch(url, {
          method: 'POST',
          body,
          redirect: 'manual',
          signal: AbortSignal.any([this.stopped.signal, AbortSignal.timeout(this.limits.webhookTimeoutMs)]),
          headers: {
            'content-type': 'application/json',
            'user-agent': 'sd-studio-server',
            'webhook-id': messageId,
            'webhook-timestamp': String(timestamp),
            'webhook-signature': signWebhook(this.secret, messageId, timestamp, body),
          },
        });
        await response.body?.cancel();
        if (response.ok) return;
        retry = response.status === 429 || response.status >= 500;
        this.log(`webhook for ${predictionId} to ${where}: answered ${response.status}${retry ? '' : ', not retried'}`);
      } catch (error) {
        retry = true;
        this.log(`webhook for ${predictionId} to ${where}: ${(error as Error).message}`);
      }
      if (!retry) return;
      if (attempt < this.limits.webhookAttempts) await sleep(this.limits.webhookRetryMs * 2 ** (attempt - 1), this.stopped.signal);
    }
  }

  close(): void {
    this.unsubscribe();
    this.stopped.abort();
    for (const delivery of this.deliveries.values()) clearTimeout(delivery.trailing);
  }
}
