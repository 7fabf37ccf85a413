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

;; The image gather (src/reference/gather.ts, shaders/gather.wgsl gather_image / gather_augment): for row b,
;;   augment (key ≠ 0: the epoch's key is the word at `key`): crop offsets oy, ox ∈ [0, 2p] and a flip drawn
;;     from k = mixKey(epochKey, idx): offset(n) = ((mixKey(k, n) >>> 16)·(2p + 1)) >>> 16, flip = bit 31 of
;;     mixKey(k, 2); a[c, y, x] = raw[c, y + oy − p, x' + ox − p], x' = W − 1 − x when flipped, 0 outside
;;   normalise at the source resolution: n = a·scale[j] + shift[j] (f32 product, then f32 sum)
;;   resize (resize = 1): PyTorch's bilinear, align_corners=False: source s = max((o + ½)·scale − ½, 0),
;;     taps floor(s) and floor(s) + 1 (clamped to the edge), weights by the fraction, in f32 as on the GPU.
;; x: (rows, stride) with C·oh·ow real floats, padding written 0. Tile t covers rows [4t, 4t + 4).

;; The normalised (augmented) source value at (c, ay, ax) of example idx.
(func $imageValue (param $op i32) (param $idx i32) (param $c i32) (param $ay i32) (param $ax i32) (param $oy i32) (param $ox i32) (param $flip i32) (result f32)
  (local $h i32) (local $w i32) (local $sy i32) (local $sx i32) (local $raw f32) (local $e i32) (local $j i32)
  (local.set $h (i32.load offset=@gatherImage.h (local.get $op)))
  (local.set $w (i32.load offset=@gatherImage.w (local.get $op)))
  (local.set $sy (i32.add (local.get $ay) (local.get $oy)))
  (local.set $sx (i32.add (select (i32.sub (i32.sub (local.get $w) (i32.const 1)) (local.get $ax)) (local.get $ax) (local.get $flip)) (local.get $ox)))
  (if (i32.and (i32.lt_u (local.get $sy) (local.get $h)) (i32.lt_u (local.get $sx) (local.get $w)))
    (then
      (local.set $e (i32.add (i32.mul (local.get $idx) (i32.mul (i32.load offset=@gatherImage.channels (local.get $op)) (i32.mul (local.get $h) (local.get $w))))
        (i32.add (i32.mul (i32.add (i32.mul (local.get $c) (local.get $h)) (local.get $sy)) (local.get $w)) (local.get $sx))))
      (if (i32.load offset=@gatherImage.dtype (local.get $op))
        (then (local.set $raw (f32.load (i32.add (i32.load offset=@gatherImage.data (local.get $op)) (i32.shl (local.get $e) (i32.const 2))))))
        (else (local.set $raw (f32.convert_i32_u (i32.load8_u (i32.add (i32.load offset=@gatherImage.data (local.get $op)) (local.get $e)))))))))
  (local.set $j (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $c) (local.get $h)) (local.get $ay)) (local.get $w)) (local.get $ax)) (i32.const 2)))
  (f32.add (f32.mul (local.get $raw) (f32.load (i32.add (i32.load offset=@gatherImage.scale (local.get $op)) (local.get $j))))
    (f32.load (i32.add (i32.load offset=@gatherImage.shift (local.get $op)) (local.get $j)))))

(func $op_gatherImage (param $op i32) (param $t i32) (param $step i32)
  (local $b i32) (local $b1 i32) (local $idx i32) (local $key i32) (local $crop i32) (local $oy i32) (local $ox i32) (local $flip i32)
  (local $c i32) (local $i i32) (local $j i32) (local $dst i32) (local $oh i32) (local $ow i32) (local $h i32) (local $w i32) (local $v f32)
  (local $sy f32) (local $sx f32) (local $y0 i32) (local $y1 i32) (local $x0 i32) (local $x1 i32) (local $ly f32) (local $lx f32) (local $n i32)
  (local.set $oh (i32.load offset=@gatherImage.oh (local.get $op)))
  (local.set $ow (i32.load offset=@gatherImage.ow (local.get $op)))
  (local.set $h (i32.load offset=@gatherImage.h (local.get $op)))
  (local.set $w (i32.load offset=@gatherImage.w (local.get $op)))
  (local.set $crop (i32.load offset=@gatherImage.crop (local.get $op)))
  (local.set $b (i32.mul (local.get $t) (i32.const @tile.gatherImage)))
  (local.set $b1 (i32.add (local.get $b) (i32.const @tile.gatherImage)))
  (if (i32.gt_u (local.get $b1) (i32.load offset=@gatherImage.rows (local.get $op))) (then (local.set $b1 (i32.load offset=@gatherImage.rows (local.get $op)))))
  (loop $rows
    (local.set $idx (i32.add (i32.load offset=@step.batchStart (local.get $step)) (local.get $b)))
    (if (i32.load offset=@gatherImage.order (local.get $op))
      (then (local.set $idx (i32.load (i32.add (i32.load offset=@gatherImage.order (local.get $op)) (i32.shl (local.get $idx) (i32.const 2)))))))
    (i32.store (i32.add (i32.load offset=@gatherImage.y (local.get $op)) (i32.shl (local.get $b) (i32.const 2)))
      (i32.load (i32.add (i32.load offset=@gatherImage.labels (local.get $op)) (i32.shl (local.get $idx) (i32.const 2)))))
    (local.set $oy (i32.const 0)) (local.set $ox (i32.const 0)) (local.set $flip (i32.const 0))
    (if (i32.load offset=@gatherImage.key (local.get $op))
      (then
        (local.set $key (call $mixKey (i32.load (i32.load offset=@gatherImage.key (local.get $op))) (local.get $idx)))
        (local.set $n (i32.add (i32.shl (local.get $crop) (i32.const 1)) (i32.const 1)))
        (local.set $oy (i32.sub (i32.shr_u (i32.mul (i32.shr_u (call $mixKey (local.get $key) (i32.const 0)) (i32.const 16)) (local.get $n)) (i32.const 16)) (local.get $crop)))
        (local.set $ox (i32.sub (i32.shr_u (i32.mul (i32.shr_u (call $mixKey (local.get $key) (i32.const 1)) (i32.const 16)) (local.get $n)) (i32.const 16)) (local.get $crop)))
        (local.set $flip (i32.and (i32.load offset=@gatherImage.flip (local.get $op)) (i32.shr_u (call $mixKey (local.get $key) (i32.const 2)) (i32.const 31))))))
    (local.set $dst (i32.add (i32.load offset=@gatherImage.x (local.get $op)) (i32.shl (i32.mul (local.get $b) (i32.load offset=@gatherImage.stride (local.get $op))) (i32.const 2))))
    (local.set $c (i32.const 0))
    (loop $channels
      (local.set $i (i32.const 0))
      (loop $outRows
        (if (i32.load offset=@gatherImage.resize (local.get $op))
          (then
            (local.set $sy (f32.max (f32.sub (f32.mul (f32.add (f32.convert_i32_u (local.get $i)) (f32.const 0.5)) (f32.load offset=@gatherImage.scaleY (local.get $op))) (f32.const 0.5)) (f32.const 0)))
            (local.set $y0 (i32.trunc_f32_u (local.get $sy)))
            (if (i32.gt_u (local.get $y0) (i32.sub (local.get $h) (i32.const 1))) (then (local.set $y0 (i32.sub (local.get $h) (i32.const 1)))))
            (local.set $y1 (select (i32.add (local.get $y0) (i32.const 1)) (local.get $y0) (i32.lt_u (i32.add (local.get $y0) (i32.const 1)) (local.get $h))))
            (local.set $ly (f32.sub (local.get $sy) (f32.convert_i32_u (local.get $y0))))))
        (local.set $j (i32.const 0))
        (loop $outCols
          (if (i32.load offset=@gatherImage.resize (local.get $op))
            (then
              (local.set $sx (f32.max (f32.sub (f32.mul (f32.add (f32.convert_i32_u (local.get $j)) (f32.const 0.5)) (f32.load offset=@gatherImage.scaleX (local.get $op))) (f32.const 0.5)) (f32.const 0)))
              (local.set $x0 (i32.trunc_f32_u (local.get $sx)))
              (if (i32.gt_u (local.get $x0) (i32.sub (local.get $w) (i32.const 1))) (then (local.set $x0 (i32.sub (local.get $w) (i32.const 1)))))
              (local.set $x1 (select (i32.add (local.get $x0) (i32.const 1)) (local.get $x0) (i32.lt_u (i32.add (local.get $x0) (i32.const 1)) (local.get $w))))
              (local.set $lx (f32.sub (local.get $sx) (f32.convert_i32_u (local.get $x0))))
              (local.set $v (f32.add
                (f32.mul (f32.sub (f32.const 1) (local.get $ly))
                  (f32.add (f32.mul (f32.sub (f32.const 1) (local.get $lx)) (call $imageValue (local.get $op) (local.get $idx) (local.get $c) (local.get $y0) (local.get $x0) (local.get $oy) (local.get $ox) (local.get $flip)))
                    (f32.mul (local.get $lx) (call $imageValue (local.get $op) (local.get $idx) (local.get $c) (local.get $y0) (local.get $x1) (local.get $oy) (local.get $ox) (local.get $flip)))))
                (f32.mul (local.get $ly)
                  (f32.add (f32.mul (f32.sub (f32.const 1) (local.get $lx)) (call $imageValue (local.get $op) (local.get $idx) (local.get $c) (local.get $y1) (local.get $x0) (local.get $oy) (local.get $ox) (local.get $flip)))
                    (f32.mul (local.get $lx) (call $imageValue (local.get $op) (local.get $idx) (local.get $c) (local.get $y1) (local.get $x1) (local.get $oy) (local.get $ox) (local.get $flip))))))))
            (else (local.set $v (call $imageValue (local.get $op) (local.get $idx) (local.get $c) (local.get $i) (local.get $j) (local.get $oy) (local.get $ox) (local.get $flip)))))
          (f32.store (local.get $dst) (local.get $v))
          (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
          (br_if $outCols (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $ow))))
        (br_if $outRows (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $oh))))
      (br_if $channels (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (i32.load offset=@gatherImage.channels (local.get $op)))))
    ;; the row's padding
    (local.set $n (i32.mul (i32.load offset=@gatherImage.channels (local.get $op)) (i32.mul (local.get $oh) (local.get $ow))))
    (block $padDone
      (loop $pad
        (br_if $padDone (i32.ge_u (local.get $n) (i32.load offset=@gatherImage.stride (local.get $op))))
        (f32.store (local.get $dst) (f32.const 0))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $pad)))
    (br_if $rows (i32.lt_u (local.tee $b (i32.add (local.get $b) (i32.const 1))) (local.get $b1)))))
