;; Batch gather + normalise (shaders/gather.wgsl): for row b of the batch,
;;   idx = order ≠ 0 ? order[step.batchStart + b] : step.batchStart + b      (validation: no order)
;;   x[b, j] = f32(data[idx, j]) · scale[j] + shift[j]    (an f32 product, then an f32 sum: the reference's rounding)
;;   y[b] = labels[idx]
;; data: (N, features) bytes (dtype 0) or f32 (dtype 1); x: (rows, stride) f32, stride = pad4(features).
;; Rows are read as whole vec4s: lanes past `features` read the next row (or the buffer's slack) and meet
;; scale = shift = 0 there, so x's padding is written as zero. Tile t covers rows [8t, 8t + 8).

(func $op_gather (param $op i32) (param $t i32) (param $step i32)
  (local $b i32) (local $b1 i32) (local $features i32) (local $stride4 i32) (local $idx i32) (local $src i32) (local $dst i32)
  (local $scale i32) (local $shift i32) (local $v i32) (local $x v128)
  (local.set $features (i32.load offset=@gather.features (local.get $op)))
  (local.set $stride4 (i32.shr_u (i32.load offset=@gather.stride (local.get $op)) (i32.const 2)))
  (local.set $b (i32.mul (local.get $t) (i32.const @tile.gather)))
  (local.set $b1 (i32.add (local.get $b) (i32.const @tile.gather)))
  (if (i32.gt_u (local.get $b1) (i32.load offset=@gather.rows (local.get $op))) (then (local.set $b1 (i32.load offset=@gather.rows (local.get $op)))))
  (loop $rows
    (local.set $idx (i32.add (i32.load offset=@step.batchStart (local.get $step)) (local.get $b)))
    (if (i32.load offset=@gather.order (local.get $op))
      (then (local.set $idx (i32.load (i32.add (i32.load offset=@gather.order (local.get $op)) (i32.shl (local.get $idx) (i32.const 2)))))))
    (i32.store (i32.add (i32.load offset=@gather.y (local.get $op)) (i32.shl (local.get $b) (i32.const 2)))
      (i32.load (i32.add (i32.load offset=@gather.labels (local.get $op)) (i32.shl (local.get $idx) (i32.const 2)))))
    (local.set $dst (i32.add (i32.load offset=@gather.x (local.get $op)) (i32.shl (i32.mul (local.get $b) (local.get $stride4)) (i32.const 4))))
    (local.set $scale (i32.load offset=@gather.scale (local.get $op)))
    (local.set $shift (i32.load offset=@gather.shift (local.get $op)))
    (local.set $v (local.get $stride4))
    (if (i32.eqz (i32.load offset=@gather.dtype (local.get $op)))
      (then
        (local.set $src (i32.add (i32.load offset=@gather.data (local.get $op)) (i32.mul (local.get $idx) (local.get $features))))
        (loop $bytes
          (local.set $x (f32x4.convert_i32x4_u (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero (local.get $src))))))
          (v128.store (local.get $dst) (f32x4.add (f32x4.mul (local.get $x) (v128.load (local.get $scale))) (v128.load (local.get $shift))))
          (local.set $src (i32.add (local.get $src) (i32.const 4)))
          (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
          (local.set $scale (i32.add (local.get $scale) (i32.const 16)))
          (local.set $shift (i32.add (local.get $shift) (i32.const 16)))
          (br_if $bytes (local.tee $v (i32.sub (local.get $v) (i32.const 1))))))
      (else
        (local.set $src (i32.add (i32.load offset=@gather.data (local.get $op)) (i32.shl (i32.mul (local.get $idx) (local.get $features)) (i32.const 2))))
        (loop $floats
          (v128.store (local.get $dst) (f32x4.add (f32x4.mul (v128.load (local.get $src)) (v128.load (local.get $scale))) (v128.load (local.get $shift))))
          (local.set $src (i32.add (local.get $src) (i32.const 16)))
          (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
          (local.set $scale (i32.add (local.get $scale) (i32.const 16)))
          (local.set $shift (i32.add (local.get $shift) (i32.const 16)))
          (br_if $floats (local.tee $v (i32.sub (local.get $v) (i32.const 1)))))))
    (br_if $rows (i32.lt_u (local.tee $b (i32.add (local.get $b) (i32.const 1))) (local.get $b1)))))
