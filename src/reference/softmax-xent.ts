// CPU reference of the fused softmax–cross-entropy and of the accuracy count.

// logits: (b, c), labels: (b,) → per-example losses (b,)
// loss_i = logsumexp(z_i) − z_i[y_i]
export function softmaxCrossEntropy(logits: ArrayLike<number>, labels: ArrayLike<number>, b: number, c: number): Float64Array {
  const loss = new Float64Array(b);
  for (let i = 0; i < b; i++) {
    let m = -Infinity;
    for (let j = 0; j < c; j++) m = Math.max(m, logits[i * c + j]);
    let s = 0;
    for (let j = 0; j < c; j++) s += Math.exp(logits[i * c + j] - m);
    loss[i] = Math.log(s) + m - logits[i * c + labels[i]];
  }
  return loss;
}

// dLogits: (b, c) = (softmax(z) − onehot(y)) · dLoss, dLoss = 1/b for the batch mean
export function softmaxCrossEntropyBackward(logits: ArrayLike<number>, labels: ArrayLike<number>, b: number, c: number, dLoss = 1 / b): Float64Array {
  const d = new Float64Array(b * c);
  for (let i = 0; i < b; i++) {
    let m = -Infinity;
    for (let j = 0; j < c; j++) m = Math.max(m, logits[i * c + j]);
    let s = 0;
    for (let j = 0; j < c; j++) s += Math.exp(logits[i * c + j] - m);
    for (let j = 0; j < c; j++) d[i * c + j] = (Math.exp(logits[i * c + j] - m) / s - (j === labels[i] ? 1 : 0)) * dLoss;
  }
  return d;
}

/** d2l §sec_classification `accuracy`: argmax (first index on ties) == label; a row with NaN is wrong. */
export function accuracy(logits: ArrayLike<number>, labels: ArrayLike<number>, b: number, c: number, averaged = true): number {
  let correct = 0;
  for (let i = 0; i < b; i++) {
    let best = logits[i * c];
    let arg = 0;
    let nan = Number.isNaN(best);
    for (let j = 1; j < c; j++) {
      const v = logits[i * c + j];
      if (Number.isNaN(v)) nan = true;
      if (v > best) {
        best = v;
        arg = j;
      }
    }
    if (!nan && arg === labels[i]) correct++;
  }
  return averaged ? correct / b : correct;
}
