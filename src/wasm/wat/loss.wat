;; The loss end of a step (src/reference/softmax-xent.ts), in f64 from f32 logits:
;;   softmaxXent: loss_b = log Σ_j e^(z_bj − m_b) + m_b − z_b[y_b], m_b = max_j z_bj   (stable for |z| ≫ 80)
;;                dlogits_bj = (e^(z_bj − m_b) / Σ_j e^(z_bj − m_b) − [j = y_b]) / rows   (padding written 0)
;;   lossSum:     out[step.slot] = Σ_b loss_b, b = 0 … rows−1 in order (one tile: a fixed order)
;;   accuracy:    counts[0] += #{b : argmax_j z_bj = y_b}; ties go to the first index, a row holding a
;;                NaN is wrong (shaders/accuracy.wgsl). Counts are integers: any tile order, same total.
;; logits, dlogits: (rows, stride) f32 (stride in floats); labels: (rows,) u32; losses: (rows,) f64.

(func $op_softmaxXent (param $op i32) (param $t i32) (param $step i32)
  (local $b i32) (local $b1 i32) (local $classes i32) (local $stride i32) (local $z i32) (local $d i32) (local $label i32)
  (local $j i32) (local $m f64) (local $s f64) (local $inv f64) (local $e f64)
  (local.set $classes (i32.load offset=@softmaxXent.classes (local.get $op)))
  (local.set $stride (i32.load offset=@softmaxXent.stride (local.get $op)))
  (local.set $inv (f64.div (f64.const 1) (f64.convert_i32_u (i32.load offset=@softmaxXent.rows (local.get $op)))))
  (local.set $b (i32.mul (local.get $t) (i32.const @tile.softmaxXent)))
  (local.set $b1 (i32.add (local.get $b) (i32.const @tile.softmaxXent)))
  (if (i32.gt_u (local.get $b1) (i32.load offset=@softmaxXent.rows (local.get $op))) (then (local.set $b1 (i32.load offset=@softmaxXent.rows (local.get $op)))))
  (loop $rows
    (local.set $z (i32.add (i32.load offset=@softmaxXent.logits (local.get $op)) (i32.shl (i32.mul (local.get $b) (local.get $stride)) (i32.const 2))))
    (local.set $label (i32.load (i32.add (i32.load offset=@softmaxXent.labels (local.get $op)) (i32.shl (local.get $b) (i32.const 2)))))
    (local.set $m (f64.promote_f32 (f32.load (local.get $z))))
    (local.set $j (i32.const 1))
    (block $maxDone
      (loop $max
        (br_if $maxDone (i32.ge_u (local.get $j) (local.get $classes)))
        (local.set $m (f64.max (local.get $m) (f64.promote_f32 (f32.load (i32.add (local.get $z) (i32.shl (local.get $j) (i32.const 2)))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $max)))
    (local.set $s (f64.const 0))
    (local.set $j (i32.const 0))
    (loop $sum
      (local.set $s (f64.add (local.get $s)
        (call $exp64 (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $z) (i32.shl (local.get $j) (i32.const 2))))) (local.get $m)))))
      (br_if $sum (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $classes))))
    (f64.store (i32.add (i32.load offset=@softmaxXent.losses (local.get $op)) (i32.shl (local.get $b) (i32.const 3)))
      (f64.sub (f64.add (call $log64 (local.get $s)) (local.get $m))
        (f64.promote_f32 (f32.load (i32.add (local.get $z) (i32.shl (local.get $label) (i32.const 2)))))))
    (if (i32.load offset=@softmaxXent.dlogits (local.get $op))
      (then
        (local.set $d (i32.add (i32.load offset=@softmaxXent.dlogits (local.get $op)) (i32.shl (i32.mul (local.get $b) (local.get $stride)) (i32.const 2))))
        (local.set $j (i32.const 0))
        (loop $grad
          (local.set $e (f64.div (call $exp64 (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $z) (i32.shl (local.get $j) (i32.const 2))))) (local.get $m)))
            (local.get $s)))
          (if (i32.eq (local.get $j) (local.get $label)) (then (local.set $e (f64.sub (local.get $e) (f64.const 1)))))
          (f32.store (i32.add (local.get $d) (i32.shl (local.get $j) (i32.const 2))) (f32.demote_f64 (f64.mul (local.get $e) (local.get $inv))))
          (br_if $grad (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $classes))))
        (block $padDone
          (loop $pad
            (br_if $padDone (i32.ge_u (local.get $j) (local.get $stride)))
            (f32.store (i32.add (local.get $d) (i32.shl (local.get $j) (i32.const 2))) (f32.const 0))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $pad)))))
    (br_if $rows (i32.lt_u (local.tee $b (i32.add (local.get $b) (i32.const 1))) (local.get $b1)))))

(func $op_lossSum (param $op i32) (param $t i32) (param $step i32)
  (local $p i32) (local $r i32) (local $s f64)
  (local.set $p (i32.load offset=@lossSum.losses (local.get $op)))
  (local.set $r (i32.load offset=@lossSum.rows (local.get $op)))
  (loop $rows
    (local.set $s (f64.add (local.get $s) (f64.load (local.get $p))))
    (local.set $p (i32.add (local.get $p) (i32.const 8)))
    (br_if $rows (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
  (f32.store (i32.add (i32.load offset=@lossSum.out (local.get $op)) (i32.shl (i32.load offset=@step.slot (local.get $step)) (i32.const 2)))
    (f32.demote_f64 (local.get $s))))

;; Whether an f32's bits are a NaN (bits beyond the infinity pattern).
(func $isNan (param $x f32) (result i32)
  (i32.gt_u (i32.and (i32.reinterpret_f32 (local.get $x)) (i32.const 0x7fffffff)) (i32.const 0x7f800000)))

(func $op_accuracy (param $op i32) (param $t i32) (param $step i32)
  (local $b i32) (local $b1 i32) (local $classes i32) (local $z i32) (local $j i32) (local $arg i32) (local $nan i32)
  (local $count i32) (local $best f32) (local $v f32)
  (local.set $classes (i32.load offset=@accuracy.classes (local.get $op)))
  (local.set $b (i32.mul (local.get $t) (i32.const @tile.accuracy)))
  (local.set $b1 (i32.add (local.get $b) (i32.const @tile.accuracy)))
  (if (i32.gt_u (local.get $b1) (i32.load offset=@accuracy.rows (local.get $op))) (then (local.set $b1 (i32.load offset=@accuracy.rows (local.get $op)))))
  (loop $rows
    (local.set $z (i32.add (i32.load offset=@accuracy.logits (local.get $op))
      (i32.shl (i32.mul (local.get $b) (i32.load offset=@accuracy.stride (local.get $op))) (i32.const 2))))
    (local.set $best (f32.load (local.get $z)))
    (local.set $arg (i32.const 0))
    (local.set $nan (call $isNan (local.get $best)))
    (local.set $j (i32.const 1))
    (block $argDone
      (loop $argmax
        (br_if $argDone (i32.ge_u (local.get $j) (local.get $classes)))
        (local.set $v (f32.load (i32.add (local.get $z) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $nan (i32.or (local.get $nan) (call $isNan (local.get $v))))
        (if (f32.gt (local.get $v) (local.get $best))
          (then (local.set $best (local.get $v)) (local.set $arg (local.get $j))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $argmax)))
    (if (i32.and (i32.eqz (local.get $nan))
          (i32.eq (local.get $arg) (i32.load (i32.add (i32.load offset=@accuracy.labels (local.get $op)) (i32.shl (local.get $b) (i32.const 2))))))
      (then (local.set $count (i32.add (local.get $count) (i32.const 1)))))
    (br_if $rows (i32.lt_u (local.tee $b (i32.add (local.get $b) (i32.const 1))) (local.get $b1))))
  (drop (i32.atomic.rmw.add (i32.load offset=@accuracy.counts (local.get $op)) (local.get $count))))
