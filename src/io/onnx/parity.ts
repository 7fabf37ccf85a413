// How close an ONNX runtime's logits are to the lab's: the largest difference, whether each is within
// atol 1e-4 + rtol 1e-4·|lab| (f32 graph vs the f64 reference), and how many rows' argmax agree
// (first index wins ties, as in the lab's accuracy kernel).

export const PARITY_ATOL = 1e-4;
export const PARITY_RTOL = 1e-4;

export interface Parity {
  rows: number;
  maxAbsDiff: number;
  argmaxAgree: number;
  withinTolerance: boolean;
  /** The first logit outside the tolerance, as "row r, class c: onnx vs lab". */
  firstOutside?: string;
}

function argmax(a: ArrayLike<number>, row: number, classes: number): number {
  let best = 0;
  for (let c = 1; c < classes; c++) if (a[row * classes + c] > a[row * classes + best]) best = c;
  return best;
}

export function compareLogits(onnx: ArrayLike<number>, lab: ArrayLike<number>, rows: number, classes: number): Parity {
  if (onnx.length !== rows * classes || lab.length !== rows * classes) {
    throw new Error(`logits of ${onnx.length} and ${lab.length} values for ${rows} rows of ${classes} classes`);
  }
  let maxAbsDiff = 0;
  let firstOutside: string | undefined;
  for (let i = 0; i < lab.length; i++) {
    const d = Math.abs(onnx[i] - lab[i]);
    maxAbsDiff = Number.isNaN(d) ? Infinity : Math.max(maxAbsDiff, d);
    if (!(d <= PARITY_ATOL + PARITY_RTOL * Math.abs(lab[i])) && firstOutside === undefined) {
      firstOutside = `row ${Math.floor(i / classes)}, class ${i % classes}: ${onnx[i]} vs ${lab[i]}`;
    }
  }
  let argmaxAgree = 0;
  for (let r = 0; r < rows; r++) if (argmax(onnx, r, classes) === argmax(lab, r, classes)) argmaxAgree++;
  return { rows, maxAbsDiff, argmaxAgree, withinTolerance: firstOutside === undefined, firstOutside };
}
