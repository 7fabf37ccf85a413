;; Each validation row's outcome (shaders/accuracy.wgsl, src/reference/validation-stats.ts rowOutcome):
;; the top-3 classes by strict > scanning upwards (ties: the earlier index stays ahead), and, unless the
;; row holds a NaN (found from the bits), p_j = e^(d_j) / Σ_k e^(d_k) with d_j = z_j − max z (0 where z_j
;; is the max: a +Inf logit gets 1), clamped below at −88, in f64. The host adds the records up in row
;; order (correct count, confusion matrix, calibration bins), so the totals need no atomics at all.
;; Record (48 bytes) at out + (step.batchStart + b)·48: u32 top1, top2, top3 (0xffffffff: none or an
;; invalid row), label; f64 p(top1), p(top2), p(top3), p(label) (all 0 for an invalid row).

;; d = z − m clamped at −88, 0 where z = m.
(func $shifted (param $z f64) (param $m f64) (result f64)
  (if (result f64) (f64.eq (local.get $z) (local.get $m))
    (then (f64.const 0))
    (else (f64.max (f64.sub (local.get $z) (local.get $m)) (f64.const -88)))))

(func $op_outcome (param $op i32) (param $t i32) (param $step i32)
  (local $b i32) (local $b1 i32) (local $classes i32) (local $z i32) (local $j i32) (local $v f32) (local $nan i32) (local $rec i32)
  (local $t0 i32) (local $t1 i32) (local $t2 i32) (local $v0 f32) (local $v1 f32) (local $v2 f32) (local $m f64) (local $s f64) (local $label i32)
  (local.set $classes (i32.load offset=@outcome.classes (local.get $op)))
  (local.set $b (i32.mul (local.get $t) (i32.const @tile.outcome)))
  (local.set $b1 (i32.add (local.get $b) (i32.const @tile.outcome)))
  (if (i32.gt_u (local.get $b1) (i32.load offset=@outcome.rows (local.get $op))) (then (local.set $b1 (i32.load offset=@outcome.rows (local.get $op)))))
  (loop $rows
    (local.set $z (i32.add (i32.load offset=@outcome.logits (local.get $op)) (i32.shl (i32.mul (local.get $b) (i32.load offset=@outcome.stride (local.get $op))) (i32.const 2))))
    (local.set $label (i32.load (i32.add (i32.load offset=@outcome.labels (local.get $op)) (i32.shl (local.get $b) (i32.const 2)))))
    (local.set $rec (i32.add (i32.load offset=@outcome.out (local.get $op))
      (i32.mul (i32.add (i32.load offset=@step.batchStart (local.get $step)) (local.get $b)) (i32.const @record.outcome))))
    (local.set $t0 (i32.const 0)) (local.set $t1 (i32.const -1)) (local.set $t2 (i32.const -1))
    (local.set $v0 (f32.load (local.get $z)))
    (local.set $nan (call $isNan (local.get $v0)))
    (local.set $j (i32.const 1))
    (block $scanDone
      (loop $scan
        (br_if $scanDone (i32.ge_u (local.get $j) (local.get $classes)))
        (local.set $v (f32.load (i32.add (local.get $z) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $nan (i32.or (local.get $nan) (call $isNan (local.get $v))))
        (if (f32.gt (local.get $v) (local.get $v0))
          (then
            (local.set $t2 (local.get $t1)) (local.set $v2 (local.get $v1))
            (local.set $t1 (local.get $t0)) (local.set $v1 (local.get $v0))
            (local.set $t0 (local.get $j)) (local.set $v0 (local.get $v)))
          (else
            (if (i32.or (i32.eq (local.get $t1) (i32.const -1)) (f32.gt (local.get $v) (local.get $v1)))
              (then
                (local.set $t2 (local.get $t1)) (local.set $v2 (local.get $v1))
                (local.set $t1 (local.get $j)) (local.set $v1 (local.get $v)))
              (else
                (if (i32.or (i32.eq (local.get $t2) (i32.const -1)) (f32.gt (local.get $v) (local.get $v2)))
                  (then (local.set $t2 (local.get $j)) (local.set $v2 (local.get $v))))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $scan)))
    (i32.store offset=12 (local.get $rec) (local.get $label))
    (if (local.get $nan)
      (then
        (i32.store (local.get $rec) (i32.const -1))
        (i32.store offset=4 (local.get $rec) (i32.const -1))
        (i32.store offset=8 (local.get $rec) (i32.const -1))
        (f64.store offset=16 (local.get $rec) (f64.const 0))
        (f64.store offset=24 (local.get $rec) (f64.const 0))
        (f64.store offset=32 (local.get $rec) (f64.const 0))
        (f64.store offset=40 (local.get $rec) (f64.const 0)))
      (else
        (local.set $m (f64.promote_f32 (local.get $v0)))
        (local.set $s (f64.const 0))
        (local.set $j (i32.const 0))
        (loop $sum
          (local.set $s (f64.add (local.get $s)
            (call $exp64 (call $shifted (f64.promote_f32 (f32.load (i32.add (local.get $z) (i32.shl (local.get $j) (i32.const 2))))) (local.get $m)))))
          (br_if $sum (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $classes))))
        (i32.store (local.get $rec) (local.get $t0))
        (i32.store offset=4 (local.get $rec) (local.get $t1))
        (i32.store offset=8 (local.get $rec) (local.get $t2))
        (f64.store offset=16 (local.get $rec) (f64.div (call $exp64 (call $shifted (f64.promote_f32 (local.get $v0)) (local.get $m))) (local.get $s)))
        (f64.store offset=24 (local.get $rec)
          (select (f64.const 0) (f64.div (call $exp64 (call $shifted (f64.promote_f32 (local.get $v1)) (local.get $m))) (local.get $s)) (i32.eq (local.get $t1) (i32.const -1))))
        (f64.store offset=32 (local.get $rec)
          (select (f64.const 0) (f64.div (call $exp64 (call $shifted (f64.promote_f32 (local.get $v2)) (local.get $m))) (local.get $s)) (i32.eq (local.get $t2) (i32.const -1))))
        (f64.store offset=40 (local.get $rec)
          (f64.div (call $exp64 (call $shifted (f64.promote_f32 (f32.load (i32.add (local.get $z) (i32.shl (local.get $label) (i32.const 2))))) (local.get $m))) (local.get $s)))))
    (br_if $rows (i32.lt_u (local.tee $b (i32.add (local.get $b) (i32.const 1))) (local.get $b1)))))
