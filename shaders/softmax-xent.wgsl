// Fused softmax–cross-entropy over a batch of logits, one invocation per example.
//   loss_b   = logsumexp(z_b) − z_b[y_b]                     (max-shifted: stable for |z| ≫ 80)
//   dlogits  = (softmax(z_b) − onehot(y_b)) / B               (the gradient of the batch mean)
// Per-example losses are summed in workgroup memory by a fixed tree and written as one partial per
// workgroup; reduce_partials then adds the partials in index order. No float atomics anywhere, so the
// same inputs give the same bits on every run.

struct Params {
  rows: u32,     // B: examples in this batch
  classes: u32,  // C: real classes
  stride: u32,   // row stride of logits/dlogits in floats (C padded to a multiple of 4)
  partials: u32, // number of partial sums reduce_partials adds
}

struct Step {
  step: u32,        // global step (optimizer, dropout)
  batch_start: u32, // offset of this batch in the epoch's permutation
  slot: u32,        // where reduce_partials writes this batch's loss sum
  lr: f32,
}

override WorkgroupSize: u32 = 64;

@group(0) @binding(0) var<uniform> params: Params;
// logits: (B, stride) row-major f32
@group(0) @binding(1) var<storage, read> logits: array<f32>;
// labels: (B,) u32 in [0, C)
@group(0) @binding(2) var<storage, read> labels: array<u32>;
// dlogits: (B, stride) row-major f32; padding columns are written as 0
@group(0) @binding(3) var<storage, read_write> dlogits: array<f32>;
// partials: (ceil(B / WorkgroupSize),) per-workgroup loss sums
@group(0) @binding(4) var<storage, read_write> partials: array<f32>;
// losses: one loss sum per slot (steps of an epoch, or validation batches)
@group(0) @binding(5) var<storage, read_write> losses: array<f32>;
@group(1) @binding(0) var<uniform> step: Step;

var<workgroup> sums: array<f32, WorkgroupSize>;

fn row_loss(base: u32, label: u32) -> vec2f {
  var m = logits[base];
  for (var j = 1u; j < params.classes; j++) { m = max(m, logits[base + j]); }
  var s = 0.0;
  for (var j = 0u; j < params.classes; j++) { s += exp(logits[base + j] - m); }
  // x: the loss, y: log of the normaliser (so softmax_j = exp(z_j − m − log s))
  return vec2f(log(s) + m - logits[base + min(label, params.classes - 1u)], m + log(s));
}

// Fixed-order tree sum of `sums`; the result lands in sums[0].
fn reduce_workgroup(lid: u32) {
  for (var width = WorkgroupSize / 2u; width > 0u; width /= 2u) {
    workgroupBarrier();
    if (lid < width) { sums[lid] += sums[lid + width]; }
  }
  workgroupBarrier();
}

@compute @workgroup_size(WorkgroupSize)
fn softmax_xent(@builtin(global_invocation_id) gid: vec3u, @builtin(local_invocation_index) lid: u32,
                @builtin(workgroup_id) wid: vec3u) {
  let b = gid.x;
  var loss = 0.0;
  if (b < params.rows) {
    let base = b * params.stride;
    let label = labels[b];
    let l = row_loss(base, label);
    loss = l.x;
    let inv_b = 1.0 / f32(params.rows);
    for (var j = 0u; j < params.stride; j++) {
      var g = 0.0;
      if (j < params.classes) {
        g = exp(logits[base + j] - l.y);
        if (j == label) { g -= 1.0; }
      }
      dlogits[base + j] = g * inv_b;
    }
  }
  sums[lid] = loss;
  reduce_workgroup(lid);
  if (lid == 0u) { partials[wid.x] = sums[0]; }
}

// Validation: the loss sum only, no gradient.
@compute @workgroup_size(WorkgroupSize)
fn xent_loss(@builtin(global_invocation_id) gid: vec3u, @builtin(local_invocation_index) lid: u32,
             @builtin(workgroup_id) wid: vec3u) {
  let b = gid.x;
  var loss = 0.0;
  if (b < params.rows) { loss = row_loss(b * params.stride, labels[b]).x; }
  sums[lid] = loss;
  reduce_workgroup(lid);
  if (lid == 0u) { partials[wid.x] = sums[0]; }
}

// One invocation adds the partials in index order: losses[slot] = Σ partials.
@compute @workgroup_size(1)
fn reduce_partials() {
  var s = 0.0;
  for (var i = 0u; i < params.partials; i++) { s += partials[i]; }
  losses[step.slot] = s;
}
