;; Matrix products C = epilogue(A·B (+ bias)) in the three training layouts, by strides:
;;   nn  (forward,  Y = X·W):       A (M, K) row-major: rsa = row bytes, csa = 4;  B (K, N) row-major
;;   tn  (weight grad, dW = Xᵀ·dZ): A = Xᵀ: rsa = 4, csa = X's row bytes;         B = dZ (K, N)
;;   nt  (input grad, dX = dZ·Wᵀ):  A = dZ row-major;                             B = Wᵀ packed by transpose
;; B rows are read as vec4s up to the block's width: B's row stride covers pad4(N), and columns past N
;; are computed and dropped. The output is cut into (tileRows × tileCols) tiles (tileRows a multiple of
;; 4, tileCols of 8); a tile walks its 8-column panels, and each panel its 4-row blocks, so one panel of
;; B is reused from L1 across the tile's rows. Every C element is one micro-kernel's sum over k = 0…K−1.
;;
;; Epilogues (per output vec4; `aux` has C's row stride):
;;   none: v   relu: v·[v > 0]   sigmoid: σ(v)   tanh: tanh(v)   (each after + bias where bias ≠ 0)
;;   reluMask: v·[aux > 0]   sigmoidGrad: v·aux·(1 − aux)   tanhGrad: v·(1 − aux²)   (dX through the producer's activation)
;; Flags (abi.mjs epilogueFlags): rowBias: bias[i] splatted (a convolution's output channel) instead of
;; bias[j..j+3]; accumulate: v += C first (a sum over examples, in order); exact: lanes past the row's
;; end are not written (NCHW rows of any length, packed back to back). Without `exact`, lanes past N
;; are written as 0, so C's padding stays zero (the next product reads it as K padding).

;; One output vec4 at c + off: accumulate, bias, epilogue, then the lanes below `valid` (≤ 0: nothing is stored).
(func $storeVec (param $v v128) (param $c i32) (param $valid i32) (param $off i32) (param $epi i32) (param $bias i32) (param $aux i32)
  (local $y v128) (local $at i32)
  (if (i32.le_s (local.get $valid) (i32.const 0)) (then (return)))
  (local.set $at (i32.add (local.get $c) (local.get $off)))
  (if (i32.and (local.get $epi) (i32.const @flag.accumulate))
    (then (local.set $v (f32x4.add (v128.load (local.get $at)) (local.get $v)))))
  (if (local.get $bias)
    (then
      (if (i32.and (local.get $epi) (i32.const @flag.rowBias))
        (then (local.set $v (f32x4.add (local.get $v) (v128.load32_splat (local.get $bias)))))
        (else (local.set $v (f32x4.add (local.get $v) (v128.load (i32.add (local.get $bias) (local.get $off)))))))))
  (block $store
    (block $tanhGrad
      (block $tanh
        (block $sigmoidGrad
          (block $reluMask
            (block $sigmoid
              (block $relu
                (br_table $store $relu $sigmoid $reluMask $sigmoidGrad $tanh $tanhGrad $store (i32.and (local.get $epi) (i32.const 255))))
              ;; relu as the reference writes it: v > 0 ? v : 0 (NaN → 0)
              (local.set $v (v128.and (local.get $v) (f32x4.gt (local.get $v) (v128.const f32x4 0 0 0 0))))
              (br $store))
            (local.set $v (call $sigmoid4 (local.get $v)))
            (br $store))
          (local.set $v (v128.and (local.get $v) (f32x4.gt (v128.load (i32.add (local.get $aux) (local.get $off))) (v128.const f32x4 0 0 0 0))))
          (br $store))
        (local.set $y (v128.load (i32.add (local.get $aux) (local.get $off))))
        (local.set $v (f32x4.mul (local.get $v) (f32x4.mul (local.get $y) (f32x4.sub (f32x4.splat (f32.const 1)) (local.get $y)))))
        (br $store))
      (local.set $v (call $tanh4 (local.get $v)))
      (br $store))
    (local.set $y (v128.load (i32.add (local.get $aux) (local.get $off))))
    (local.set $v (f32x4.mul (local.get $v) (f32x4.sub (f32x4.splat (f32.const 1)) (f32x4.mul (local.get $y) (local.get $y))))))
  (if (i32.lt_s (local.get $valid) (i32.const 4))
    (then
      (if (i32.and (local.get $epi) (i32.const @flag.exact))
        (then
          (f32.store (local.get $at) (f32x4.extract_lane 0 (local.get $v)))
          (if (i32.gt_s (local.get $valid) (i32.const 1)) (then (f32.store offset=4 (local.get $at) (f32x4.extract_lane 1 (local.get $v)))))
          (if (i32.gt_s (local.get $valid) (i32.const 2)) (then (f32.store offset=8 (local.get $at) (f32x4.extract_lane 2 (local.get $v)))))
          (return)))
      (local.set $v (v128.and (local.get $v) (call $lanesBelow (i32.const 0) (local.get $valid))))))
  (v128.store (local.get $at) (local.get $v)))

;; Copies a panel of B (K rows × 4·nv floats at b, rows rsb bytes apart) to the thread's scratch, rows
;; 16·nv bytes apart: the micro-kernel then streams one contiguous panel (K × 32 bytes: L1-resident for
;; K ≤ 1,500) instead of a line per k. Columns past N are copied as they are (dropped at the store).
(func $packPanel (param $b i32) (param $rsb i32) (param $k i32) (param $nv i32)
  (local $dst i32)
  (local.set $dst (global.get $scratch))
  (if (i32.eq (local.get $nv) (i32.const 2))
    (then
      (loop $rows
        (v128.store (local.get $dst) (v128.load (local.get $b)))
        (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $b)))
        (local.set $b (i32.add (local.get $b) (local.get $rsb)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
        (br_if $rows (local.tee $k (i32.sub (local.get $k) (i32.const 1))))))
    (else
      (loop $rows
        (v128.store (local.get $dst) (v128.load (local.get $b)))
        (local.set $b (i32.add (local.get $b) (local.get $rsb)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br_if $rows (local.tee $k (i32.sub (local.get $k) (i32.const 1))))))))

;; Tile t = (row tile t / tilesN, column tile t % tilesN) of a product.
(func $op_matmul (param $op i32) (param $t i32) (param $step i32)
  (local $m i32) (local $n i32) (local $k i32) (local $a i32) (local $rsa i32) (local $csa i32) (local $b i32) (local $rsb i32)
  (local $c i32) (local $rsc i32) (local $epi i32) (local $bias i32) (local $aux i32) (local $tileRows i32) (local $tilesN i32)
  (local $i0 i32) (local $i1 i32) (local $i i32) (local $j i32) (local $j1 i32) (local $biasJ i32) (local $auxIJ i32)
  (local $wide i32) (local $panel i32) (local $panelStride i32)
  (local.set $m (i32.load offset=@matmul.m (local.get $op)))
  (local.set $n (i32.load offset=@matmul.n (local.get $op)))
  (local.set $k (i32.load offset=@matmul.k (local.get $op)))
  (local.set $a (i32.load offset=@matmul.a (local.get $op)))
  (local.set $rsa (i32.load offset=@matmul.rsa (local.get $op)))
  (local.set $csa (i32.load offset=@matmul.csa (local.get $op)))
  (local.set $b (i32.load offset=@matmul.b (local.get $op)))
  (local.set $rsb (i32.load offset=@matmul.rsb (local.get $op)))
  (local.set $c (i32.load offset=@matmul.c (local.get $op)))
  (local.set $rsc (i32.load offset=@matmul.rsc (local.get $op)))
  (local.set $epi (i32.load offset=@matmul.epilogue (local.get $op)))
  (local.set $bias (i32.load offset=@matmul.bias (local.get $op)))
  (local.set $aux (i32.load offset=@matmul.aux (local.get $op)))
  (local.set $tileRows (i32.load offset=@matmul.tileRows (local.get $op)))
  (local.set $tilesN (i32.load offset=@matmul.tilesN (local.get $op)))
  (local.set $i0 (i32.mul (i32.div_u (local.get $t) (local.get $tilesN)) (local.get $tileRows)))
  (local.set $i1 (i32.add (local.get $i0) (local.get $tileRows)))
  (if (i32.gt_u (local.get $i1) (local.get $m)) (then (local.set $i1 (local.get $m))))
  (local.set $j (i32.mul (i32.rem_u (local.get $t) (local.get $tilesN)) (i32.load offset=@matmul.tileCols (local.get $op))))
  (local.set $j1 (i32.add (local.get $j) (i32.load offset=@matmul.tileCols (local.get $op))))
  (if (i32.gt_u (local.get $j1) (local.get $n)) (then (local.set $j1 (local.get $n))))
  (loop $panels
    (local.set $wide (i32.gt_u (i32.sub (local.get $j1) (local.get $j)) (i32.const 4)))
    (local.set $biasJ (select (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2))) (i32.const 0) (local.get $bias)))
    (local.set $panel (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
    (local.set $panelStride (local.get $rsb))
    (if (i32.load offset=@matmul.pack (local.get $op))
      (then
        (call $packPanel (local.get $panel) (local.get $rsb) (local.get $k) (i32.add (local.get $wide) (i32.const 1)))
        (local.set $panel (global.get $scratch))
        (local.set $panelStride (select (i32.const 32) (i32.const 16) (local.get $wide)))))
    (local.set $i (local.get $i0))
    (loop $rows
      (local.set $auxIJ (i32.add (i32.add (local.get $aux) (i32.mul (local.get $i) (local.get $rsc))) (i32.shl (local.get $j) (i32.const 2))))
      (if (local.get $wide)
        (then
          (call $mk_4x8
            (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rsa))) (local.get $rsa) (local.get $csa)
            (local.get $panel) (local.get $panelStride)
            (i32.add (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $rsc))) (i32.shl (local.get $j) (i32.const 2))) (local.get $rsc)
            (local.get $k) (i32.sub (local.get $i1) (local.get $i)) (i32.sub (local.get $j1) (local.get $j))
            (local.get $epi) (local.get $biasJ) (local.get $auxIJ)))
        (else
          (call $mk_4x4
            (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rsa))) (local.get $rsa) (local.get $csa)
            (local.get $panel) (local.get $panelStride)
            (i32.add (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $rsc))) (i32.shl (local.get $j) (i32.const 2))) (local.get $rsc)
            (local.get $k) (i32.sub (local.get $i1) (local.get $i)) (i32.sub (local.get $j1) (local.get $j))
            (local.get $epi) (local.get $biasJ) (local.get $auxIJ))))
      (br_if $rows (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 4))) (local.get $i1))))
    (br_if $panels (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 8))) (local.get $j1)))))

;; dst (cols, rows) = srcᵀ for src (rows, cols), for each of `batch` matrices (bss, bsd bytes apart);
;; tile t covers source rows [16r, 16r + 16) of matrix t / ceil(rows/16) (r = t mod ceil(rows/16)). Packs Wᵀ
;; (out, pad4(in)) from the arena's W (pad4(in), pad4(out)) for the nt product, and a convolution's
;; dY (C, P) per example into pixel-major rows (P, pad4(C)) for its weight gradient.
(func $op_transpose (param $op i32) (param $t i32) (param $step i32)
  (local $r i32) (local $r1 i32) (local $cols i32) (local $src i32) (local $rss i32) (local $dst i32) (local $rsd i32) (local $j i32)
  (local $per i32) (local $m i32) (local $srcM i32) (local $dstM i32)
  (local.set $cols (i32.load offset=@transpose.cols (local.get $op)))
  (local.set $rss (i32.load offset=@transpose.rss (local.get $op)))
  (local.set $rsd (i32.load offset=@transpose.rsd (local.get $op)))
  (local.set $per (i32.div_u (i32.add (i32.load offset=@transpose.rows (local.get $op)) (i32.const 15)) (i32.const @tile.transpose)))
  (local.set $m (i32.div_u (local.get $t) (local.get $per)))
  (local.set $srcM (i32.add (i32.load offset=@transpose.src (local.get $op)) (i32.mul (local.get $m) (i32.load offset=@transpose.bss (local.get $op)))))
  (local.set $dstM (i32.add (i32.load offset=@transpose.dst (local.get $op)) (i32.mul (local.get $m) (i32.load offset=@transpose.bsd (local.get $op)))))
  (local.set $r (i32.mul (i32.rem_u (local.get $t) (local.get $per)) (i32.const @tile.transpose)))
  (local.set $r1 (i32.add (local.get $r) (i32.const @tile.transpose)))
  (if (i32.gt_u (local.get $r1) (i32.load offset=@transpose.rows (local.get $op))) (then (local.set $r1 (i32.load offset=@transpose.rows (local.get $op)))))
  (loop $rows
    (local.set $src (i32.add (local.get $srcM) (i32.mul (local.get $r) (local.get $rss))))
    (local.set $dst (i32.add (local.get $dstM) (i32.shl (local.get $r) (i32.const 2))))
    (local.set $j (i32.const 0))
    (loop $cols
      (f32.store (local.get $dst) (f32.load (local.get $src)))
      (local.set $src (i32.add (local.get $src) (i32.const 4)))
      (local.set $dst (i32.add (local.get $dst) (local.get $rsd)))
      (br_if $cols (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $cols))))
    (br_if $rows (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (local.get $r1)))))

;; dst[j] = Σ_r src[r, j], r = 0 … rows−1 in order (the bias gradient Σ_b dZ); `cols` = pad4(N) floats,
;; tile t covers columns [64t, 64t + 64).
(func $op_colsum (param $op i32) (param $t i32) (param $step i32)
  (local $j i32) (local $j1 i32) (local $rows i32) (local $rss i32) (local $p i32) (local $r i32) (local $acc v128)
  (local.set $rows (i32.load offset=@colsum.rows (local.get $op)))
  (local.set $rss (i32.load offset=@colsum.rss (local.get $op)))
  (local.set $j (i32.mul (local.get $t) (i32.const @tile.colsum)))
  (local.set $j1 (i32.add (local.get $j) (i32.const @tile.colsum)))
  (if (i32.gt_u (local.get $j1) (i32.load offset=@colsum.cols (local.get $op))) (then (local.set $j1 (i32.load offset=@colsum.cols (local.get $op)))))
  (loop $cols
    (local.set $p (i32.add (i32.load offset=@colsum.src (local.get $op)) (i32.shl (local.get $j) (i32.const 2))))
    (local.set $acc (v128.const f32x4 0 0 0 0))
    (local.set $r (local.get $rows))
    (loop $rows
      (local.set $acc (f32x4.add (local.get $acc) (v128.load (local.get $p))))
      (local.set $p (i32.add (local.get $p) (local.get $rss)))
      (br_if $rows (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
    (v128.store (i32.add (i32.load offset=@colsum.dst (local.get $op)) (i32.shl (local.get $j) (i32.const 2))) (local.get $acc))
    (br_if $cols (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 4))) (local.get $j1)))))
