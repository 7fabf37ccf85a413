// Counter-based random numbers, the WGSL twin of src/reference/random.ts (hash32, mixKey, uniform):
// the same u32 arithmetic, so a draw on the GPU equals the reference's bit for bit.

// lowbias32 (Chris Wellons): a bijection on u32 with good avalanche; u32 products wrap as Math.imul does.
fn hash32(v: u32) -> u32 {
  var x = v;
  x ^= x >> 16u;
  x *= 0x7feb352du;
  x ^= x >> 15u;
  x *= 0x846ca68bu;
  x ^= x >> 16u;
  return x;
}

// key' = hash32(key ^ hash32(v + golden))
fn mix_key(key: u32, v: u32) -> u32 {
  return hash32(key ^ hash32(v + 0x9e3779b9u));
}

// Uniform in [0, 1) with 24 bits: exact in f32, equal to the reference's value.
fn uniform01(key: u32, counter: u32) -> f32 {
  return f32(mix_key(key, counter) >> 8u) / 16777216.0;
}
