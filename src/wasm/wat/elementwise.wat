;; Elementwise ops over (rows, stride) activations (stride in floats = pad4(features); padding stays 0).
;;   dropout (d2l §5.6, shaders/dropout.wgsl): element (b, j) is kept when
;;     uniform(mixKey(key, step.step), b·features + j) ≥ p,  uniform(k, c) = (mixKey(k, c) >>> 8) / 2^24,
;;   the draw of src/reference/dropout.ts, so no mask is stored and the backward redraws it.
;;     mode 0: dst = src ⊙ keep · scale                     (scale = 1 / (1 − p))
;;     mode 1: dst = act'(src ⊙ keep · scale; actOut)        (src = dY; actOut = the producer's output)
;;   activation: mode 0: dst = act(src (+ src2: the residual add)); mode 1: dst = src ⊙ act'(y), y = the
;;     activation's output.
;;   copySlice: dst[b, dstOffset + j] = act'(src[b, srcOffset + j]; y[b, dstOffset + j]) for j < count
;;     (concat's forward copies a branch into its channels, its backward copies them out; strides and
;;     offsets in floats, the offsets of any alignment: whole vec4s, then the last 1–3 lanes one by one).
;;   gradSum: dst = act'(a + b; y), b = 0: act'(a; y) (a tensor's gradient from its consumers' parts)
;; act' from the output y: relu [y > 0], sigmoid y·(1 − y), tanh 1 − y². Tile t covers rows [8t, 8t + 8).

;; v ⊙ act'(y) for activation kind `kind` (none: v).
(func $actGrad (param $v v128) (param $y v128) (param $kind i32) (result v128)
  (if (i32.eq (local.get $kind) (i32.const @act.relu))
    (then (return (v128.and (local.get $v) (f32x4.gt (local.get $y) (v128.const f32x4 0 0 0 0))))))
  (if (i32.eq (local.get $kind) (i32.const @act.sigmoid))
    (then (return (f32x4.mul (local.get $v) (f32x4.mul (local.get $y) (f32x4.sub (f32x4.splat (f32.const 1)) (local.get $y)))))))
  (if (i32.eq (local.get $kind) (i32.const @act.tanh))
    (then (return (f32x4.mul (local.get $v) (f32x4.sub (f32x4.splat (f32.const 1)) (f32x4.mul (local.get $y) (local.get $y)))))))
  (local.get $v))

(func $op_dropout (param $op i32) (param $t i32) (param $step i32)
  (local $b i32) (local $b1 i32) (local $features i32) (local $stride i32) (local $j i32) (local $at i32) (local $key v128)
  (local $p v128) (local $scale v128) (local $keep v128) (local $u v128) (local $v v128) (local $mode i32) (local $act i32)
  (local.set $features (i32.load offset=@dropout.features (local.get $op)))
  (local.set $stride (i32.load offset=@dropout.stride (local.get $op)))
  (local.set $mode (i32.load offset=@dropout.mode (local.get $op)))
  (local.set $act (i32.load offset=@dropout.act (local.get $op)))
  (local.set $key (i32x4.splat (call $mixKey (i32.load offset=@dropout.key (local.get $op)) (i32.load offset=@step.step (local.get $step)))))
  (local.set $p (f32x4.splat (f32.load offset=@dropout.p (local.get $op))))
  (local.set $scale (f32x4.splat (f32.load offset=@dropout.scale (local.get $op))))
  (local.set $b (i32.mul (local.get $t) (i32.const @tile.dropout)))
  (local.set $b1 (i32.add (local.get $b) (i32.const @tile.dropout)))
  (if (i32.gt_u (local.get $b1) (i32.load offset=@dropout.rows (local.get $op))) (then (local.set $b1 (i32.load offset=@dropout.rows (local.get $op)))))
  (loop $rows
    (local.set $j (i32.const 0))
    (loop $cols
      ;; byte offset of (b, j)
      (local.set $at (i32.shl (i32.add (i32.mul (local.get $b) (local.get $stride)) (local.get $j)) (i32.const 2)))
      (local.set $u (call $hash4 (v128.xor (local.get $key)
        (call $hash4 (i32x4.add (i32x4.splat (i32.add (i32.mul (local.get $b) (local.get $features)) (local.get $j)))
          (v128.const i32x4 0x9e3779b9 0x9e3779ba 0x9e3779bb 0x9e3779bc))))))
      (local.set $u (f32x4.mul (f32x4.convert_i32x4_u (i32x4.shr_u (local.get $u) (i32.const 8))) (f32x4.splat (f32.const 0x1p-24))))
      (local.set $keep (v128.and (f32x4.ge (local.get $u) (local.get $p)) (call $lanesBelow (local.get $j) (local.get $features))))
      ;; (src · scale) with dropped lanes cleared to +0, as the reference writes them
      (local.set $v (v128.and (f32x4.mul (v128.load (i32.add (i32.load offset=@dropout.src (local.get $op)) (local.get $at))) (local.get $scale)) (local.get $keep)))
      (if (local.get $mode)
        (then (local.set $v (call $actGrad (local.get $v) (v128.load (i32.add (i32.load offset=@dropout.actOut (local.get $op)) (local.get $at))) (local.get $act)))))
      (v128.store (i32.add (i32.load offset=@dropout.dst (local.get $op)) (local.get $at)) (local.get $v))
      (br_if $cols (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 4))) (local.get $stride))))
    (br_if $rows (i32.lt_u (local.tee $b (i32.add (local.get $b) (i32.const 1))) (local.get $b1)))))

(func $op_activation (param $op i32) (param $t i32) (param $step i32)
  (local $b i32) (local $b1 i32) (local $features i32) (local $stride i32) (local $j i32) (local $at i32) (local $kind i32)
  (local $v v128)
  (local.set $features (i32.load offset=@activation.features (local.get $op)))
  (local.set $stride (i32.load offset=@activation.stride (local.get $op)))
  (local.set $kind (i32.load offset=@activation.kind (local.get $op)))
  (local.set $b (i32.mul (local.get $t) (i32.const @tile.activation)))
  (local.set $b1 (i32.add (local.get $b) (i32.const @tile.activation)))
  (if (i32.gt_u (local.get $b1) (i32.load offset=@activation.rows (local.get $op))) (then (local.set $b1 (i32.load offset=@activation.rows (local.get $op)))))
  (loop $rows
    (local.set $j (i32.const 0))
    (loop $cols
      (local.set $at (i32.shl (i32.add (i32.mul (local.get $b) (local.get $stride)) (local.get $j)) (i32.const 2)))
      (local.set $v (v128.load (i32.add (i32.load offset=@activation.src (local.get $op)) (local.get $at))))
      (if (i32.load offset=@activation.src2 (local.get $op))
        (then (local.set $v (f32x4.add (local.get $v) (v128.load (i32.add (i32.load offset=@activation.src2 (local.get $op)) (local.get $at)))))))
      (if (i32.load offset=@activation.mode (local.get $op))
        (then (local.set $v (call $actGrad (local.get $v) (v128.load (i32.add (i32.load offset=@activation.y (local.get $op)) (local.get $at))) (local.get $kind))))
        (else
          (if (i32.eq (local.get $kind) (i32.const @act.relu))
            (then (local.set $v (v128.and (local.get $v) (f32x4.gt (local.get $v) (v128.const f32x4 0 0 0 0))))))
          (if (i32.eq (local.get $kind) (i32.const @act.sigmoid))
            (then (local.set $v (call $sigmoid4 (local.get $v)))))
          (if (i32.eq (local.get $kind) (i32.const @act.tanh))
            (then (local.set $v (call $tanh4 (local.get $v)))))))
      (v128.store (i32.add (i32.load offset=@activation.dst (local.get $op)) (local.get $at))
        (v128.and (local.get $v) (call $lanesBelow (local.get $j) (local.get $features))))
      (br_if $cols (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 4))) (local.get $stride))))
    (br_if $rows (i32.lt_u (local.tee $b (i32.add (local.get $b) (i32.const 1))) (local.get $b1)))))

(func $op_gradSum (param $op i32) (param $t i32) (param $step i32)
  (local $b i32) (local $b1 i32) (local $features i32) (local $stride i32) (local $j i32) (local $at i32) (local $v v128)
  (local.set $features (i32.load offset=@gradSum.features (local.get $op)))
  (local.set $stride (i32.load offset=@gradSum.stride (local.get $op)))
  (local.set $b (i32.mul (local.get $t) (i32.const @tile.gradSum)))
  (local.set $b1 (i32.add (local.get $b) (i32.const @tile.gradSum)))
  (if (i32.gt_u (local.get $b1) (i32.load offset=@gradSum.rows (local.get $op))) (then (local.set $b1 (i32.load offset=@gradSum.rows (local.get $op)))))
  (loop $rows
    (local.set $j (i32.const 0))
    (loop $cols
      (local.set $at (i32.shl (i32.add (i32.mul (local.get $b) (local.get $stride)) (local.get $j)) (i32.const 2)))
      (local.set $v (v128.load (i32.add (i32.load offset=@gradSum.a (local.get $op)) (local.get $at))))
      (if (i32.load offset=@gradSum.b (local.get $op))
        (then (local.set $v (f32x4.add (local.get $v) (v128.load (i32.add (i32.load offset=@gradSum.b (local.get $op)) (local.get $at)))))))
      (local.set $v (call $actGrad (local.get $v) (v128.load (i32.add (i32.load offset=@gradSum.y (local.get $op)) (local.get $at))) (i32.load offset=@gradSum.act (local.get $op))))
      (v128.store (i32.add (i32.load offset=@gradSum.dst (local.get $op)) (local.get $at))
        (v128.and (local.get $v) (call $lanesBelow (local.get $j) (local.get $features))))
      (br_if $cols (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 4))) (local.get $stride))))
    (br_if $rows (i32.lt_u (local.tee $b (i32.add (local.get $b) (i32.const 1))) (local.get $b1)))))

(func $op_copySlice (param $op i32) (param $t i32) (param $step i32)
  (local $b i32) (local $b1 i32) (local $count i32) (local $j i32) (local $src i32) (local $dst i32) (local $y i32) (local $act i32) (local $v v128)
  (local.set $count (i32.load offset=@copySlice.count (local.get $op)))
  (local.set $act (i32.load offset=@copySlice.act (local.get $op)))
  (local.set $b (i32.mul (local.get $t) (i32.const @tile.copySlice)))
  (local.set $b1 (i32.add (local.get $b) (i32.const @tile.copySlice)))
  (if (i32.gt_u (local.get $b1) (i32.load offset=@copySlice.rows (local.get $op))) (then (local.set $b1 (i32.load offset=@copySlice.rows (local.get $op)))))
  (loop $rows
    (local.set $src (i32.add (i32.load offset=@copySlice.src (local.get $op))
      (i32.shl (i32.add (i32.mul (local.get $b) (i32.load offset=@copySlice.srcStride (local.get $op))) (i32.load offset=@copySlice.srcOffset (local.get $op))) (i32.const 2))))
    (local.set $dst (i32.shl (i32.add (i32.mul (local.get $b) (i32.load offset=@copySlice.dstStride (local.get $op))) (i32.load offset=@copySlice.dstOffset (local.get $op))) (i32.const 2)))
    (local.set $y (i32.add (i32.load offset=@copySlice.y (local.get $op)) (local.get $dst)))
    (local.set $dst (i32.add (i32.load offset=@copySlice.dst (local.get $op)) (local.get $dst)))
    (local.set $j (i32.const 0))
    (loop $vecs
      (local.set $v (v128.load (local.get $src)))
      (if (local.get $act) (then (local.set $v (call $actGrad (local.get $v) (v128.load (local.get $y)) (local.get $act)))))
      (if (i32.ge_s (i32.sub (local.get $count) (local.get $j)) (i32.const 4))
        (then (v128.store (local.get $dst) (local.get $v)))
        (else (call $storeLanes (local.get $v) (local.get $dst) (i32.sub (local.get $count) (local.get $j)))))
      (local.set $src (i32.add (local.get $src) (i32.const 16)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
      (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (br_if $vecs (i32.lt_s (local.tee $j (i32.add (local.get $j) (i32.const 4))) (local.get $count))))
    (br_if $rows (i32.lt_u (local.tee $b (i32.add (local.get $b) (i32.const 1))) (local.get $b1)))))
