// Small SVG plots for the calibration view (bars over [0, 1], lines over epochs): plain lit `svg`
// templates with axes in the lab's colours, sized by a viewBox so they scale with their card.
import { svg, type SVGTemplateResult } from 'lit';

export const W = 300;
export const H = 180;
const L = 34;
const R = 8;
const T = 8;
const B = 24;
const x = (f: number) => L + f * (W - L - R);
const y = (f: number) => H - B - f * (H - T - B);

/** Axes with ticks at 0, 0.5, 1 on y and the given x ticks (fractions of the width with labels). */
export function axes(xTicks: [number, string][], yLabel: (f: number) => string): SVGTemplateResult {
  return svg`
    <g class="axes" stroke="var(--lab-border)" fill="var(--lab-muted)" font-size="9">
      <line x1=${x(0)} y1=${y(0)} x2=${x(1)} y2=${y(0)} />
      <line x1=${x(0)} y1=${y(0)} x2=${x(0)} y2=${y(1)} />
      ${[0, 0.5, 1].map((f) => svg`<text x=${L - 4} y=${y(f) + 3} text-anchor="end" stroke="none">${yLabel(f)}</text>`)}
      ${xTicks.map(([f, label]) => svg`<text x=${x(f)} y=${H - 8} text-anchor="middle" stroke="none">${label}</text>`)}
    </g>`;
}

/** Bars over [0, 1] in `n` equal bins with heights in [0, 1]; NaN heights are left out. */
export function bars(heights: readonly number[], color: string, opacity = 0.85): SVGTemplateResult {
  const n = heights.length;
  return svg`${heights.map((h, i) =>
    Number.isFinite(h) ? svg`<rect x=${x(i / n) + 0.5} y=${y(h)} width=${Math.max(0, x(1 / n) - x(0) - 1)} height=${y(0) - y(h)} fill=${color} fill-opacity=${opacity} />` : svg``,
  )}`;
}

/** The diagonal of perfect calibration. */
export const diagonal = (): SVGTemplateResult => svg`<line x1=${x(0)} y1=${y(0)} x2=${x(1)} y2=${y(1)} stroke="var(--lab-muted)" stroke-dasharray="3 3" />`;

/** A polyline through (i / (n − 1), v_i) with dots; one point sits in the middle. */
export function line(values: readonly number[], color: string): SVGTemplateResult {
  const n = values.length;
  const px = (i: number) => x(n === 1 ? 0.5 : i / (n - 1));
  const pts = values.map((v, i) => `${px(i)},${y(v)}`).join(' ');
  return svg`<polyline points=${pts} fill="none" stroke=${color} stroke-width="1.8" />
    ${values.map((v, i) => svg`<circle cx=${px(i)} cy=${y(v)} r="2.4" fill=${color} />`)}`;
}
