// Generates the register-blocked matmul entry points of shaders/matmul.wgsl (one block per invocation)
// and shaders/matmul-subgroup.wgsl (one block per subgroup of 4, sharing loads by broadcast). WGSL sizes
// function-scope arrays only by constants and SwiftShader does not unroll loops over them, so each block
// shape is written out as its own entry point (≈1.5× faster than an array-and-loop version, measured here).
// Usage: node scripts/gen-matmul.mjs [--check]  (--check fails when a committed file is stale)
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const shaderPath = (name) => fileURLToPath(new URL(`../shaders/${name}`, import.meta.url));
const template = shaderPath('matmul.template.wgsl');

/** Block shapes: rows per invocation × vec4 columns per invocation. */
export const blocks = [
  [4, 1], [4, 2], [4, 4],
  [8, 1], [8, 2], [8, 4],
  [16, 1], [16, 2],
];

const range = (n) => Array.from({ length: n }, (_, i) => i);
const lines = (n, f) => range(n).map(f).join('\n');

function prologue(rm, cn) {
  return `  let t = gid.x + gid.y * nwg.x * WorkgroupSize;
  let colTiles = (params.cols4 + ${cn - 1}u) / ${cn}u;
  let r0 = (t / colTiles) * ${rm}u;
  let c0 = (t % colTiles) * ${cn}u;
  if (r0 >= params.rows) { return; }
  let cl = params.cols4 - 1u;
${lines(cn, (j) => `  let cb${j} = min(c0 + ${j}u, cl);`)}
${lines(rm * cn, (i) => `  var acc${i} = vec4f(0.0);`)}`;
}

function epilogue(rm, cn) {
  return lines(rm, (r) => lines(cn, (j) => `  store(r0 + ${r}u, c0 + ${j}u, acc${r * cn + j});`));
}

/** C[M, N] = A[M, K] · B[K, N]: inner = K/4, each step reads one vec4 of A per row and 4 rows of B. */
function nn(rm, cn) {
  return `@compute @workgroup_size(WorkgroupSize)
fn matmul_nn_${rm}x${cn * 4}(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
${prologue(rm, cn)}
  let rl = params.rows - 1u;
${lines(rm, (r) => `  let ra${r} = min(r0 + ${r}u, rl) * params.inner;`)}
  for (var k = 0u; k < params.inner; k++) {
    let kb = 4u * k * params.cols4;
${lines(cn, (j) => lines(4, (q) => `    let b${q}_${j} = b[kb + ${q}u * params.cols4 + cb${j}];`))}
${lines(rm, (r) => `    let a${r} = a[ra${r} + k];\n` + lines(cn, (j) => `    acc${r * cn + j} += a${r}.x * b0_${j} + a${r}.y * b1_${j} + a${r}.z * b2_${j} + a${r}.w * b3_${j};`))}
  }
${epilogue(rm, cn)}
}`;
}

/** C[P, Q] = A[R, P]ᵀ · B[R, Q]: inner = R, each step reads rm/4 vec4s of A's row r and cn vec4s of B's. */
function tn(rm, cn) {
  const groups = rm / 4;
  return `@compute @workgroup_size(WorkgroupSize)
fn matmul_tn_${rm}x${cn * 4}(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
${prologue(rm, cn)}
  let p4 = params.rows / 4u;
${lines(groups, (g) => `  let pa${g} = min(r0 / 4u + ${g}u, p4 - 1u);`)}
${biasSums(cn)}
  for (var k = 0u; k < params.inner; k++) {
${lines(groups, (g) => `    let a${g} = a[k * p4 + pa${g}];`)}
${lines(cn, (j) => `    let b${j} = b[k * params.cols4 + cb${j}];`)}
${lines(rm, (r) => lines(cn, (j) => `    acc${r * cn + j} += a${Math.floor(r / 4)}.${'xyzw'[r % 4]} * b${j};`))}
${biasAdd(cn, [''])}
  }
${epilogue(rm, cn)}
${biasStore(cn, (j) => `c0 + ${j}u`)}
}`;
}

// Epilogue 6 (tn): column sums of B accumulate beside the product, row by row in order (a sequential
// f32 sum: the same bits in every variant), and the first row tile stores them.
const biasSums = (cn) => lines(cn, (j) => `  var bs${j} = vec4f(0.0);`);
const biasAdd = (cn, us) => `    if (Epilogue == 6u) {\n${lines(cn, (j) => `      bs${j} = bs${j}${us.map((u) => ` + b${j}${u}`).join('')};`)}\n    }`;
const biasStore = (cn, col) => `  if (Epilogue == 6u && r0 == 0u) {\n${lines(cn, (j) => `    store_bias_grad(${col(j)}, bs${j});`)}\n  }`;

/** C[M, P] = A[M, Q] · B[P, Q]ᵀ: inner = Q/4, each step reads one vec4 of A per row and of 4 rows of B per column group. */
function nt(rm, cn) {
  return `@compute @workgroup_size(WorkgroupSize)
fn matmul_nt_${rm}x${cn * 4}(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
${prologue(rm, cn)}
  let rl = params.rows - 1u;
  let pl = params.cols4 * 4u - 1u;
${lines(rm, (r) => `  let ra${r} = min(r0 + ${r}u, rl) * params.inner;`)}
${lines(cn, (j) => lines(4, (q) => `  let pb${q}_${j} = min(4u * (c0 + ${j}u) + ${q}u, pl) * params.inner;`))}
  for (var k = 0u; k < params.inner; k++) {
${lines(cn, (j) => lines(4, (q) => `    let b${q}_${j} = b[pb${q}_${j} + k];`))}
${lines(rm, (r) => `    let a${r} = a[ra${r} + k];\n` + lines(cn, (j) => `    acc${r * cn + j} += vec4f(dot(a${r}, b0_${j}), dot(a${r}, b1_${j}), dot(a${r}, b2_${j}), dot(a${r}, b3_${j}));`))}
  }
${epilogue(rm, cn)}
}`;
}

/**
 * Subgroup blocks: subgroup tile rows × lanes·cols4 vec4 columns. The four lanes of a subgroup share the
 * tile's rows and own interleaved vec4 columns (lane + 4j). The operand the lanes share (A, along the
 * rows) is loaded once, a quarter by each lane, and handed round with subgroupBroadcast: on SwiftShader,
 * where every load is a per-lane gather, this halves the loads per multiply-add of the thread blocks.
 * Assumes subgroups of exactly 4 (the wrapper only offers these where the adapter says so).
 */
export const subgroupBlocks = [
  [8, 1], [8, 2], [16, 1], [16, 2], [32, 1],
];

const lanes = 4;

function sgPrologue(rm, cn) {
  return `  let g = (wid.x + wid.y * nwg.x) * nsg + sid;
  let colTiles = (params.cols4 + ${lanes * cn - 1}u) / ${lanes * cn}u;
  let r0 = (g / colTiles) * ${rm}u;
  let c0 = (g % colTiles) * ${lanes * cn}u + lane;
  if (r0 >= params.rows) { return; }
  let cl = params.cols4 - 1u;
${lines(cn, (j) => `  let cb${j} = min(c0 + ${lanes * j}u, cl);`)}
${lines(rm * cn, (i) => `  var acc${i} = vec4f(0.0);`)}`;
}

function sgEpilogue(rm, cn) {
  return lines(rm, (r) => lines(cn, (j) => `  store(r0 + ${r}u, c0 + ${lanes * j}u, acc${r * cn + j});`));
}

/** An entry point run by subgroups: its workgroup, subgroup and lane builtins (the matmul's and the conv's). */
const subgroupSignature = (name) => `@compute @workgroup_size(WorkgroupSize)
fn ${name}(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(subgroup_id) sid: u32,
    @builtin(num_subgroups) nsg: u32, @builtin(subgroup_invocation_id) lane: u32) {`;
const sgSignature = (layout, rm, cn) => subgroupSignature(`matmul_${layout}_sg${rm}x${lanes * cn * 4}`);

/** nn: lane l loads rows r0 + 4i + l of A; row r's vec4 comes from lane r % 4. */
function sgNN(rm, cn) {
  return `${sgSignature('nn', rm, cn)}
${sgPrologue(rm, cn)}
  let rl = params.rows - 1u;
${lines(rm / lanes, (i) => `  let ra${i} = min(r0 + ${lanes * i}u + lane, rl) * params.inner;`)}
  for (var k = 0u; k < params.inner; k++) {
    let kb = 4u * k * params.cols4;
${lines(cn, (j) => lines(4, (q) => `    let b${q}_${j} = b[kb + ${q}u * params.cols4 + cb${j}];`))}
${lines(rm / lanes, (i) => `    let own${i} = a[ra${i} + k];`)}
${lines(rm, (r) => `    let a${r} = subgroupBroadcast(own${Math.floor(r / lanes)}, ${r % lanes}u);\n` + lines(cn, (j) => `    acc${r * cn + j} += a${r}.x * b0_${j} + a${r}.y * b1_${j} + a${r}.z * b2_${j} + a${r}.w * b3_${j};`))}
  }
${sgEpilogue(rm, cn)}
}`;
}

/**
 * tn: the tile's rm/4 vec4s of A's row k are loaded one per lane; vec4 g (rows 4g…4g+3) comes from lane
 * g % 4. Four batch rows per iteration, their products summed before they reach the accumulator (as nn
 * sums the four of a vec4), then the remaining rows one at a time.
 */
function sgTN(rm, cn) {
  const groups = rm / 4;
  const owned = Math.ceil(groups / lanes);
  const step = (ks) => `${lines(ks.length, (u) => lines(owned, (i) => `    let own${i}_${u} = a[${ks[u]} * p4 + pa${i}];`))}
${lines(ks.length, (u) => lines(cn, (j) => `    let b${j}_${u} = b[${ks[u]} * params.cols4 + cb${j}];`))}
${biasAdd(cn, ks.map((_, u) => `_${u}`))}
${lines(groups, (g) => lines(ks.length, (u) => `    let a${g}_${u} = subgroupBroadcast(own${Math.floor(g / lanes)}_${u}, ${g % lanes}u);`) + '\n' +
    lines(4, (e) => lines(cn, (j) => `    acc${(4 * g + e) * cn + j} += ${ks.map((_, u) => `a${g}_${u}.${'xyzw'[e]} * b${j}_${u}`).join(' + ')};`)))}`;
  return `${sgSignature('tn', rm, cn)}
${sgPrologue(rm, cn)}
  let p4 = params.rows / 4u;
${lines(owned, (i) => `  let pa${i} = min(r0 / 4u + ${lanes * i}u + lane, p4 - 1u);`)}
${biasSums(cn)}
  let inner4 = params.inner & ~3u;
  for (var k = 0u; k < inner4; k += 4u) {
${step(['k', '(k + 1u)', '(k + 2u)', '(k + 3u)'])}
  }
  for (var k = inner4; k < params.inner; k++) {
${step(['k'])}
  }
${sgEpilogue(rm, cn)}
${biasStore(cn, (j) => `c0 + ${lanes * j}u`)}
}`;
}

/** nt: as nn for A; each lane reads B's rows 4·col … 4·col + 3 for its own columns. */
function sgNT(rm, cn) {
  return `${sgSignature('nt', rm, cn)}
${sgPrologue(rm, cn)}
  let rl = params.rows - 1u;
  let pl = params.cols4 * 4u - 1u;
${lines(rm / lanes, (i) => `  let ra${i} = min(r0 + ${lanes * i}u + lane, rl) * params.inner;`)}
${lines(cn, (j) => lines(4, (q) => `  let pb${q}_${j} = min(4u * cb${j} + ${q}u, pl) * params.inner;`))}
  for (var k = 0u; k < params.inner; k++) {
${lines(cn, (j) => lines(4, (q) => `    let b${q}_${j} = b[pb${q}_${j} + k];`))}
${lines(rm / lanes, (i) => `    let own${i} = a[ra${i} + k];`)}
${lines(rm, (r) => `    let a${r} = subgroupBroadcast(own${Math.floor(r / lanes)}, ${r % lanes}u);\n` + lines(cn, (j) => `    acc${r * cn + j} += vec4f(dot(a${r}, b0_${j}), dot(a${r}, b1_${j}), dot(a${r}, b2_${j}), dot(a${r}, b3_${j}));`))}
  }
${sgEpilogue(rm, cn)}
}`;
}

/**
 * Conv2d as implicit GEMM (shaders/conv.wgsl): the same register blocks, rows × vec4 columns per
 * invocation, with the im2col operand's addresses computed in the kernel. See shaders/conv.template.wgsl.
 */
export const convBlocks = [
  [4, 1], [8, 1], [16, 1],
  [4, 2], [8, 2], [16, 2],
  [4, 4], [8, 4],
];

const convHead = (pass, rm, cn) => `@compute @workgroup_size(WorkgroupSize)
fn conv_${pass}_${rm}x${cn * 4}(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);`;
const accs = (rm, cn) => lines(rm * cn, (i) => `  var acc${i} = vec4f(0.0);`);
const clamps = (cn, last) => `  let cl = ${last};\n${lines(cn, (j) => `  let cb${j} = min(c0 + ${j}u, cl);`)}`;

/**
 * Rows: rm neighbouring output pixels of one output row (the row's last block may hang past its end:
 * those rows are computed and not stored), so a block shares the row test of each kernel row; at stride 1
 * the rm inputs of tap kx + 1 are those of tap kx moved by one, so each tap loads one new x (a sliding
 * window), else each row loads its own. One vec4 of W per column block a tap.
 */
/** A forward block's tile: (example, output row, first column) and its channel quads, clamped. */
function forwardTile(rm, cn) {
  return `  let colTiles = (params.c4 + ${cn - 1}u) / ${cn}u;
  let rowTiles = (params.out_w + ${rm - 1}u) / ${rm}u;
  let tile = t / colTiles;
  let c0 = (t % colTiles) * ${cn}u;
  if (tile >= params.rows * params.out_h * rowTiles) { return; }
  let b = tile / (params.out_h * rowTiles);
  let oy = (tile / rowTiles) % params.out_h;
  let ox0 = (tile % rowTiles) * ${rm}u;
${clamps(cn, 'params.c4 - 1u')}`;
}

function convForward(rm, cn) {
  const rowLoads = (indent, kx) => lines(rm, (r) => `${indent}a${r} = x_at(rb + ${r}i * si + ${kx}, yok && (Padded == 0u || u32(ix0 + ${r}i * si + ${kx}) < params.in_w));`);
  const fmas = (indent) => lines(rm, (r) => lines(cn, (j) => `${indent}acc${r * cn + j} += a${r} * b${j};`));
  return `${convHead('forward', rm, cn)}
${forwardTile(rm, cn)}
  let s = params.stride;
  let si = i32(s);
  let W = i32(params.in_w);
  let iy0 = i32(oy * s) - i32(params.padding);
  let ix0 = i32(ox0 * s) - i32(params.padding);
  let base = i32(b * params.src_stride) + iy0 * W + ix0;
${accs(rm, cn)}
${lines(rm + 3, (r) => `  var a${r} = 0.0;`)}
  let k = params.kernel;
  let plane = i32(params.in_h * params.in_w);
  var wrow = 0u;
  for (var c = 0u; c < params.in_c; c++) {
    for (var ky = 0u; ky < k; ky++) {
      let rb = base + i32(c) * plane + i32(ky) * W;
      let yok = Padded == 0u || u32(iy0 + i32(ky)) < params.in_h;
      if (s == 1u) {
${lines(rm + 3, (i) => `        a${i} = x_at(rb + ${i}, yok && (Padded == 0u || u32(ix0 + ${i}) < params.in_w));`)}
        for (var kx = 0u; kx < k; kx += 4u) {
${lines(4, (l) => `          let in${l} = kx + ${l}u < k;`)}
${lines(cn, (j) => lines(4, (l) => `          let b${l}_${j} = select(vec4f(0.0), w[wrow + ${l}u * params.c4 + cb${j}], in${l});`))}
${lines(rm, (r) => lines(cn, (j) => `          acc${r * cn + j} += a${r} * b0_${j} + a${r + 1} * b1_${j} + a${r + 2} * b2_${j} + a${r + 3} * b3_${j};`))}
${lines(rm - 1, (i) => `          a${i} = a${i + 4};`)}
${lines(4, (l) => `          a${rm - 1 + l} = x_at(rb + i32(kx) + ${rm + 3 + l}, yok && (Padded == 0u || u32(ix0 + i32(kx) + ${rm + 3 + l}) < params.in_w));`)}
          wrow += 4u * params.c4;
        }
        // The last group of four may pass the kernel row's end: its missing taps had zero weights.
        wrow -= (((k + 3u) & ~3u) - k) * params.c4;
      } else {
        for (var kx = 0u; kx < k; kx++) {
${lines(cn, (j) => `          let b${j} = w[wrow + cb${j}];`)}
${rowLoads('          ', 'i32(kx)')}
${fmas('          ')}
          wrow += params.c4;
        }
      }
    }
  }
${forwardEpilogue(rm, cn)}
}`;
}

// The block's outputs share example, row and channel quads: addresses without divisions. `grad`: the
// input gradient computed as a forward conv (no bias; the producer's activation derivative, from x).
const forwardEpilogue = (rm, cn, grad = false) => `  let oplane = params.out_h * params.out_w;
  let yb = b * params.dst_stride + oy * params.out_w + ox0;
${lines(cn, (j) => `  if (c0 + ${j}u < params.c4) {
    let q = c0 + ${j}u;
${grad ? '' : '    let bq = bias[q];\n'}    let n = min(4u, params.out_c - 4u * q);
    let at = yb + 4u * q * oplane;
${lines(rm, (r) => `    if (ox0 + ${r}u < params.out_w) { ${grad ? `store_input_grad(at + ${r}u, oplane, n, acc${r * cn + j})` : `store_forward(at + ${r}u, oplane, n, acc${r * cn + j} + bq)`}; }`)}
  }`)}
  if (c0 == 0u && oy == 0u && ox0 == 0u) { zero_forward_padding(b); }`;

/** Kernel sizes × strides with forward entry points of their own (conv_forward_k{k}s{s}_{block}). */
export const convForwardShapes = [[1, 1], [1, 2], [3, 1], [3, 2], [5, 1]];

/**
 * Kernel sizes whose stride-1 input gradient runs as a forward conv (conv_input_grad_k{k}s1_{block}):
 * dX = conv(dY padded by k − 1 − p, the weight transposed and flipped), with this forward's loop.
 */
export const convInputGradKernels = convForwardShapes.filter(([, st]) => st === 1).map(([k]) => k);

/**
 * convForwardK's and convForwardKSg's set-up after the tile: where the block's window starts in x, the
 * padding tests of its k rows and of the input columns `cols` it reads, its accumulators.
 */
const forwardKWindow = (rm, cn, k, s, cols) => `  let W = i32(params.in_w);
  let iy0 = i32(oy * ${s}u) - i32(params.padding);
  let ix0 = i32(ox0 * ${s}u) - i32(params.padding);
  let base = i32(b * params.src_stride) + iy0 * W + ix0;
${lines(k, (ky) => `  let rok${ky} = Padded == 0u || u32(iy0 + ${ky}) < params.in_h;`)}
${lines(cols.length, (i) => `  let cok${cols[i]} = Padded == 0u || u32(ix0 + ${cols[i]}) < params.in_w;`)}
${accs(rm, cn)}
  let plane = i32(params.in_h * params.in_w);
  let k2c4 = ${k * k}u * params.c4;`;

/**
 * The forward for one kernel size k and stride s known when generating: the loop runs over input
 * channels only (k = 1: four at a time), its body every tap written out — SwiftShader neither unrolls
 * loops nor keeps variables in registers across iterations, so each iteration's fixed cost (the
 * accumulators' round trip through memory, the lane masks) is spread over rm·cn·k² products instead of
 * rm·cn·4. The block's rows read input columns r·s + kx: each such column is loaded once per kernel row
 * and its padding test (column and row validity) is computed before the loop.
 */
function convForwardK(rm, cn, k, s, grad = false) {
  const load = grad ? 'dy_at' : 'x_at';
  const cols = [...new Set(range(rm).flatMap((r) => range(k).map((kx) => r * s + kx)))].sort((a, b) => a - b);
  const per = k === 1 ? 4 : 1;
  // Channel cc of the iteration's: x at kernel row ky, column col; w of tap ky·k + kx, column block j.
  const xn = (cc, ky, col) => `x${cc}_${ky}_${col}`;
  const wn = (cc, ky, kx, j) => `w${cc}_${ky * k + kx}_${j}`;
  const body = (cc) => lines(k, (ky) => `${lines(cols.length, (i) => `    let ${xn(cc, ky, cols[i])} = ${load}(xc${cc} + ${ky}i * W + ${cols[i]}, rok${ky} && cok${cols[i]});`)}
${lines(k, (kx) => lines(cn, (j) => `    let ${wn(cc, ky, kx, j)} = w[wc${cc} + ${ky * k + kx}u * params.c4 + cb${j}];`))}
${lines(rm, (r) => lines(cn, (j) => `    acc${r * cn + j} += ${range(k).map((kx) => `${xn(cc, ky, r * s + kx)} * ${wn(cc, ky, kx, j)}`).join(' + ')};`))}`);
  const step = (cc) => `    let xc${cc} = base + i32(c + ${cc}u) * plane;
    let wc${cc} = (c + ${cc}u) * k2c4;
${body(cc)}`;
  return `@compute @workgroup_size(WorkgroupSize)
fn conv_${grad ? 'input_grad' : 'forward'}_k${k}s${s}_${rm}x${cn * 4}(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
${forwardTile(rm, cn)}
${forwardKWindow(rm, cn, k, s, cols)}
  var c = 0u;
${per > 1 ? `  for (; c + ${per - 1}u < params.in_c; c += ${per}u) {
${range(per).map(step).join('\n')}
  }
` : ''}  for (; c < params.in_c; c++) {
${step(0)}
  }
${forwardEpilogue(rm, cn, grad)}
}`;
}

/**
 * Blocks of the forward-shaped convs only, whose rows fit common plane widths (7, 10, 14, 28 = 2·14): a
 * forward block never spans two output rows, so 8 rows on LeNet's 10-wide rows compute 16 pixels for 10
 * (src/gpu/conv.ts heuristicConvBlock picks the rows that waste least). 14 × 4 quads (56 accumulators)
 * is left out.
 */
export const convRowBlocks = [[7, 2], [10, 2], [14, 2], [7, 4], [10, 4]];

/** The forward-shaped convs' thread blocks: the general ones and convRowBlocks. */
export const convForwardKBlocks = [...convBlocks, ...convRowBlocks];

/** The blocks of the subgroup forward-shaped convs (those of four rows and one or two quads ran slowest on LeNet's shapes). */
export const convSubgroupBlocks = [[8, 1], [16, 1], [8, 2], [16, 2], [4, 4], [8, 4], ...convRowBlocks];

const convSubgroupHead = `// The kernel-specialised conv entry points for subgroups of exactly 4 lanes, each lane computing the
// block the thread entry of that name computes, in the same order (the same bits):
//   conv_{forward|input_grad}_k{k}s{s}_sg{rows}x{cols}  (convForwardK's: the forwards of convForwardShapes,
//     the stride-1 input gradients run as forward convs): the lanes take four consecutive blocks of the
//     same channel quads and share the weight loads by broadcast;
//   conv_weight_grad_k{k}s{s}[f]_sg4x{cols}  (convWeightGradK's and convWeightGradFlat's): the lanes take
//     four consecutive tap groups of one chunk and walk the same pixels, so each loads one pixel's dY
//     quads a step and broadcasts them.
// Compiled only where the device has the subgroups feature with subgroups of 4 (src/gpu/conv.ts), in
// front of shaders/common.wgsl and shaders/conv-common.wgsl (its \`enable\` must lead the module).
enable subgroups;
`;

/**
 * convForwardK for a subgroup of 4 lanes: each lane its own block of rm pixels (the subgroup's four
 * blocks are consecutive tiles) × the same cn channel quads, so the weights are shared — each lane loads
 * a quarter of a kernel row's k·cn weight vec4s and takes the others by broadcast. On SwiftShader every
 * load is a per-lane gather; the weights' share of the loads falls by 4.
 */
export function convForwardKSg(rm, cn, k, s, grad = false) {
  const load = grad ? 'dy_at' : 'x_at';
  const cols = [...new Set(range(rm).flatMap((r) => range(k).map((kx) => r * s + kx)))].sort((a, b) => a - b);
  const xn = (ky, col) => `x${ky}_${col}`;
  // Kernel row ky's weight vec4 i = kx·cn + j comes from lane i % 4's load i / 4.
  const own = Math.ceil((k * cn) / lanes);
  const wn = (ky, kx, j) => `w${ky}_${kx}_${j}`;
  const body = lines(k, (ky) => `${lines(cols.length, (i) => `    let ${xn(ky, cols[i])} = ${load}(xc + ${ky}i * W + ${cols[i]}, rok${ky} && cok${cols[i]});`)}
${lines(own, (m) => `    let own${ky}_${m} = w[wc + min(${(lanes * m) / cn}u + kxl, ${k - 1}u) * params.c4 + ${ky * k}u * params.c4 + cbl];`)}
${lines(k, (kx) => lines(cn, (j) => { const i = kx * cn + j; return `    let ${wn(ky, kx, j)} = subgroupBroadcast(own${ky}_${Math.floor(i / lanes)}, ${i % lanes}u);`; }))}
${lines(rm, (r) => lines(cn, (j) => `    acc${r * cn + j} += ${range(k).map((kx) => `${xn(ky, r * s + kx)} * ${wn(ky, kx, j)}`).join(' + ')};`))}`);
  return `${subgroupSignature(`conv_${grad ? 'input_grad' : 'forward'}_k${k}s${s}_sg${rm}x${cn * 4}`)}
  let g = (wid.x + wid.y * nwg.x) * nsg + sid;
  let colTiles = (params.c4 + ${cn - 1}u) / ${cn}u;
  let rowTiles = (params.out_w + ${rm - 1}u) / ${rm}u;
  let tiles = params.rows * params.out_h * rowTiles;
  let c0 = (g % colTiles) * ${cn}u;
  let t0 = (g / colTiles) * ${lanes}u;
  if (t0 >= tiles) { return; }
  // A lane past the last tile computes the last one again and stores nothing: it still serves its loads.
  let live = t0 + lane < tiles;
  let tile = min(t0 + lane, tiles - 1u);
  let b = tile / (params.out_h * rowTiles);
  let oy = (tile / rowTiles) % params.out_h;
  let ox0 = (tile % rowTiles) * ${rm}u;
  let cl = params.c4 - 1u;
${lines(cn, (j) => `  let cb${j} = min(c0 + ${j}u, cl);`)}
  // This lane's share of a kernel row's weights: vec4 i = 4m + lane is tap kx = i / cn, quad i % cn.
  let kxl = lane / ${cn}u;
  let cbl = min(c0 + lane % ${cn}u, cl);
${forwardKWindow(rm, cn, k, s, cols)}
  for (var c = 0u; c < params.in_c; c++) {
    let xc = base + i32(c) * plane;
    let wc = c * k2c4;
${body}
  }
  if (!live) { return; }
${forwardEpilogue(rm, cn, grad)}
}`;
}

/**
 * Rows: input pixels of one (example, stride phase) group; per valid tap and output-channel quad, one
 * vec4 of dYp per row and four vec4s of Wt per column block (an nn product, as matmul_nn's).
 */
function convInputGrad(rm, cn) {
  return `${convHead('input_grad', rm, cn)}
  let colTiles = (params.cin4 + ${cn - 1}u) / ${cn}u;
  let tile = t / colTiles;
  let c0 = (t % colTiles) * ${cn}u;
  let s = params.stride;
  let groupTiles = params.group_rows / ${rm}u;
  let g = tile / groupTiles;
  if (g >= params.rows * s * s) { return; }
  let jr0 = (tile % groupTiles) * ${rm}u;
  let b = g / (s * s);
  let ey = (g / s) % s;
  let ex = g % s;
  let count = params.jh * params.jw;
${clamps(cn, 'params.cin4 - 1u')}
  let pad = params.padding;
  let k = params.kernel;
  // The block's phase takes taps ky = ky0 + s·i, kx = kx0 + s·j; output row qy − i, column qx − j.
  let ky0 = (ey + pad) % s;
  let kx0 = (ex + pad) % s;
  let ni = (k + s - 1u - ky0) / s;
  let nj = (k + s - 1u - kx0) / s;
  let OW = i32(params.out_w);
  let eb = i32(b * params.out_h) * OW;
${lines(rm, (r) => `  let j${r} = min(jr0 + ${r}u, count - 1u);
  let iy${r} = s * (j${r} / params.jw) + ey;
  let ix${r} = s * (j${r} % params.jw) + ex;
  let live${r} = jr0 + ${r}u < count && iy${r} < params.in_h && ix${r} < params.in_w;
  let qy${r} = (i32(iy${r} + pad) - i32(ky0)) / i32(s);
  let qx${r} = (i32(ix${r} + pad) - i32(kx0)) / i32(s);
  let ab${r} = (eb + qy${r} * OW + qx${r}) * i32(params.c4);`)}
${accs(rm, cn)}
  let cp = 4u * params.c4;
  for (var i = 0u; i < ni; i++) {
${lines(rm, (r) => `    let yok${r} = u32(qy${r} - i32(i)) < params.out_h;`)}
    for (var j = 0u; j < nj; j++) {
      let tap = (ky0 + s * i) * k + kx0 + s * j;
      let toff = (i32(i) * OW + i32(j)) * i32(params.c4);
${lines(rm, (r) => `      let ok${r} = yok${r} && u32(qx${r} - i32(j)) < params.out_w;
      let at${r} = u32(max(ab${r} - toff, 0));`)}
      for (var q = 0u; q < params.c4; q++) {
        let wb = (tap * cp + 4u * q) * params.cin4;
${lines(cn, (j) => lines(4, (l) => `        let b${l}_${j} = wt[wb + ${l}u * params.cin4 + cb${j}];`))}
${lines(rm, (r) => `        let a${r} = select(vec4f(0.0), dyp[at${r} + q], ok${r});\n` +
    lines(cn, (j) => `        acc${r * cn + j} += a${r}.x * b0_${j} + a${r}.y * b1_${j} + a${r}.z * b2_${j} + a${r}.w * b3_${j};`))}
      }
    }
  }
${lines(rm, (r) => lines(cn, (j) => `  emit_input_grad(live${r}, b, iy${r}, ix${r}, c0 + ${j}u, acc${r * cn + j});`))}
}`;
}

/**
 * Rows: taps kk = (c, ky, kx); the reduction runs over the chunk's output pixels in order, one scalar of x
 * per row and one vec4 of dYp per column block a pixel. Column sums of dYp ride along (the bias gradient).
 */
function convWeightGrad(rm, cn) {
  return `${convHead('weight_grad', rm, cn)}
  let colTiles = (params.c4 + ${cn - 1}u) / ${cn}u;
  let K = params.in_c * params.kernel * params.kernel;
  let perChunk = ((K + ${rm - 1}u) / ${rm}u) * colTiles;
  let chunk = t / perChunk;
  if (chunk >= params.chunks) { return; }
  let r0 = ((t % perChunk) / colTiles) * ${rm}u;
  let c0 = (t % colTiles) * ${cn}u;
${clamps(cn, 'params.c4 - 1u')}
  let k = params.kernel;
  let pad = i32(params.padding);
  let W = i32(params.in_w);
  let plane = params.in_h * params.in_w;
${lines(rm, (r) => `  let kk${r} = min(r0 + ${r}u, K - 1u);
  let ty${r} = i32((kk${r} / k) % k) - pad;
  let tx${r} = i32(kk${r} % k) - pad;
  let off${r} = i32((kk${r} / (k * k)) * plane) + ty${r} * W + tx${r};`)}
${accs(rm, cn)}
${lines(cn, (j) => `  var bs${j} = vec4f(0.0);`)}
  let s = params.stride;
  let P = params.out_h * params.out_w;
  let first = chunk * params.chunk_rows;
  let end = min(params.rows * params.out_h, first + params.chunk_rows);
  for (var rr = first; rr < end; rr++) {
    let b = rr / params.out_h;
    let oy = rr % params.out_h;
    let iyb = i32(oy * s);
    let rowb = i32(b * params.src_stride) + iyb * W;
${lines(rm, (r) => `    let yok${r} = Padded == 0u || u32(iyb + ty${r}) < params.in_h;\n    let rb${r} = rowb + off${r};`)}
    var e = (b * P + oy * params.out_w) * params.c4;
    var ixb = 0i;
    for (var ox = 0u; ox < params.out_w; ox++) {
${lines(cn, (j) => `      let g${j} = dyp[e + cb${j}];\n      bs${j} += g${j};`)}
${lines(rm, (r) => `      let a${r} = x_at(rb${r} + ixb, yok${r} && (Padded == 0u || u32(ixb + tx${r}) < params.in_w));\n` +
    lines(cn, (j) => `      acc${r * cn + j} += a${r} * g${j};`))}
      e += params.c4;
      ixb += i32(s);
    }
  }
  let base = chunk * (K + 1u);
${lines(rm, (r) => lines(cn, (j) => `  if (r0 + ${r}u < K && c0 + ${j}u < params.c4) { partials[(base + r0 + ${r}u) * params.c4 + c0 + ${j}u] = acc${r * cn + j}; }`))}
  if (r0 == 0u) {
${lines(cn, (j) => `    if (c0 + ${j}u < params.c4) { partials[(base + K) * params.c4 + c0 + ${j}u] = bs${j}; }`)}
  }
}`;
}

/** Kernel sizes × strides whose weight gradient has entry points of its own (conv_weight_grad_k{k}s{s}_4x{cols}). */
export const convWeightGradShapes = [[3, 1], [5, 1]];
/** Taps (rows of dW) per invocation of those: one input channel's k² (k = 3), one kernel row's k (k = 5). */
export const weightGradTaps = (k) => (k === 5 ? k : k * k);
/** Output pixels of one row the specialised weight gradient takes per iteration (its blocks' rows). */
export const weightGradPixels = 4;

/**
 * The specialised weight gradients' head (entry point conv_weight_grad_{tag}_4x{cols}): the invocation's
 * chunk, its first dW row r0 (weightGradTaps(k) taps from there) and its channel quads.
 */
function weightGradHead(tag, cn, k, sg) {
  const R = weightGradTaps(k);
  const name = `conv_weight_grad_${tag}_${sg ? 'sg' : ''}${weightGradPixels}x${cn * 4}`;
  if (!sg) {
    return `@compute @workgroup_size(WorkgroupSize)
fn ${name}(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  let colTiles = (params.c4 + ${cn - 1}u) / ${cn}u;
  let K = params.in_c * ${k * k}u;
  let perChunk = ((K + ${R - 1}u) / ${R}u) * colTiles;
  let chunk = t / perChunk;
  if (chunk >= params.chunks) { return; }
  let r0 = ((t % perChunk) / colTiles) * ${R}u;
  let c0 = (t % colTiles) * ${cn}u;
${clamps(cn, 'params.c4 - 1u')}`;
  }
  // A subgroup's lanes take four consecutive tap groups of one chunk and column block.
  return `${subgroupSignature(name)}
  let sgi = (wid.x + wid.y * nwg.x) * nsg + sid;
  let colTiles = (params.c4 + ${cn - 1}u) / ${cn}u;
  let K = params.in_c * ${k * k}u;
  let groups = (K + ${R - 1}u) / ${R}u;
  let perChunk = ((groups + ${lanes - 1}u) / ${lanes}u) * colTiles;
  let chunk = sgi / perChunk;
  if (chunk >= params.chunks) { return; }
  let tg0 = ((sgi % perChunk) / colTiles) * ${lanes}u;
  // A lane past the last tap group sums the last one again and stores nothing: it still loads its share.
  let live = tg0 + lane < groups;
  let r0 = min(tg0 + lane, groups - 1u) * ${R}u;
  let c0 = (sgi % colTiles) * ${cn}u;
${clamps(cn, 'params.c4 - 1u')}`;
}

/**
 * The four pixels' dYp quads of a weight-gradient iteration (g{u}_{j}), loaded per pixel (thread entries)
 * or one pixel a lane and shared by broadcast (subgroup entries: the lanes walk the same pixels).
 * `at(u)`: the index of pixel u's first quad, `inside(u)`: whether it exists — u a pixel number or 'lane'
 * (`named`: the thread entry names the test in{u} once for its quads).
 */
function weightGradDy(cn, sg, at, inside, named = false) {
  if (!sg) {
    return {
      shared: '',
      pixel: (u) => `${named ? `      let in${u} = ${inside(u)};\n` : ''}${lines(cn, (j) => `      let g${u}_${j} = select(vec4f(0.0), dyp[${at(u)} + cb${j}], ${named ? `in${u}` : inside(u)});`)}`,
    };
  }
  return {
    shared: `${lines(cn, (j) => `      let own${j} = select(vec4f(0.0), dyp[${at('lane')} + cb${j}], ${inside('lane')});`)}\n`,
    pixel: (u) => lines(cn, (j) => `      let g${u}_${j} = subgroupBroadcast(own${j}, ${u}u);`),
  };
}

/** Their tail: the chunk's partial sums of the invocation's taps (accumulators acc{ky}_{kx}_{j}) and, from r0 = 0, of the bias. */
function weightGradStore(cn, k, sg) {
  const taps = range(weightGradTaps(k) / k).flatMap((ky) => range(k).map((kx) => [ky, kx]));
  return `${sg ? '  if (!live) { return; }\n' : ''}  let base = chunk * (K + 1u);
${taps.map(([ky, kx]) => lines(cn, (j) => `  if (c0 + ${j}u < params.c4) { partials[(base + r0 + ${ky * k + kx}u) * params.c4 + c0 + ${j}u] = acc${ky}_${kx}_${j}; }`)).join('\n')}
  if (r0 == 0u) {
${lines(cn, (j) => `    if (c0 + ${j}u < params.c4) { partials[(base + K) * params.c4 + c0 + ${j}u] = bs${j}; }`)}
  }`;
}

/**
 * The weight gradient for one kernel size k and stride s known when generating (entry points
 * conv_weight_grad_k{k}s{s}_4x{cols}): an invocation holds weightGradTaps(k) rows of dW (taps) × cn
 * channel quads and walks its chunk's output rows four pixels at a time, every tap written out: per
 * iteration it loads the four pixels' dYp quads once for all its taps and each input column once per
 * kernel row (the taps of a row slide over the same columns) — the forward's trade of loop trips and
 * loads for written-out products. Pixels past the row's end get a zero dYp (their products add zeros).
 */
function convWeightGradK(cn, k, s, sg = false) {
  const U = weightGradPixels;
  const R = weightGradTaps(k);
  const nky = R / k; // kernel rows of an invocation (its taps are one input channel's)
  const cols = [...new Set(range(U).flatMap((u) => range(k).map((kx) => u * s + kx)))].sort((a, b) => a - b);
  const xn = (ky, col) => `x${ky}_${col}`;
  const an = (ky, kx, j) => `acc${ky}_${kx}_${j}`;
  const taps = range(nky).flatMap((ky) => range(k).map((kx) => [ky, kx]));
  const px = (u) => (u === 'lane' ? u : `${u}u`);
  const dyRow = weightGradDy(cn, sg, (u) => `eb + (ox + ${px(u)}) * params.c4`, (u) => `ox + ${px(u)} < params.out_w`, true);
  return `${weightGradHead(`k${k}s${s}`, cn, k, sg)}
  let pad = i32(params.padding);
  let W = i32(params.in_w);
  let plane = i32(params.in_h * params.in_w);
  let ky0 = ${nky === 1 ? `i32((r0 / ${k}u) % ${k}u)` : '0'};
  let cA = r0 / ${k * k}u;
${lines(nky, (ky) => `  let xo${ky} = i32(cA) * plane + (ky0 + ${ky} - pad) * W - pad;`)}
${taps.map(([ky, kx]) => lines(cn, (j) => `  var ${an(ky, kx, j)} = vec4f(0.0);`)).join('\n')}
${lines(cn, (j) => `  var bs${j} = vec4f(0.0);`)}
  let P = params.out_h * params.out_w;
  let first = chunk * params.chunk_rows;
  let end = min(params.rows * params.out_h, first + params.chunk_rows);
  // (example, output row) of the chunk's rows counted along, not divided out per row.
  var b = first / params.out_h;
  var oy = first % params.out_h;
  for (var rr = first; rr < end; rr++) {
    let iyb = i32(oy * ${s}u) - pad + ky0;
    let rowb = i32(b * params.src_stride) + i32(oy * ${s}u) * W;
${lines(nky, (ky) => `    let rok${ky} = Padded == 0u || u32(iyb + ${ky}) < params.in_h;`)}
    let eb = (b * P + oy * params.out_w) * params.c4;
    for (var ox = 0u; ox < params.out_w; ox += ${U}u) {
      let ixb = i32(ox * ${s}u) - pad;
      let xb = rowb + i32(ox * ${s}u);
${dyRow.shared}${lines(U, dyRow.pixel)}
${lines(cn, (j) => `      bs${j} += ${range(U).map((u) => `g${u}_${j}`).join(' + ')};`)}
${lines(cols.length, (ci) => `      let cok${cols[ci]} = Padded == 0u || u32(ixb + ${cols[ci]}) < params.in_w;`)}
${range(nky).map((ky) => `${lines(cols.length, (ci) => `      let ${xn(ky, cols[ci])} = x_at(xb + xo${ky} + ${cols[ci]}, rok${ky} && cok${cols[ci]});`)}
${range(k).map((kx) => lines(cn, (j) => `      ${an(ky, kx, j)} += ${range(U).map((u) => `${xn(ky, u * s + kx)} * g${u}_${j}`).join(' + ')};`)).join('\n')}`).join('\n')}
    }  oy += 1u;
    if (oy == params.out_h) {
      oy = 0u;
      b += 1u;
    }
  }
${weightGradStore(cn, k, sg)}
}`;
}

/**
 * The weight gradient of a stride-1 "same" conv (output plane = input plane: padding (k − 1) / 2), entry
 * points conv_weight_grad_k{k}s1f_4x{cols}: as convWeightGradK, but an invocation walks each example's
 * plane as one flattened run of P pixels, four at a time, across row ends. Pixel p's tap (ky, kx) reads
 * x at p + (ky − pad)·W + (kx − pad) in the flattened plane, so the four pixels' taps still slide over
 * k + 3 shared loads per kernel row. A load outside the plane is a zero (the rows above and below); a
 * tap whose column leaves the row would read the neighbouring row's end instead, so that product gets a
 * zero dYp (the column masks go on the products, not the loads). On 7- and 14-wide planes this saves the
 * row kernel's per-row set-up and its partly empty last group of each row. The chunks split the
 * examples (chunk_rows examples each). Needs W ≥ 4 (a group of four wraps a row at most once).
 */
function convWeightGradFlat(cn, k, sg = false) {
  const U = weightGradPixels;
  const R = weightGradTaps(k);
  const nky = R / k;
  const pad = (k - 1) / 2;
  const cols = range(U + k - 1);
  const xn = (ky, c) => `x${ky}_${c}`;
  const an = (ky, kx, j) => `acc${ky}_${kx}_${j}`;
  // g masked for tap column kx (kx = pad needs no mask: the pixel's own column).
  const gn = (u, kx, j) => (kx === pad ? `g${u}_${j}` : `g${u}_${kx}_${j}`);
  const taps = range(nky).flatMap((ky) => range(k).map((kx) => [ky, kx]));
  const px = (u) => (u === 'lane' ? 'i32(lane)' : u);
  const dyFlat = weightGradDy(cn, sg, (u) => `eb + u32(p0 + ${px(u)}) * params.c4`, (u) => `p0 + ${px(u)} < P`);
  return `${weightGradHead(`k${k}s1f`, cn, k, sg)}
  let W = params.in_w;
  let P = i32(params.in_h * params.in_w);
  let ky0 = ${nky === 1 ? `i32((r0 / ${k}u) % ${k}u)` : '0'};
  let cA = i32(r0 / ${k * k}u) * P;
${lines(nky, (ky) => `  let fo${ky} = (ky0 ${ky >= pad ? '+' : '-'} ${Math.abs(ky - pad)}) * i32(W) - ${pad};`)}
${taps.map(([ky, kx]) => lines(cn, (j) => `  var ${an(ky, kx, j)} = vec4f(0.0);`)).join('\n')}
${lines(cn, (j) => `  var bs${j} = vec4f(0.0);`)}
  let first = chunk * params.chunk_rows;
  let end = min(params.rows, first + params.chunk_rows);
  for (var b = first; b < end; b++) {
    let xb = i32(b * params.src_stride) + cA;
    let eb = b * u32(P) * params.c4;
    var ox = 0u; // the column of pixel p0
    for (var p0 = 0i; p0 < P; p0 += ${U}i) {
${dyFlat.shared}${lines(U, (u) => `      let ox${u} = ${u === 0 ? 'ox' : `select(ox + ${u}u, ox + ${u}u - W, ox + ${u}u >= W)`};\n` + dyFlat.pixel(u) + '\n' +
    range(k).filter((kx) => kx !== pad).map((kx) => lines(cn, (j) => `      let ${gn(u, kx, j)} = select(vec4f(0.0), g${u}_${j}, ${kx < pad ? `ox${u} >= ${pad - kx}u` : `ox${u} + ${kx - pad}u < W`});`)).join('\n'))}
${lines(cn, (j) => `      bs${j} += ${range(U).map((u) => `g${u}_${j}`).join(' + ')};`)}
${range(nky).map((ky) => `${lines(cols.length, (c) => `      let f${ky}_${c} = p0 + fo${ky} + ${c};\n      let ${xn(ky, c)} = x_at(xb + f${ky}_${c}, u32(f${ky}_${c}) < u32(P));`)}
${range(k).map((kx) => lines(cn, (j) => `      ${an(ky, kx, j)} += ${range(U).map((u) => `${xn(ky, u + kx)} * ${gn(u, kx, j)}`).join(' + ')};`)).join('\n')}`).join('\n')}
      ox += ${U}u;
      if (ox >= W) { ox -= W; }
    }
  }
${weightGradStore(cn, k, sg)}
}`;
}

/** Kernel sizes whose stride-1 "same" weight gradient has flattened-plane entry points (conv_weight_grad_k{k}s1f_4x{cols}). */
export const convWeightGradFlatKernels = [3, 5];

/** The specialised weight gradient's blocks: four pixels a row (rows) × 1, 2 or 4 channel quads. */
export const convWeightGradBlocks = convBlocks.filter(([rm]) => rm === weightGradPixels);

const banner = '// GENERATED by scripts/gen-matmul.mjs from shaders/matmul.template.wgsl — do not edit; edit those and rerun.';
const sgConvBanner = '// GENERATED by scripts/gen-matmul.mjs — do not edit; edit it and rerun.';
const convBanner = '// GENERATED by scripts/gen-matmul.mjs from shaders/conv.template.wgsl — do not edit; edit those and rerun.';

/** The generated files: name → text. */
export function generate() {
  const head = readFileSync(template, 'utf8');
  const threadBody = blocks.flatMap(([rm, cn]) => [nn(rm, cn), tn(rm, cn), nt(rm, cn)]).join('\n\n');
  const sgBody = subgroupBlocks.flatMap(([rm, cn]) => [sgNN(rm, cn), sgTN(rm, cn), sgNT(rm, cn)]).join('\n\n');
  const convBody = convBlocks.flatMap(([rm, cn]) => [convForward(rm, cn), convInputGrad(rm, cn), convWeightGrad(rm, cn)])
    .concat(convForwardShapes.flatMap(([k, st]) => convForwardKBlocks.map(([rm, cn]) => convForwardK(rm, cn, k, st))))
    .concat(convInputGradKernels.flatMap((k) => convForwardKBlocks.map(([rm, cn]) => convForwardK(rm, cn, k, 1, true))))
    .concat(convWeightGradShapes.flatMap(([k, st]) => convWeightGradBlocks.map(([, cn]) => convWeightGradK(cn, k, st))))
    .concat(convWeightGradFlatKernels.flatMap((k) => convWeightGradBlocks.map(([, cn]) => convWeightGradFlat(cn, k)))).join('\n\n');
  const convSgBody = convForwardShapes.flatMap(([k, st]) => convSubgroupBlocks.map(([rm, cn]) => convForwardKSg(rm, cn, k, st)))
    .concat(convInputGradKernels.flatMap((k) => convSubgroupBlocks.map(([rm, cn]) => convForwardKSg(rm, cn, k, 1, true))))
    .concat(convWeightGradShapes.flatMap(([k, st]) => convWeightGradBlocks.map(([, cn]) => convWeightGradK(cn, k, st, true))))
    .concat(convWeightGradFlatKernels.flatMap((k) => convWeightGradBlocks.map(([, cn]) => convWeightGradFlat(cn, k, true)))).join('\n\n');
  return {
    'conv-subgroup.wgsl': `${sgConvBanner}\n${convSubgroupHead}\n${convSgBody}\n`,
    'matmul.wgsl': `${banner}\n${head}\n${threadBody}\n`,
    'matmul-subgroup.wgsl': `${banner}\n// Compiled only on devices with the subgroups feature and subgroups of 4 (see src/gpu/matmul.ts).\nenable subgroups;\n\n${head}\n${sgBody}\n`,
    'conv.wgsl': `${convBanner}\n${readFileSync(shaderPath('conv.template.wgsl'), 'utf8')}\n${convBody}\n`,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  let stale = false;
  for (const [name, text] of Object.entries(generate())) {
    const path = shaderPath(name);
    if (!check) writeFileSync(path, text);
    else if (readFileSync(path, 'utf8') !== text) {
      console.error(`shaders/${name} is stale: run node scripts/gen-matmul.mjs`);
      stale = true;
    }
  }
  if (stale) process.exit(1);
}
