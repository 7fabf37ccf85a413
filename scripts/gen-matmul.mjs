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

const sgSignature = (layout, rm, cn) => `@compute @workgroup_size(WorkgroupSize)
fn matmul_${layout}_sg${rm}x${lanes * cn * 4}(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(subgroup_id) sid: u32,
    @builtin(num_subgroups) nsg: u32, @builtin(subgroup_invocation_id) lane: u32) {`;

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

const banner = '// GENERATED by scripts/gen-matmul.mjs from shaders/matmul.template.wgsl — do not edit; edit those and rerun.';

/** The generated files: name → text. */
export function generate() {
  const head = readFileSync(template, 'utf8');
  const threadBody = blocks.flatMap(([rm, cn]) => [nn(rm, cn), tn(rm, cn), nt(rm, cn)]).join('\n\n');
  const sgBody = subgroupBlocks.flatMap(([rm, cn]) => [sgNN(rm, cn), sgTN(rm, cn), sgNT(rm, cn)]).join('\n\n');
  return {
    'matmul.wgsl': `${banner}\n${head}\n${threadBody}\n`,
    'matmul-subgroup.wgsl': `${banner}\n// Compiled only on devices with the subgroups feature and subgroups of 4 (see src/gpu/matmul.ts).\nenable subgroups;\n\n${head}\n${sgBody}\n`,
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
