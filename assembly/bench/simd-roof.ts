// The SIMD128 roof of the machine the benchmark runs on (bench/lib/roof.ts compiles this file on its own; it is not
// part of build/kernels.wasm). Twelve independent chains c = c·m + a keep 24 vector operations in flight: enough to
// cover the latency of a dependent mul then add, so every mul and add pipe stays busy. Nothing is loaded or stored
// in the loop and the chains fit V8's 15 usable xmm registers, so its rate is the most mul + add pairs that
// wasm SIMD128 code without FMA can issue here — the ceiling for every matmul tile, which also has to load.

/** Runs `iterations` rounds of 12 f32x4 mul + add pairs (96 FLOPs each) on m, a and c0 read from p; returns a lane. */
export function roof(p: usize, iterations: i32): f32 {
  const m = v128.load(p), a = v128.load(p, 16);
  let c0 = v128.load(p, 32);
  let c1 = f32x4.add(c0, a), c2 = f32x4.add(c1, a), c3 = f32x4.add(c2, a), c4 = f32x4.add(c3, a);
  let c5 = f32x4.add(c4, a), c6 = f32x4.add(c5, a), c7 = f32x4.add(c6, a), c8 = f32x4.add(c7, a);
  let c9 = f32x4.add(c8, a), c10 = f32x4.add(c9, a), c11 = f32x4.add(c10, a);
  for (let i = 0; i < iterations; i++) {
    c0 = f32x4.add(f32x4.mul(c0, m), a); c1 = f32x4.add(f32x4.mul(c1, m), a);
    c2 = f32x4.add(f32x4.mul(c2, m), a); c3 = f32x4.add(f32x4.mul(c3, m), a);
    c4 = f32x4.add(f32x4.mul(c4, m), a); c5 = f32x4.add(f32x4.mul(c5, m), a);
    c6 = f32x4.add(f32x4.mul(c6, m), a); c7 = f32x4.add(f32x4.mul(c7, m), a);
    c8 = f32x4.add(f32x4.mul(c8, m), a); c9 = f32x4.add(f32x4.mul(c9, m), a);
    c10 = f32x4.add(f32x4.mul(c10, m), a); c11 = f32x4.add(f32x4.mul(c11, m), a);
  }
  // every chain feeds the result, so none can be dropped as dead code
  const s0 = f32x4.add(f32x4.add(c0, c1), f32x4.add(c2, c3));
  const s1 = f32x4.add(f32x4.add(c4, c5), f32x4.add(c6, c7));
  const s2 = f32x4.add(f32x4.add(c8, c9), f32x4.add(c10, c11));
  return f32x4.extract_lane(f32x4.add(f32x4.add(s0, s1), s2), 0);
}
