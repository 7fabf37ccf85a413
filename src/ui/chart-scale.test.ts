// The charts' y axes as numbers: accuracy on 0–100 % unless zoomed, a span around a constant series,
// tick labels that never repeat, and short exponent labels for huge or tiny losses.
import { describe, expect, it } from 'vitest';
import { axisRange, axisWidth, tickLabels } from './chart-scale';

describe('chart scales', () => {
  it('keeps accuracy on [0, 1]; zoomed, a constant series still gets a span inside [0, 1]', () => {
    expect(axisRange('acc', 0, 0, false)).toEqual([0, 1]);
    expect(axisRange('acc', 0, 0, true)).toEqual([0, 0.01]);
    expect(axisRange('acc', 0.8, 0.9, true)).toEqual([0.795, 0.905]);
    expect(axisRange('acc', 1, 1, true)).toEqual([0.9, 1]);
    expect(axisRange('loss', 0.5, 0.5, false)).toEqual([0.45, 0.55]);
    expect(axisRange('loss', 0, 0, false)).toEqual([0, 0.05]);
    expect(axisRange('loss', null, null, false)).toEqual([0, 1]);
  });

  it('labels ticks with as many decimals as their spacing needs', () => {
    expect(tickLabels('acc', [0.7, 0.725, 0.75, 0.775], 0.025)).toEqual(['70.0 %', '72.5 %', '75.0 %', '77.5 %']);
    expect(tickLabels('acc', [0, 0.25, 0.5, 0.75, 1], 0.25)).toEqual(['0 %', '25 %', '50 %', '75 %', '100 %']);
    expect(tickLabels('loss', [0.3, 0.35, 0.4], 0.05)).toEqual(['0.30', '0.35', '0.40']);
    expect(tickLabels('loss', [1, 2, 3], 1)).toEqual(['1', '2', '3']);
  });

  it('writes huge and tiny losses as short exponents, distinct', () => {
    const big = tickLabels('loss', [1e31, 1.5e31, 2e31, 2.5e31], 5e30);
    expect(big).toEqual(['1.0e31', '1.5e31', '2.0e31', '2.5e31']);
    expect(tickLabels('loss', [0, 2e-4, 4e-4], 2e-4)).toEqual(['0', '2e-4', '4e-4']);
    expect(axisWidth(big)).toBeGreaterThanOrEqual(6 * 7);
  });
});
