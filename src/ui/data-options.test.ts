// The drop zone's option fields parse strictly into the loader's options.
import { describe, expect, it } from 'vitest';
import { emptyDataOptions, parseDataOptions } from './data-options';

const parse = (patch: Partial<typeof emptyDataOptions>) => parseDataOptions({ ...emptyDataOptions, ...patch });

describe('parseDataOptions', () => {
  it('leaves everything to the loader when empty', () => {
    expect(parse({})).toEqual({ ok: true, options: {} });
  });

  it('reads the label column as a 0-based index when it is digits, else as a header name', () => {
    expect(parse({ labelColumn: ' 3 ' })).toEqual({ ok: true, options: { labelColumn: 3 } });
    expect(parse({ labelColumn: 'species' })).toEqual({ ok: true, options: { labelColumn: 'species' } });
  });

  it('reads the image size as one side or height×width, and refuses anything else', () => {
    expect(parse({ imageSize: '28' })).toEqual({ ok: true, options: { imageSize: 28 } });
    expect(parse({ imageSize: '32x48' })).toEqual({ ok: true, options: { imageSize: [32, 48] } });
    expect(parse({ imageSize: '32 × 48', channels: 'rgb' })).toEqual({ ok: true, options: { imageSize: [32, 48], channels: 'rgb' } });
    for (const bad of ['0', '28px', '2000', '1e2', '-4', '28x']) expect(parse({ imageSize: bad }).ok, bad).toBe(false);
  });
});
