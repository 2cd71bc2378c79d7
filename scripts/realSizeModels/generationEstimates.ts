// Seconds a whole text-to-image job would take on the measured machine, from measured per-evaluation times: SD-Turbo
// (1 step, no guidance) and SD 1.5 (25 steps with classifier-free guidance = 2 UNet evaluations per step), each with
// the full VAE decoder and with TAESD. SD-Turbo's graphs are priced from the SD 1.5 measurements scaled by FLOPs.

export interface MeasuredSeconds {
  textEncoder: number;
  unet: number;
  vaeDecoder: number;
  taesdDecoder: number;
}

export interface FlopRatios {
  /** SD-Turbo UNet FLOPs / SD 1.5 UNet FLOPs at 512² (linear projections, 1024-wide context: ≈ 1.001). */
  turboUnet: number;
  /** OpenCLIP ViT-H/14 (23 x 1024) FLOPs / CLIP ViT-L/14 (12 x 768) FLOPs (≈ 3.4). */
  turboTextEncoder: number;
}

export interface GenerationEstimate {
  job: string;
  unetEvaluations: number;
  decoder: 'vae_decoder' | 'taesd_decoder';
  seconds: number;
  /** Share of the time spent in the decoder. */
  decoderShare: number;
}

export function estimateGenerations(measured: MeasuredSeconds, ratios: FlopRatios): GenerationEstimate[] {
  const jobs = [
    // SD-Turbo: one prompt encoding, one UNet evaluation at t = 999.
    { job: 'SD-Turbo 1 step 512²', text: measured.textEncoder * ratios.turboTextEncoder, unets: 1, unet: measured.unet * ratios.turboUnet },
    // SD 1.5: prompt and empty prompt encoded, then 25 steps x (conditional + unconditional) evaluations.
    { job: 'SD 1.5 25 steps 512², guidance', text: 2 * measured.textEncoder, unets: 50, unet: measured.unet },
  ];
  const decoders = [
    ['vae_decoder', measured.vaeDecoder],
    ['taesd_decoder', measured.taesdDecoder],
  ] as const;
  return jobs.flatMap(({ job, text, unets, unet }) =>
    decoders.map(([decoder, decode]) => {
      const seconds = text + unets * unet + decode;
      return { job, unetEvaluations: unets, decoder, seconds, decoderShare: decode / seconds };
    }),
  );
}
