// Fused validation statistics, one invocation per row of logits: argmax → compare with the label →
// count, and in the same pass the confusion matrix, the confidence bins and (optionally) each row's
// top-3 classes and probabilities. Every count is an integer atomic, so any order gives the same totals.
//
// Semantics (mirrored by src/reference/validation-stats.ts; the Wasm backend keeps the same):
// - argmax: the first index wins ties (NumPy/JAX). ±Inf are ordinary values.
// - A row holding a NaN is `invalid`: it counts as wrong, it is in no cell of the matrix and in no bin.
//   NaN is found from the bits, since `x != x` is folded to false by some compilers (SwiftShader).
// - correct = the matrix's trace: a valid row whose argmax equals its label.
// - Probabilities: p_j = e^(d_j) / Σ_k e^(d_k), d_j = z_j − max z (0 where z_j equals the max, so a row
//   with +Inf gives that class 1), clamped below at −88 so that e^d stays a number.
// - Confidence = p of the argmax. Bin b of CalibrationBins holds confidences in [b/15, (b+1)/15), the last
//   also 1. Confidence and true-class probability sums are fixed point (× 2^24), 64 bits as (lo, hi).
//
// counts layout (u32 words, C = classes; src/gpu/accuracy.ts countsLayout() is the TypeScript twin):
//   [0] correct   [1] invalid   [2, 2 + C²) confusion, row = true class, column = predicted class
//   then CalibrationBins × (rows, correct, confidence sum lo, hi), then the true-class probability sum
//   (lo, hi), then ProbabilityBins counts of the true-class probability.

const CalibrationBins: u32 = 15u;
const ProbabilityBins: u32 = 20u;
const FixedOne: f32 = 16777216.0; // 2^24
const NoClass: u32 = 0xffffffffu;
const OutcomeWords: u32 = 8u;

struct Params {
  rows: u32,     // examples in this batch
  classes: u32,  // real classes
  stride: u32,   // row stride of logits in floats
  outcomes: u32, // 1: write each row's outcome at outcomes[(batch_start + row) * 8]
}

override WorkgroupSize: u32 = 64;

@group(0) @binding(0) var<uniform> params: Params;
// logits: (rows, stride) row-major f32
@group(0) @binding(1) var<storage, read> logits: array<f32>;
// labels: (rows,) u32 in [0, classes)
@group(0) @binding(2) var<storage, read> labels: array<u32>;
// counts: the layout above, added to (the host zeroes it once per validation pass)
@group(0) @binding(3) var<storage, read_write> counts: array<atomic<u32>>;
// outcomes: (split rows, 8) u32: top-1..3 class (NoClass where absent or the row is invalid), label,
// then p of top-1..3 and p of the label as f32 bits; a row of the whole split, at batch_start + row
@group(0) @binding(4) var<storage, read_write> outcomes: array<u32>;
@group(1) @binding(0) var<uniform> step: Step;

fn is_nan(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}

// Adds a fixed-point value to the 64-bit sum at counts[at] (lo), counts[at + 1] (hi): a carry out of
// the low word (the old value plus v wrapped past 2^32) goes to the high word.
fn add_fixed(at: u32, p: f32) {
  let v = u32(p * FixedOne + 0.5);
  let old = atomicAdd(&counts[at], v);
  if (old + v < old) { atomicAdd(&counts[at + 1u], 1u); }
}

fn bin_of(p: f32, bins: u32) -> u32 {
  return min(bins - 1u, u32(p * f32(bins)));
}

fn shifted(z: f32, m: f32) -> f32 {
  return select(max(z - m, -88.0), 0.0, z == m);
}

@compute @workgroup_size(WorkgroupSize)
fn accuracy(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let b = linear_index(gid, nwg, WorkgroupSize);
  if (b >= params.rows) { return; }
  let base = b * params.stride;
  let label = labels[b];
  // Top-3 by strict >, scanning upwards: on a tie the earlier index stays ahead.
  var top = array<u32, 3>(0u, NoClass, NoClass);
  var val = array<f32, 3>(logits[base], 0.0, 0.0);
  var nan = is_nan(val[0]);
  for (var j = 1u; j < params.classes; j++) {
    let v = logits[base + j];
    nan = nan || is_nan(v);
    if (v > val[0]) {
      top[2] = top[1]; val[2] = val[1]; top[1] = top[0]; val[1] = val[0]; top[0] = j; val[0] = v;
    } else if (top[1] == NoClass || v > val[1]) {
      top[2] = top[1]; val[2] = val[1]; top[1] = j; val[1] = v;
    } else if (top[2] == NoClass || v > val[2]) {
      top[2] = j; val[2] = v;
    }
  }
  let out = (step.batch_start + b) * OutcomeWords;
  if (nan) {
    atomicAdd(&counts[1], 1u);
    if (params.outcomes == 1u) {
      for (var k = 0u; k < OutcomeWords; k++) { outcomes[out + k] = 0u; }
      outcomes[out] = NoClass; outcomes[out + 1u] = NoClass; outcomes[out + 2u] = NoClass; outcomes[out + 3u] = label;
    }
    return;
  }
  let m = val[0];
  var s = 0.0;
  for (var j = 0u; j < params.classes; j++) { s += exp(shifted(logits[base + j], m)); }
  let p1 = 1.0 / s;
  let p_true = exp(shifted(logits[base + min(label, params.classes - 1u)], m)) / s;
  let pred = top[0];
  if (pred == label) { atomicAdd(&counts[0], 1u); }
  atomicAdd(&counts[2u + label * params.classes + pred], 1u);
  let cal = 2u + params.classes * params.classes;
  let bin = bin_of(p1, CalibrationBins);
  atomicAdd(&counts[cal + bin], 1u);
  if (pred == label) { atomicAdd(&counts[cal + CalibrationBins + bin], 1u); }
  add_fixed(cal + 2u * CalibrationBins + 2u * bin, p1);
  let truth = cal + 4u * CalibrationBins;
  add_fixed(truth, p_true);
  atomicAdd(&counts[truth + 2u + bin_of(p_true, ProbabilityBins)], 1u);
  if (params.outcomes == 1u) {
    outcomes[out] = top[0]; outcomes[out + 1u] = top[1]; outcomes[out + 2u] = top[2]; outcomes[out + 3u] = label;
    for (var k = 0u; k < 3u; k++) {
      var p = 0.0;
      if (top[k] != NoClass) { p = exp(shifted(val[k], m)) / s; }
      outcomes[out + 4u + k] = bitcast<u32>(p);
    }
    outcomes[out + 7u] = bitcast<u32>(p_true);
  }
}

// correct: one count per training step, at step.slot (the host zeroes a range's slots before it runs)
@group(0) @binding(7) var<storage, read_write> correct: array<atomic<u32>>;

// Train accuracy beside the loss sums: the training step's argmax compared with the label, counted at
// the step's slot. The same argmax as `accuracy` (strict > scanning upwards: the first index wins ties;
// a row holding a NaN is wrong), without the matrix, bins or outcomes; it only reads the logits, so the
// loss and the gradients are untouched.
@compute @workgroup_size(WorkgroupSize)
fn count_correct(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let b = linear_index(gid, nwg, WorkgroupSize);
  if (b >= params.rows) { return; }
  let base = b * params.stride;
  var best = 0u;
  var m = logits[base];
  var nan = is_nan(m);
  for (var j = 1u; j < params.classes; j++) {
    let v = logits[base + j];
    nan = nan || is_nan(v);
    if (v > m) { m = v; best = j; }
  }
  if (!nan && best == labels[b]) { atomicAdd(&correct[step.slot], 1u); }
}

struct Selection {
  rows: u32,      // rows of the split the outcomes hold
  true_class: u32,
  pred_class: u32, // NoClass selects the invalid rows
  flags: u32,     // 1: match true_class; 2: match pred_class; 4: wrong answers only (valid, top-1 ≠ label)
}

@group(0) @binding(5) var<uniform> selection: Selection;
// selected: [0] matches, then (row, confidence bits) pairs in no particular order (the host sorts);
// matches beyond the buffer are counted, not written
@group(0) @binding(6) var<storage, read_write> selected: array<atomic<u32>>;

// Compacts the rows whose outcome matches the selection: a cell of the matrix, or every mistake.
@compute @workgroup_size(WorkgroupSize)
fn select_outcomes(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WorkgroupSize);
  if (i >= selection.rows) { return; }
  let o = i * OutcomeWords;
  let pred = outcomes[o];
  let label = outcomes[o + 3u];
  var hit = true;
  if ((selection.flags & 1u) != 0u) { hit = hit && label == selection.true_class; }
  if ((selection.flags & 2u) != 0u) { hit = hit && pred == selection.pred_class; }
  if ((selection.flags & 4u) != 0u) { hit = hit && pred != NoClass && pred != label; }
  if (!hit) { return; }
  let k = atomicAdd(&selected[0], 1u);
  // Past the buffer's end a write would be clamped onto its last word: count the match, write nothing.
  if (2u + 2u * k >= arrayLength(&selected)) { return; }
  atomicStore(&selected[1u + 2u * k], i);
  atomicStore(&selected[2u + 2u * k], outcomes[o + 4u]);
}
