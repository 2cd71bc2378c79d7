// `node_modules/.bin/tsx scripts/generateIcons.ts`: draws the app's icons (a sparkle on the accent gradient) into
// public/icons/ as PNGs through the app's own encoder, and the same drawing as public/favicon.svg, so the install
// icons and the favicon come from one geometry. Rerun it after changing the colours or the glyph.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RgbaImage } from '../src/engine/rgbaImage';
import { encodePng } from '../src/history/encodePng';

const PUBLIC = fileURLToPath(new URL('../public/', import.meta.url));

// From the app's --accent (src/ui/app.css) at the top-left to a deeper blue at the bottom-right.
const GRADIENT_FROM = [0x7c, 0x9c, 0xff] as const;
const GRADIENT_TO = [0x3b, 0x4f, 0xd8] as const;
const GLYPH = [0xff, 0xff, 0xff] as const;
/** Corner radius of the rounded square, as a fraction of the icon's size. */
const CORNER = 0.2;

/** A four-pointed sparkle: centre and reach (centre to tip), in fractions of the icon's size from its centre. */
interface Sparkle { x: number; y: number; reach: number }
const SPARKLES: Sparkle[] = [
  { x: -0.05, y: 0.05, reach: 0.28 },
  { x: 0.17, y: -0.17, reach: 0.1 },
];
/**
 * Maskable icons are cropped by the platform to any shape that contains the centred circle of 80% of the size
 * (https://w3c.github.io/manifest/#icon-masks); the glyph is shrunk to stay well inside it.
 */
const MASKABLE_GLYPH_SCALE = 0.85;
const SAFE_ZONE_RADIUS = 0.4;

/**
 * Inside the sparkle whose tips are at `reach` on the axes: sqrt|x| + sqrt|y| <= sqrt(reach). Each quarter of
 * that outline is a parabola, the quadratic Bézier from one tip to the next with its control point at the centre,
 * which is how favicon.svg draws it.
 */
function insideSparkle(x: number, y: number, s: Sparkle): boolean {
  return Math.sqrt(Math.abs(x - s.x)) + Math.sqrt(Math.abs(y - s.y)) <= Math.sqrt(s.reach);
}

/** Inside the square of side 1 centred on the origin with corners rounded to `radius` (`radius` 0: plain square). */
function insideRoundedSquare(x: number, y: number, radius: number): boolean {
  const dx = Math.max(Math.abs(x) - (0.5 - radius), 0);
  const dy = Math.max(Math.abs(y) - (0.5 - radius), 0);
  return Math.abs(x) <= 0.5 && Math.abs(y) <= 0.5 && dx * dx + dy * dy <= radius * radius;
}

interface IconStyle { maskable: boolean }

/** Colour (alpha 0..1) at a point given in fractions of the size from the centre. */
function shade(x: number, y: number, { maskable }: IconStyle): [number, number, number, number] {
  // Maskable icons must be opaque to the edge: the platform supplies the rounding.
  if (!insideRoundedSquare(x, y, maskable ? 0 : CORNER)) return [0, 0, 0, 0];
  const scale = maskable ? MASKABLE_GLYPH_SCALE : 1;
  if (SPARKLES.some((s) => insideSparkle(x / scale, y / scale, s))) {
    if (maskable && Math.hypot(x, y) > SAFE_ZONE_RADIUS) throw new Error('The glyph leaves the maskable safe zone.');
    return [...GLYPH, 1];
  }
  const t = Math.min(Math.max((x + y) / 2 + 0.5, 0), 1);
  const mix = (c: number) => GRADIENT_FROM[c] + (GRADIENT_TO[c] - GRADIENT_FROM[c]) * t;
  return [mix(0), mix(1), mix(2), 1];
}

/** Renders the icon at `size` pixels, anti-aliased by averaging 4x4 samples per pixel (colours weighted by alpha). */
function drawIcon(size: number, style: IconStyle): RgbaImage {
  const SAMPLES = 4;
  const data = new Uint8ClampedArray(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const [r, g, b, a] = shade((px + (sx + 0.5) / SAMPLES) / size - 0.5, (py + (sy + 0.5) / SAMPLES) / size - 0.5, style);
          sum[0] += r * a;
          sum[1] += g * a;
          sum[2] += b * a;
          sum[3] += a;
        }
      }
      const i = (py * size + px) * 4;
      const alpha = sum[3] / (SAMPLES * SAMPLES);
      for (let c = 0; c < 3; c++) data[i + c] = sum[3] > 0 ? Math.round(sum[c] / sum[3]) : 0;
      data[i + 3] = Math.round(alpha * 255);
    }
  }
  return { width: size, height: size, data };
}

const hex = (rgb: readonly number[]) => `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;

/** The same drawing on a 100-unit canvas: rounded square, gradient, one quadratic-Bézier path per sparkle. */
function faviconSvg(): string {
  const u = (value: number) => +value.toFixed(2);
  const sparklePath = ({ x, y, reach }: Sparkle) => {
    const [cx, cy, r] = [50 + x * 100, 50 + y * 100, reach * 100];
    const [top, right, bottom, left] = [u(cy - r), u(cx + r), u(cy + r), u(cx - r)];
    const c = `${u(cx)} ${u(cy)}`;
    return `M${u(cx)} ${top}Q${c} ${right} ${u(cy)}Q${c} ${u(cx)} ${bottom}Q${c} ${left} ${u(cy)}Q${c} ${u(cx)} ${top}Z`;
  };
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">',
    `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${hex(GRADIENT_FROM)}"/>` +
      `<stop offset="1" stop-color="${hex(GRADIENT_TO)}"/></linearGradient></defs>`,
    `<rect width="100" height="100" rx="${CORNER * 100}" fill="url(#g)"/>`,
    `<path fill="${hex(GLYPH)}" d="${SPARKLES.map(sparklePath).join('')}"/>`,
    '</svg>',
    '',
  ].join('\n');
}

const ICONS: Array<{ file: string; size: number; style: IconStyle }> = [
  { file: 'icons/icon-192.png', size: 192, style: { maskable: false } },
  { file: 'icons/icon-512.png', size: 512, style: { maskable: false } },
  { file: 'icons/icon-maskable-512.png', size: 512, style: { maskable: true } },
  // iOS rounds the corners itself and shows transparency as black: an opaque, full-bleed icon.
  { file: 'icons/apple-touch-icon-180.png', size: 180, style: { maskable: true } },
];

mkdirSync(`${PUBLIC}icons`, { recursive: true });
for (const { file, size, style } of ICONS) {
  const png = await encodePng(drawIcon(size, style));
  writeFileSync(`${PUBLIC}${file}`, new Uint8Array(await png.arrayBuffer()));
  console.log(`wrote public/${file} (${(png.size / 1024).toFixed(1)} KiB)`);
}
writeFileSync(`${PUBLIC}favicon.svg`, faviconSvg());
console.log('wrote public/favicon.svg');
