;; Convolution (src/reference/conv.ts: cross-correlation, square kernel k, zero padding, NCHW) as
;; implicit GEMMs on the matmul micro-kernels, with im2col columns built per tile in the thread's scratch:
;;   columns[kk, p] = x[c, oy·s − pad + ky, ox·s − pad + kx]   kk = (c, ky, kx), pixel p = (oy, ox); 0 outside
;; The three products of a training step:
;;   forward   y_b (Cout, P) = W (Cout, K) · columns(x_b)                row bias, fused activation
;;   dX        dCol (K, P) = Wᵀ (K, Cout) · dY_b (Cout, P), then col2im: dX_b[c, y, x] = Σ of dCol over
;;             the (ky, kx) whose window puts (y, x) under pixel p, added in (kk, p) order; then the
;;             producer's activation derivative from x
;;   dW        dWᵀ (K, Cout) = Σ_b columns(x_b) (K, P) · dYp_b (P, Cout), examples in order (accumulated)
;; Every output element is computed by the one tile that owns it, in an order fixed by the shapes and
;; the scratch size alone: the bits do not depend on the thread count.

;; Rows kk ∈ [k0, k1) of the columns of pixels [p0, p1) (row kk at dst + (kk − k0)·colStride bytes).
;; Stride 1 takes the vector path: each output row's run is one copy of a source row with zeros at the
;; edges; the copy's last vec4 may run up to 3 floats past the run, which later writes overwrite
;; (colStride leaves 4 floats after the chunk). Otherwise one element at a time.
(func $im2col (param $src i32) (param $channels i32) (param $h i32) (param $w i32) (param $ow i32) (param $k i32)
  (param $step i32) (param $pad i32) (param $k0 i32) (param $k1 i32) (param $p0 i32) (param $p1 i32)
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
    (if (i32.eq (local.get $step) (i32.const 1))
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
          (if (i32.and (i32.lt_u (local.get $ty) (local.get $h)) (i32.lt_u (local.get $tx) (local.get $w)))
            (then (local.set $v (f32.load (i32.add (local.get $plane) (i32.shl (i32.add (i32.mul (local.get $ty) (local.get $w)) (local.get $tx)) (i32.const 2)))))))
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
    (i32.load offset=@conv.pad (local.get $op))
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
        (i32.load offset=@convDW.pad (local.get $op))
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

;; Tile t = example t's input gradient, pixel chunk by pixel chunk of dY: dCol (K, chunk) = Wᵀ · dY_b in the
;; scratch (rows colStride bytes apart; a panel's lanes past the chunk land in the row's padding), then
;; col2im adds each column row into dX_b: for stride 1 a vector add per output row's run (the last 1–3
;; floats one by one: neighbours belong to other runs), else one element at a time. dX_b is zeroed first
;; and gets the producer's activation derivative (from x) last.
(func $op_convDX (param $op i32) (param $t i32) (param $step i32)
  (local $pp i32) (local $kdim i32) (local $chunk i32) (local $colStride i32) (local $p0 i32) (local $p1 i32) (local $p i32) (local $i i32)
  (local $dy i32) (local $dx i32) (local $rsa i32) (local $rsb i32) (local $cout i32) (local $cols i32) (local $xStride i32)
  (local.set $pp (i32.mul (i32.load offset=@convDX.oh (local.get $op)) (i32.load offset=@convDX.ow (local.get $op))))
  (local.set $kdim (i32.mul (i32.load offset=@convDX.cin (local.get $op))
    (i32.mul (i32.load offset=@convDX.kernel (local.get $op)) (i32.load offset=@convDX.kernel (local.get $op)))))
  (local.set $chunk (i32.load offset=@convDX.chunk (local.get $op)))
  (local.set $colStride (i32.load offset=@convDX.colStride (local.get $op)))
  (local.set $cout (i32.load offset=@convDX.cout (local.get $op)))
  (local.set $rsa (i32.load offset=@convDX.rsa (local.get $op)))
  (local.set $rsb (i32.shl (local.get $pp) (i32.const 2)))
  (local.set $xStride (i32.load offset=@convDX.dxStride (local.get $op)))
  (local.set $dy (i32.add (i32.load offset=@convDX.dy (local.get $op)) (i32.mul (local.get $t) (i32.load offset=@convDX.dyStride (local.get $op)))))
  (local.set $dx (i32.add (i32.load offset=@convDX.dx (local.get $op)) (i32.mul (local.get $t) (local.get $xStride))))
  (memory.fill (local.get $dx) (i32.const 0) (local.get $xStride))
  (loop $chunks
    (local.set $p1 (i32.add (local.get $p0) (local.get $chunk)))
    (if (i32.gt_u (local.get $p1) (local.get $pp)) (then (local.set $p1 (local.get $pp))))
    (local.set $p (local.get $p0))
    (loop $panels
      (local.set $cols (i32.sub (local.get $p1) (local.get $p)))
      (local.set $i (i32.const 0))
      (loop $rowBlocks
        (if (i32.gt_u (local.get $cols) (i32.const 4))
          (then
            (call $mk_4x8 (i32.add (i32.load offset=@convDX.wt (local.get $op)) (i32.mul (local.get $i) (local.get $rsa))) (local.get $rsa) (i32.const 4)
              (i32.add (local.get $dy) (i32.shl (local.get $p) (i32.const 2))) (local.get $rsb)
              (i32.add (i32.add (global.get $scratch) (i32.mul (local.get $i) (local.get $colStride))) (i32.shl (i32.sub (local.get $p) (local.get $p0)) (i32.const 2)))
              (local.get $colStride) (local.get $cout) (i32.sub (local.get $kdim) (local.get $i)) (i32.const 8) (i32.const 0) (i32.const 0) (i32.const 0)))
          (else
            (call $mk_4x4 (i32.add (i32.load offset=@convDX.wt (local.get $op)) (i32.mul (local.get $i) (local.get $rsa))) (local.get $rsa) (i32.const 4)
              (i32.add (local.get $dy) (i32.shl (local.get $p) (i32.const 2))) (local.get $rsb)
              (i32.add (i32.add (global.get $scratch) (i32.mul (local.get $i) (local.get $colStride))) (i32.shl (i32.sub (local.get $p) (local.get $p0)) (i32.const 2)))
              (local.get $colStride) (local.get $cout) (i32.sub (local.get $kdim) (local.get $i)) (i32.const 4) (i32.const 0) (i32.const 0) (i32.const 0))))
        (br_if $rowBlocks (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 4))) (local.get $kdim))))
      (br_if $panels (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 8))) (local.get $p1))))
    (call $col2im (local.get $op) (local.get $dx) (local.get $kdim) (local.get $p0) (local.get $p1))
    (br_if $chunks (i32.lt_u (local.tee $p0 (local.get $p1)) (local.get $pp))))
  (call $applyActGrad (local.get $dx)
    (i32.add (i32.load offset=@convDX.x (local.get $op)) (i32.mul (local.get $t) (local.get $xStride)))
    (i32.shr_u (local.get $xStride) (i32.const 2)) (i32.load offset=@convDX.act (local.get $op))))

;; dX_b += col2im of the scratch's dCol rows [0, K) over pixels [p0, p1).
(func $col2im (param $op i32) (param $dx i32) (param $kdim i32) (param $p0 i32) (param $p1 i32)
  (local $k i32) (local $kk i32) (local $k2 i32) (local $ci i32) (local $ky i32) (local $kx i32) (local $h i32) (local $w i32) (local $ow i32)
  (local $s i32) (local $pad i32) (local $plane i32) (local $row i32) (local $p i32) (local $oy i32) (local $ox i32) (local $x1 i32)
  (local $y i32) (local $lo i32) (local $hi i32) (local $n i32) (local $src i32) (local $dst i32) (local $xx i32) (local $colStride i32)
  (local.set $k (i32.load offset=@convDX.kernel (local.get $op)))
  (local.set $k2 (i32.mul (local.get $k) (local.get $k)))
  (local.set $h (i32.load offset=@convDX.h (local.get $op)))
  (local.set $w (i32.load offset=@convDX.w (local.get $op)))
  (local.set $ow (i32.load offset=@convDX.ow (local.get $op)))
  (local.set $s (i32.load offset=@convDX.stride (local.get $op)))
  (local.set $pad (i32.load offset=@convDX.pad (local.get $op)))
  (local.set $colStride (i32.load offset=@convDX.colStride (local.get $op)))
  (loop $rows
    (local.set $ci (i32.div_u (local.get $kk) (local.get $k2)))
    (local.set $ky (i32.div_u (i32.rem_u (local.get $kk) (local.get $k2)) (local.get $k)))
    (local.set $kx (i32.rem_u (local.get $kk) (local.get $k)))
    (local.set $plane (i32.add (local.get $dx) (i32.shl (i32.mul (local.get $ci) (i32.mul (local.get $h) (local.get $w))) (i32.const 2))))
    (local.set $row (i32.add (global.get $scratch) (i32.mul (local.get $kk) (local.get $colStride))))
    (local.set $oy (i32.div_u (local.get $p0) (local.get $ow)))
    (local.set $ox (i32.sub (local.get $p0) (i32.mul (local.get $oy) (local.get $ow))))
    (local.set $p (local.get $p0))
    (loop $runs
      (local.set $x1 (i32.add (local.get $ox) (i32.sub (local.get $p1) (local.get $p))))
      (if (i32.gt_s (local.get $x1) (local.get $ow)) (then (local.set $x1 (local.get $ow))))
      (local.set $y (i32.add (i32.sub (i32.mul (local.get $oy) (local.get $s)) (local.get $pad)) (local.get $ky)))
      (if (i32.lt_u (local.get $y) (local.get $h))
        (then
          (if (i32.eq (local.get $s) (i32.const 1))
            (then
              ;; pixels ox ∈ [lo, hi) land on x = ox − pad + kx ∈ [0, W)
              (local.set $lo (i32.sub (local.get $pad) (local.get $kx)))
              (if (i32.lt_s (local.get $lo) (local.get $ox)) (then (local.set $lo (local.get $ox))))
              (local.set $hi (i32.sub (i32.add (local.get $w) (local.get $pad)) (local.get $kx)))
              (if (i32.gt_s (local.get $hi) (local.get $x1)) (then (local.set $hi (local.get $x1))))
              (local.set $n (i32.sub (local.get $hi) (local.get $lo)))
              (local.set $src (i32.add (local.get $row) (i32.shl (i32.sub (i32.add (local.get $p) (local.get $lo)) (i32.add (local.get $p0) (local.get $ox))) (i32.const 2))))
              (local.set $dst (i32.add (local.get $plane)
                (i32.shl (i32.add (i32.mul (local.get $y) (local.get $w)) (i32.add (i32.sub (local.get $lo) (local.get $pad)) (local.get $kx))) (i32.const 2))))
              (block $vecDone
                (loop $vecs
                  (br_if $vecDone (i32.lt_s (local.get $n) (i32.const 4)))
                  (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (v128.load (local.get $src))))
                  (local.set $src (i32.add (local.get $src) (i32.const 16)))
                  (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
                  (local.set $n (i32.sub (local.get $n) (i32.const 4)))
                  (br $vecs)))
              (block $tailDone
                (loop $tail
                  (br_if $tailDone (i32.le_s (local.get $n) (i32.const 0)))
                  (f32.store (local.get $dst) (f32.add (f32.load (local.get $dst)) (f32.load (local.get $src))))
                  (local.set $src (i32.add (local.get $src) (i32.const 4)))
                  (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
                  (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                  (br $tail))))
            (else
              (local.set $xx (local.get $ox))
              (loop $elems
                (local.set $lo (i32.add (i32.sub (i32.mul (local.get $xx) (local.get $s)) (local.get $pad)) (local.get $kx)))
                (if (i32.lt_u (local.get $lo) (local.get $w))
                  (then
                    (local.set $dst (i32.add (local.get $plane) (i32.shl (i32.add (i32.mul (local.get $y) (local.get $w)) (local.get $lo)) (i32.const 2))))
                    (f32.store (local.get $dst) (f32.add (f32.load (local.get $dst))
                      (f32.load (i32.add (local.get $row) (i32.shl (i32.sub (i32.add (local.get $p) (local.get $xx)) (i32.add (local.get $p0) (local.get $ox))) (i32.const 2))))))))
                (br_if $elems (i32.lt_u (local.tee $xx (i32.add (local.get $xx) (i32.const 1))) (local.get $x1))))))))
      (local.set $p (i32.add (local.get $p) (i32.sub (local.get $x1) (local.get $ox))))
      (local.set $ox (i32.const 0))
      (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
      (br_if $runs (i32.lt_u (local.get $p) (local.get $p1))))
    (br_if $rows (i32.lt_u (local.tee $kk (i32.add (local.get $kk) (i32.const 1))) (local.get $kdim)))))
