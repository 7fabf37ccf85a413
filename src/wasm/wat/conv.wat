;; Convolution (src/reference/conv.ts: cross-correlation, square kernel k, zero padding, NCHW) as an
;; implicit GEMM on the matmul micro-kernels. A tile builds its im2col columns in the thread's scratch,
;;   columns[kk, p] = src[c, ty/d, tx/d]   for kk = (c, ky, kx), pixel p = (oy, ox) of the output,
;;   ty = oy·step − pad + ky, tx = ox·step − pad + kx, and 0 unless both are ≥ 0, multiples of d and
;;   inside the source plane,
;; then multiplies. The three products of a training step:
;;   forward   y_b (m = Cout, P) = W (Cout, K) · columns(x_b)        step = stride, d = 1, row bias + act
;;   dX        dX_b (Cin, H·W) = W' (Cin, K') · columns'(dY_b)       step = 1, d = stride, pad' = k − 1 − pad,
;;             W'[c, (o, p, q)] = W[o, c, k−1−p, k−1−q]: the transposed convolution, and the producer's
;;             activation derivative in the epilogue
;;   dW        dWᵀ (K, Cout) = Σ_b columns(x_b) (K, P) · dYp_b (P, Cout), examples in order (accumulated)
;; Every output element is one micro-kernel sum over its inner dimension (dW: one per example, added in
;; example order), computed by the one tile that owns it: the bits do not depend on the thread count.

;; Rows kk ∈ [k0, k1) of the columns of pixels [p0, p1) (row kk at dst + (kk − k0)·colStride bytes).
;; step = d = 1 takes the vector path: each output row's run is one copy of a source row with zeros
;; at the edges; the copy's last vec4 may run up to 3 floats past the run, which later writes overwrite
;; (colStride leaves 4 floats after the chunk). Otherwise one element at a time.
(func $im2col (param $src i32) (param $channels i32) (param $h i32) (param $w i32) (param $ow i32) (param $k i32)
  (param $step i32) (param $dil i32) (param $pad i32) (param $k0 i32) (param $k1 i32) (param $p0 i32) (param $p1 i32)
  (param $dst i32) (param $colStride i32)
  (local $kk i32) (local $ci i32) (local $ky i32) (local $kx i32) (local $kk2 i32) (local $plane i32) (local $row i32)
  (local $p i32) (local $oy i32) (local $ox i32) (local $x1 i32) (local $iy i32) (local $lo i32) (local $hi i32)
  (local $d i32) (local $s i32) (local $n i32) (local $i i32) (local $ty i32) (local $tx i32) (local $v f32)
  (local.set $kk2 (i32.mul (local.get $k) (local.get $k)))
  (local.set $kk (local.get $k0))
  (loop $rows
    (local.set $ci (i32.div_u (local.get $kk) (local.get $kk2)))
    (local.set $ky (i32.div_u (i32.rem_u (local.get $kk) (local.get $kk2)) (local.get $k)))
    (local.set $kx (i32.rem_u (local.get $kk) (local.get $k)))
    (local.set $plane (i32.add (local.get $src) (i32.shl (i32.mul (local.get $ci) (i32.mul (local.get $h) (local.get $w))) (i32.const 2))))
    (local.set $row (i32.add (local.get $dst) (i32.mul (i32.sub (local.get $kk) (local.get $k0)) (local.get $colStride))))
    (local.set $oy (i32.div_u (local.get $p0) (local.get $ow)))
    (local.set $ox (i32.sub (local.get $p0) (i32.mul (local.get $oy) (local.get $ow))))
    (local.set $p (local.get $p0))
    (if (i32.and (i32.eq (local.get $step) (i32.const 1)) (i32.eq (local.get $dil) (i32.const 1)))
      (then
        ;; one run per output row: pixels [p, p + x1 − ox)
        (loop $runs
          (local.set $x1 (i32.add (local.get $ox) (i32.sub (local.get $p1) (local.get $p))))
          (if (i32.gt_s (local.get $x1) (local.get $ow)) (then (local.set $x1 (local.get $ow))))
          (local.set $d (i32.add (local.get $row) (i32.shl (i32.sub (local.get $p) (local.get $p0)) (i32.const 2))))
          (local.set $iy (i32.add (i32.sub (local.get $oy) (local.get $pad)) (local.get $ky)))
          ;; columns [lo, hi) read the source row; [ox, lo) and [hi, x1) are padding
          (local.set $lo (i32.sub (local.get $pad) (local.get $kx)))
          (if (i32.lt_s (local.get $lo) (local.get $ox)) (then (local.set $lo (local.get $ox))))
          (local.set $hi (i32.sub (i32.add (local.get $w) (local.get $pad)) (local.get $kx)))
          (if (i32.gt_s (local.get $hi) (local.get $x1)) (then (local.set $hi (local.get $x1))))
          (if (i32.or (i32.lt_s (local.get $iy) (i32.const 0)) (i32.ge_s (local.get $iy) (local.get $h)))
            (then (local.set $lo (local.get $x1)) (local.set $hi (local.get $x1))))
          (if (i32.gt_s (local.get $lo) (local.get $x1)) (then (local.set $lo (local.get $x1))))
          (if (i32.lt_s (local.get $hi) (local.get $lo)) (then (local.set $hi (local.get $lo))))
          (local.set $n (i32.sub (local.get $hi) (local.get $lo)))
          (if (i32.gt_s (local.get $n) (i32.const 0))
            (then
              (local.set $s (i32.add (local.get $plane)
                (i32.shl (i32.add (i32.mul (local.get $iy) (local.get $w)) (i32.add (i32.sub (local.get $lo) (local.get $pad)) (local.get $kx))) (i32.const 2))))
              (local.set $i (i32.add (local.get $d) (i32.shl (i32.sub (local.get $lo) (local.get $ox)) (i32.const 2))))
              (loop $copy
                (v128.store (local.get $i) (v128.load (local.get $s)))
                (local.set $s (i32.add (local.get $s) (i32.const 16)))
                (local.set $i (i32.add (local.get $i) (i32.const 16)))
                (br_if $copy (i32.gt_s (local.tee $n (i32.sub (local.get $n) (i32.const 4))) (i32.const 0))))))
          ;; the padding, after the copy (which may have run into it)
          (local.set $i (local.get $ox))
          (block $leftDone
            (loop $left
              (br_if $leftDone (i32.ge_s (local.get $i) (local.get $lo)))
              (f32.store (i32.add (local.get $d) (i32.shl (i32.sub (local.get $i) (local.get $ox)) (i32.const 2))) (f32.const 0))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $left)))
          (local.set $i (local.get $hi))
          (block $rightDone
            (loop $right
              (br_if $rightDone (i32.ge_s (local.get $i) (local.get $x1)))
              (f32.store (i32.add (local.get $d) (i32.shl (i32.sub (local.get $i) (local.get $ox)) (i32.const 2))) (f32.const 0))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $right)))
          (local.set $p (i32.add (local.get $p) (i32.sub (local.get $x1) (local.get $ox))))
          (local.set $ox (i32.const 0))
          (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
          (br_if $runs (i32.lt_u (local.get $p) (local.get $p1)))))
      (else
        (loop $pixels
          (local.set $ty (i32.add (i32.sub (i32.mul (local.get $oy) (local.get $step)) (local.get $pad)) (local.get $ky)))
          (local.set $tx (i32.add (i32.sub (i32.mul (local.get $ox) (local.get $step)) (local.get $pad)) (local.get $kx)))
          (local.set $v (f32.const 0))
          (if (i32.and
                (i32.and (i32.ge_s (local.get $ty) (i32.const 0)) (i32.ge_s (local.get $tx) (i32.const 0)))
                (i32.eqz (i32.or (i32.rem_u (local.get $ty) (local.get $dil)) (i32.rem_u (local.get $tx) (local.get $dil)))))
            (then
              (local.set $ty (i32.div_u (local.get $ty) (local.get $dil)))
              (local.set $tx (i32.div_u (local.get $tx) (local.get $dil)))
              (if (i32.and (i32.lt_u (local.get $ty) (local.get $h)) (i32.lt_u (local.get $tx) (local.get $w)))
                (then (local.set $v (f32.load (i32.add (local.get $plane) (i32.shl (i32.add (i32.mul (local.get $ty) (local.get $w)) (local.get $tx)) (i32.const 2)))))))))
          (f32.store (i32.add (local.get $row) (i32.shl (i32.sub (local.get $p) (local.get $p0)) (i32.const 2))) (local.get $v))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (if (i32.eq (local.get $ox) (local.get $ow))
            (then (local.set $ox (i32.const 0)) (local.set $oy (i32.add (local.get $oy) (i32.const 1)))))
          (br_if $pixels (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $p1))))))
    (br_if $rows (i32.lt_u (local.tee $kk (i32.add (local.get $kk) (i32.const 1))) (local.get $k1)))))

;; Tile t = (example t / chunks, pixel chunk t mod chunks): columns, then every 4-row block of the output
;; channels against every 8-pixel panel (the panel's K × 8 columns stay in L1 across the row blocks).
;; C rows are the output planes (P floats apart, stored exactly); the bias is per row.
(func $op_conv (param $op i32) (param $t i32) (param $step i32)
  (local $b i32) (local $chunks i32) (local $p0 i32) (local $p1 i32) (local $pp i32) (local $kdim i32) (local $m i32)
  (local $a i32) (local $rsa i32) (local $csa i32) (local $colStride i32) (local $rsc i32) (local $c i32) (local $aux i32)
  (local $bias i32) (local $epi i32) (local $i i32) (local $p i32) (local $cols i32) (local $panel i32) (local $ci i32) (local $ai i32)
  (local.set $chunks (i32.load offset=@conv.chunks (local.get $op)))
  (local.set $b (i32.div_u (local.get $t) (local.get $chunks)))
  (local.set $pp (i32.mul (i32.load offset=@conv.oh (local.get $op)) (i32.load offset=@conv.ow (local.get $op))))
  (local.set $p0 (i32.mul (i32.rem_u (local.get $t) (local.get $chunks)) (i32.load offset=@conv.chunk (local.get $op))))
  (local.set $p1 (i32.add (local.get $p0) (i32.load offset=@conv.chunk (local.get $op))))
  (if (i32.gt_u (local.get $p1) (local.get $pp)) (then (local.set $p1 (local.get $pp))))
  (local.set $kdim (i32.mul (i32.load offset=@conv.channels (local.get $op))
    (i32.mul (i32.load offset=@conv.kernel (local.get $op)) (i32.load offset=@conv.kernel (local.get $op)))))
  (local.set $colStride (i32.load offset=@conv.colStride (local.get $op)))
  (call $im2col
    (i32.add (i32.load offset=@conv.src (local.get $op)) (i32.mul (local.get $b) (i32.load offset=@conv.srcStride (local.get $op))))
    (i32.load offset=@conv.channels (local.get $op)) (i32.load offset=@conv.h (local.get $op)) (i32.load offset=@conv.w (local.get $op))
    (i32.load offset=@conv.ow (local.get $op)) (i32.load offset=@conv.kernel (local.get $op)) (i32.load offset=@conv.step (local.get $op))
    (i32.load offset=@conv.dilation (local.get $op)) (i32.load offset=@conv.pad (local.get $op))
    (i32.const 0) (local.get $kdim) (local.get $p0) (local.get $p1) (global.get $scratch) (local.get $colStride))
  (local.set $m (i32.load offset=@conv.m (local.get $op)))
  (local.set $a (i32.load offset=@conv.a (local.get $op)))
  (local.set $rsa (i32.load offset=@conv.rsa (local.get $op)))
  (local.set $csa (i32.load offset=@conv.csa (local.get $op)))
  (local.set $epi (i32.load offset=@conv.epilogue (local.get $op)))
  (local.set $bias (i32.load offset=@conv.bias (local.get $op)))
  (local.set $rsc (i32.shl (local.get $pp) (i32.const 2)))
  (local.set $c (i32.add (i32.load offset=@conv.dst (local.get $op)) (i32.mul (local.get $b) (i32.load offset=@conv.dstStride (local.get $op)))))
  (local.set $aux (i32.load offset=@conv.aux (local.get $op)))
  (if (local.get $aux) (then (local.set $aux (i32.add (local.get $aux) (i32.mul (local.get $b) (i32.load offset=@conv.dstStride (local.get $op)))))))
  (local.set $p (local.get $p0))
  (loop $panels
    (local.set $cols (i32.sub (local.get $p1) (local.get $p)))
    (local.set $panel (i32.add (global.get $scratch) (i32.shl (i32.sub (local.get $p) (local.get $p0)) (i32.const 2))))
    (local.set $i (i32.const 0))
    (loop $rowBlocks
      (local.set $ci (i32.add (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $rsc))) (i32.shl (local.get $p) (i32.const 2))))
      (local.set $ai (i32.add (i32.add (local.get $aux) (i32.mul (local.get $i) (local.get $rsc))) (i32.shl (local.get $p) (i32.const 2))))
      (if (i32.gt_u (local.get $cols) (i32.const 4))
        (then
          (call $mk_4x8 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rsa))) (local.get $rsa) (local.get $csa)
            (local.get $panel) (local.get $colStride) (local.get $ci) (local.get $rsc) (local.get $kdim)
            (i32.sub (local.get $m) (local.get $i)) (local.get $cols) (local.get $epi)
            (select (i32.add (local.get $bias) (i32.shl (local.get $i) (i32.const 2))) (i32.const 0) (local.get $bias)) (local.get $ai)))
        (else
          (call $mk_4x4 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rsa))) (local.get $rsa) (local.get $csa)
            (local.get $panel) (local.get $colStride) (local.get $ci) (local.get $rsc) (local.get $kdim)
            (i32.sub (local.get $m) (local.get $i)) (local.get $cols) (local.get $epi)
            (select (i32.add (local.get $bias) (i32.shl (local.get $i) (i32.const 2))) (i32.const 0) (local.get $bias)) (local.get $ai))))
      (br_if $rowBlocks (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 4))) (local.get $m))))
    (br_if $panels (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 8))) (local.get $p1)))))

;; Tile t owns rows [t·tileK, t·tileK + tileK) of dWᵀ (K, n) and every column panel. For each example in
;; order and each pixel chunk: its rows of the columns, then dWᵀ[rows, panel] (+)= columns · dYp_b.
;; The first (example 0, chunk 0) stores, the rest accumulate; arena padding columns are written 0.
(func $op_convDW (param $op i32) (param $t i32) (param $step i32)
  (local $k0 i32) (local $k1 i32) (local $kdim i32) (local $pp i32) (local $chunk i32) (local $colStride i32) (local $n i32)
  (local $rsb i32) (local $rsc i32) (local $b i32) (local $rows i32) (local $p0 i32) (local $p1 i32) (local $j i32) (local $i i32)
  (local $epi i32) (local $bp i32) (local $xb i32)
  (local.set $kdim (i32.mul (i32.load offset=@convDW.channels (local.get $op))
    (i32.mul (i32.load offset=@convDW.kernel (local.get $op)) (i32.load offset=@convDW.kernel (local.get $op)))))
  (local.set $k0 (i32.mul (local.get $t) (i32.load offset=@convDW.tileK (local.get $op))))
  (local.set $k1 (i32.add (local.get $k0) (i32.load offset=@convDW.tileK (local.get $op))))
  (if (i32.gt_u (local.get $k1) (local.get $kdim)) (then (local.set $k1 (local.get $kdim))))
  (local.set $pp (i32.mul (i32.load offset=@convDW.oh (local.get $op)) (i32.load offset=@convDW.ow (local.get $op))))
  (local.set $chunk (i32.load offset=@convDW.chunk (local.get $op)))
  (local.set $colStride (i32.load offset=@convDW.colStride (local.get $op)))
  (local.set $n (i32.load offset=@convDW.n (local.get $op)))
  (local.set $rsb (i32.load offset=@convDW.rsb (local.get $op)))
  (local.set $rsc (i32.load offset=@convDW.rsc (local.get $op)))
  (local.set $rows (i32.load offset=@convDW.rows (local.get $op)))
  (loop $examples
    (local.set $xb (i32.add (i32.load offset=@convDW.src (local.get $op)) (i32.mul (local.get $b) (i32.load offset=@convDW.srcStride (local.get $op)))))
    (local.set $p0 (i32.const 0))
    (loop $chunks
      (local.set $p1 (i32.add (local.get $p0) (local.get $chunk)))
      (if (i32.gt_u (local.get $p1) (local.get $pp)) (then (local.set $p1 (local.get $pp))))
      (call $im2col (local.get $xb)
        (i32.load offset=@convDW.channels (local.get $op)) (i32.load offset=@convDW.h (local.get $op)) (i32.load offset=@convDW.w (local.get $op))
        (i32.load offset=@convDW.ow (local.get $op)) (i32.load offset=@convDW.kernel (local.get $op)) (i32.load offset=@convDW.step (local.get $op))
        (i32.const 1) (i32.load offset=@convDW.pad (local.get $op))
        (local.get $k0) (local.get $k1) (local.get $p0) (local.get $p1) (global.get $scratch) (local.get $colStride))
      (local.set $epi (select (i32.const @flag.accumulate) (i32.const 0) (i32.or (local.get $b) (local.get $p0))))
      ;; dYp rows of this example's chunk
      (local.set $bp (i32.add (i32.add (i32.load offset=@convDW.dyp (local.get $op)) (i32.mul (local.get $b) (i32.load offset=@convDW.bsb (local.get $op))))
        (i32.mul (local.get $p0) (local.get $rsb))))
      (local.set $j (i32.const 0))
      (loop $panels
        (local.set $i (local.get $k0))
        (loop $rowBlocks
          (if (i32.gt_u (i32.sub (local.get $n) (local.get $j)) (i32.const 4))
            (then
              (call $mk_4x8 (i32.add (global.get $scratch) (i32.mul (i32.sub (local.get $i) (local.get $k0)) (local.get $colStride))) (local.get $colStride) (i32.const 4)
                (i32.add (local.get $bp) (i32.shl (local.get $j) (i32.const 2))) (local.get $rsb)
                (i32.add (i32.add (i32.load offset=@convDW.dst (local.get $op)) (i32.mul (local.get $i) (local.get $rsc))) (i32.shl (local.get $j) (i32.const 2))) (local.get $rsc)
                (i32.sub (local.get $p1) (local.get $p0)) (i32.sub (local.get $k1) (local.get $i)) (i32.sub (local.get $n) (local.get $j))
                (local.get $epi) (i32.const 0) (i32.const 0)))
            (else
              (call $mk_4x4 (i32.add (global.get $scratch) (i32.mul (i32.sub (local.get $i) (local.get $k0)) (local.get $colStride))) (local.get $colStride) (i32.const 4)
                (i32.add (local.get $bp) (i32.shl (local.get $j) (i32.const 2))) (local.get $rsb)
                (i32.add (i32.add (i32.load offset=@convDW.dst (local.get $op)) (i32.mul (local.get $i) (local.get $rsc))) (i32.shl (local.get $j) (i32.const 2))) (local.get $rsc)
                (i32.sub (local.get $p1) (local.get $p0)) (i32.sub (local.get $k1) (local.get $i)) (i32.sub (local.get $n) (local.get $j))
                (local.get $epi) (i32.const 0) (i32.const 0))))
          (br_if $rowBlocks (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 4))) (local.get $k1))))
        (br_if $panels (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 8))) (local.get $n))))
      (br_if $chunks (i32.lt_u (local.tee $p0 (local.get $p1)) (local.get $pp))))
    (br_if $examples (i32.lt_u (local.tee $b (i32.add (local.get $b) (i32.const 1))) (local.get $rows)))))

;; W' (cin, cout·k²) for the input gradient, row c at dst + c·rsd: W'[c, (o·k + p)·k + q] = Wᵀ[(c·k + k−1−p)·k + k−1−q, o]
;; from the arena's Wᵀ (rows rss bytes apart). Tile t: input channel t.
(func $op_convPackW (param $op i32) (param $t i32) (param $step i32)
  (local $k i32) (local $cout i32) (local $o i32) (local $p i32) (local $q i32) (local $dst i32) (local $src i32) (local $rss i32)
  (local.set $k (i32.load offset=@convPackW.kernel (local.get $op)))
  (local.set $cout (i32.load offset=@convPackW.cout (local.get $op)))
  (local.set $rss (i32.load offset=@convPackW.rss (local.get $op)))
  (local.set $dst (i32.add (i32.load offset=@convPackW.dst (local.get $op)) (i32.mul (local.get $t) (i32.load offset=@convPackW.rsd (local.get $op)))))
  (loop $outs
    (local.set $p (i32.const 0))
    (loop $ps
      (local.set $q (i32.const 0))
      (loop $qs
        (local.set $src (i32.add (i32.load offset=@convPackW.src (local.get $op))
          (i32.add
            (i32.mul (local.get $rss)
              (i32.add (i32.mul (i32.add (i32.mul (local.get $t) (local.get $k)) (i32.sub (i32.sub (local.get $k) (i32.const 1)) (local.get $p))) (local.get $k))
                (i32.sub (i32.sub (local.get $k) (i32.const 1)) (local.get $q))))
            (i32.shl (local.get $o) (i32.const 2)))))
        (f32.store (local.get $dst) (f32.load (local.get $src)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (br_if $qs (i32.lt_u (local.tee $q (i32.add (local.get $q) (i32.const 1))) (local.get $k))))
      (br_if $ps (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $k))))
    (br_if $outs (i32.lt_u (local.tee $o (i32.add (local.get $o) (i32.const 1))) (local.get $cout)))))
