;; Elementary functions wasm lacks: exp for f32x4 (sigmoid), exp and log for f64 (softmax–cross-entropy),
;; and the counter-based hash of src/reference/random.ts on four lanes (dropout).

;; e^x on four f32 lanes (Cephes expf: Cody–Waite reduction x = n·ln2 + r, |r| ≤ ln2/2, then a degree-6
;; polynomial; ≈ 1 ulp). x is clamped to [−87.3, 88]: 2^n stays a normal number (e^−87.3 ≈ 1.2e−38,
;; e^88 ≈ 1.7e38). NaN stays NaN.
(func $exp4 (param $x v128) (result v128)
  (local $n v128) (local $r v128) (local $p v128)
  (local.set $x (f32x4.min (f32x4.max (local.get $x) (f32x4.splat (f32.const -87.3))) (f32x4.splat (f32.const 88.0))))
  (local.set $n (f32x4.nearest (f32x4.mul (local.get $x) (f32x4.splat (f32.const 1.44269504088896341)))))
  ;; r = x − n·ln2 in two parts (ln2 = 0.693359375 − 2.12194440e−4), exact for |n| ≤ 128
  (local.set $r (f32x4.sub (local.get $x) (f32x4.mul (local.get $n) (f32x4.splat (f32.const 0.693359375)))))
  (local.set $r (f32x4.add (local.get $r) (f32x4.mul (local.get $n) (f32x4.splat (f32.const 2.12194440e-4)))))
  (local.set $p (f32x4.splat (f32.const 1.9875691500e-4)))
  (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 1.3981999507e-3))))
  (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 8.3334519073e-3))))
  (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 4.1665795894e-2))))
  (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 1.6666665459e-1))))
  (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 5.0000001201e-1))))
  ;; p = 1 + r + r²·P(r)
  (local.set $p (f32x4.add (f32x4.add (f32x4.mul (f32x4.mul (local.get $p) (local.get $r)) (local.get $r)) (local.get $r))
    (f32x4.splat (f32.const 1))))
  ;; · 2^n, built in the exponent bits
  (f32x4.mul (local.get $p)
    (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $n)) (i32x4.splat (i32.const 127))) (i32.const 23))))

;; σ(x) = 1 / (1 + e^−x) on four lanes
(func $sigmoid4 (param $x v128) (result v128)
  (f32x4.div (f32x4.splat (f32.const 1))
    (f32x4.add (f32x4.splat (f32.const 1)) (call $exp4 (f32x4.neg (local.get $x))))))

;; tanh on four lanes: sign(x)·(1 − e)/(1 + e), e = e^(−2|x|) ∈ (0, 1] (finite for every x, as common.wgsl)
(func $tanh4 (param $x v128) (result v128)
  (local $e v128)
  (local.set $e (call $exp4 (f32x4.mul (f32x4.abs (local.get $x)) (f32x4.splat (f32.const -2)))))
  (v128.or
    (v128.and (local.get $x) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))
    (f32x4.div (f32x4.sub (f32x4.splat (f32.const 1)) (local.get $e)) (f32x4.add (f32x4.splat (f32.const 1)) (local.get $e)))))

;; e^x in f64 (x = n·ln2 + r, |r| ≤ ln2/2, Taylor series to r^12: relative error < 1e−14). x is
;; clamped to [−708, 709]; NaN stays NaN.
(func $exp64 (param $x f64) (result f64)
  (local $n f64) (local $r f64) (local $p f64)
  (local.set $x (f64.min (f64.max (local.get $x) (f64.const -708)) (f64.const 709)))
  (local.set $n (f64.nearest (f64.mul (local.get $x) (f64.const 1.4426950408889634))))
  (local.set $r (f64.sub (f64.sub (local.get $x) (f64.mul (local.get $n) (f64.const 6.93147180369123816490e-01)))
    (f64.mul (local.get $n) (f64.const 1.90821492927058770002e-10))))
  ;; Horner over 1/k!, k = 12 … 1
  (local.set $p (f64.const 2.08767569878680989792e-09))
  (local.set $p (f64.add (f64.mul (local.get $p) (local.get $r)) (f64.const 2.50521083854417187751e-08)))
  (local.set $p (f64.add (f64.mul (local.get $p) (local.get $r)) (f64.const 2.75573192239858906526e-07)))
  (local.set $p (f64.add (f64.mul (local.get $p) (local.get $r)) (f64.const 2.75573192239858906526e-06)))
  (local.set $p (f64.add (f64.mul (local.get $p) (local.get $r)) (f64.const 2.48015873015873015873e-05)))
  (local.set $p (f64.add (f64.mul (local.get $p) (local.get $r)) (f64.const 1.98412698412698412698e-04)))
  (local.set $p (f64.add (f64.mul (local.get $p) (local.get $r)) (f64.const 1.38888888888888888889e-03)))
  (local.set $p (f64.add (f64.mul (local.get $p) (local.get $r)) (f64.const 8.33333333333333333333e-03)))
  (local.set $p (f64.add (f64.mul (local.get $p) (local.get $r)) (f64.const 4.16666666666666666667e-02)))
  (local.set $p (f64.add (f64.mul (local.get $p) (local.get $r)) (f64.const 1.66666666666666666667e-01)))
  (local.set $p (f64.add (f64.mul (local.get $p) (local.get $r)) (f64.const 0.5)))
  (local.set $p (f64.add (f64.mul (local.get $p) (local.get $r)) (f64.const 1)))
  (local.set $p (f64.add (f64.mul (local.get $p) (local.get $r)) (f64.const 1)))
  (f64.mul (local.get $p)
    (f64.reinterpret_i64 (i64.shl (i64.add (i64.trunc_sat_f64_s (local.get $n)) (i64.const 1023)) (i64.const 52)))))

;; ln x in f64 for a normal x > 0: x = 2^e·m with m in [√½, √2), ln m = 2·atanh(t), t = (m − 1)/(m + 1),
;; |t| ≤ 0.172, series to t^17 (error < 1e−15). +Inf and NaN come back as they are.
(func $log64 (param $x f64) (result f64)
  (local $bits i64) (local $e f64) (local $m f64) (local $t f64) (local $t2 f64) (local $p f64)
  (local.set $bits (i64.reinterpret_f64 (local.get $x)))
  (if (i64.eq (i64.and (local.get $bits) (i64.const 0x7ff0000000000000)) (i64.const 0x7ff0000000000000)) (then (return (local.get $x))))
  (local.set $e (f64.convert_i64_s (i64.sub (i64.and (i64.shr_u (local.get $bits) (i64.const 52)) (i64.const 0x7ff)) (i64.const 1023))))
  (local.set $m (f64.reinterpret_i64 (i64.or (i64.and (local.get $bits) (i64.const 0x000fffffffffffff)) (i64.const 0x3ff0000000000000))))
  (if (f64.gt (local.get $m) (f64.const 1.4142135623730951))
    (then
      (local.set $m (f64.mul (local.get $m) (f64.const 0.5)))
      (local.set $e (f64.add (local.get $e) (f64.const 1)))))
  (local.set $t (f64.div (f64.sub (local.get $m) (f64.const 1)) (f64.add (local.get $m) (f64.const 1))))
  (local.set $t2 (f64.mul (local.get $t) (local.get $t)))
  (local.set $p (f64.const 0.058823529411764705))
  (local.set $p (f64.add (f64.mul (local.get $p) (local.get $t2)) (f64.const 0.06666666666666667)))
  (local.set $p (f64.add (f64.mul (local.get $p) (local.get $t2)) (f64.const 0.07692307692307693)))
  (local.set $p (f64.add (f64.mul (local.get $p) (local.get $t2)) (f64.const 0.09090909090909091)))
  (local.set $p (f64.add (f64.mul (local.get $p) (local.get $t2)) (f64.const 0.1111111111111111)))
  (local.set $p (f64.add (f64.mul (local.get $p) (local.get $t2)) (f64.const 0.14285714285714285)))
  (local.set $p (f64.add (f64.mul (local.get $p) (local.get $t2)) (f64.const 0.2)))
  (local.set $p (f64.add (f64.mul (local.get $p) (local.get $t2)) (f64.const 0.3333333333333333)))
  (local.set $p (f64.add (f64.mul (local.get $p) (local.get $t2)) (f64.const 1)))
  (f64.add (f64.mul (local.get $e) (f64.const 0.6931471805599453))
    (f64.mul (f64.mul (f64.const 2) (local.get $t)) (local.get $p))))

;; lowbias32 (src/reference/random.ts hash32) on four u32 lanes
(func $hash4 (param $x v128) (result v128)
  (local.set $x (v128.xor (local.get $x) (i32x4.shr_u (local.get $x) (i32.const 16))))
  (local.set $x (i32x4.mul (local.get $x) (i32x4.splat (i32.const 0x7feb352d))))
  (local.set $x (v128.xor (local.get $x) (i32x4.shr_u (local.get $x) (i32.const 15))))
  (local.set $x (i32x4.mul (local.get $x) (i32x4.splat (i32.const 0x846ca68b))))
  (v128.xor (local.get $x) (i32x4.shr_u (local.get $x) (i32.const 16))))

;; The same on one u32
(func $hash32 (param $x i32) (result i32)
  (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 16))))
  (local.set $x (i32.mul (local.get $x) (i32.const 0x7feb352d)))
  (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 15))))
  (local.set $x (i32.mul (local.get $x) (i32.const 0x846ca68b)))
  (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 16))))

;; mixKey(key, v) = hash32(key ^ hash32(v + golden))
(func $mixKey (param $key i32) (param $v i32) (result i32)
  (call $hash32 (i32.xor (local.get $key) (call $hash32 (i32.add (local.get $v) (i32.const 0x9e3779b9))))))

;; Lanes j, j+1, j+2, j+3 below `n`: all-ones where true.
(func $lanesBelow (param $j i32) (param $n i32) (result v128)
  (i32x4.lt_s (i32x4.add (i32x4.splat (local.get $j)) (v128.const i32x4 0 1 2 3)) (i32x4.splat (local.get $n))))
