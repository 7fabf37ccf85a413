;; BatchNorm (src/reference/batchnorm.ts, shaders/batchnorm.wgsl): x (rows, stride) holds (C, S) per
;; example, S = H·W (BatchNorm2d) or 1 (BatchNorm1d); statistics per channel over N = rows·S values.
;;   mode 0 (tile: channel c)  μ = Σx / N, σ² = Σ(x − μ)² / N (biased; two passes), stats = (μ, 1/√(σ² + ε))
;;                             and the running statistics moved: r ← (1 − m)·r + m·batch
;;   mode 1, 2 (tile: 8 rows)  y = act(γ·(x − μ)·(1/√(σ² + ε)) + β), batch (1) or running (2) statistics
;;   mode 3 (tile: channel c)  dβ = Σ dY, dγ = Σ dY·x̂  (dY: the gradient before this layer's activation)
;;   mode 4 (tile: 8 rows)     dX = act'_in(γ/√(σ² + ε)·(dY − dβ/N − x̂·dγ/N); x)
;; Sums: four f32 lanes over one example's run of S values, lanes added in order, then examples added in
;; order in f64 — one tile per channel, so a fixed order whatever the thread count.
;; stats: μ (pad4(C) floats) then 1/√(σ² + ε) (pad4(C)); running: mean at `running`, variance `varOffset` bytes on.

;; Σ of n floats at p (or of (p[i] − mu)² with `square`, or of p[i]·(q[i] − mu)·inv with `q` ≠ 0): f64.
(func $runSum (param $p i32) (param $q i32) (param $n i32) (param $mu f32) (param $inv f32) (param $square i32) (result f64)
  (local $acc v128) (local $v v128) (local $i i32) (local $s f32) (local $e f32)
  (block $vecDone
    (loop $vecs
      (br_if $vecDone (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
      (local.set $v (v128.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2)))))
      (if (local.get $square)
        (then (local.set $v (f32x4.sub (local.get $v) (f32x4.splat (local.get $mu)))) (local.set $v (f32x4.mul (local.get $v) (local.get $v)))))
      (if (local.get $q)
        (then (local.set $v (f32x4.mul (local.get $v)
          (f32x4.mul (f32x4.sub (v128.load (i32.add (local.get $q) (i32.shl (local.get $i) (i32.const 2)))) (f32x4.splat (local.get $mu))) (f32x4.splat (local.get $inv)))))))
      (local.set $acc (f32x4.add (local.get $acc) (local.get $v)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $vecs)))
  (local.set $s (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
    (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
  (block $tailDone
    (loop $tail
      (br_if $tailDone (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $e (f32.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2)))))
      (if (local.get $square) (then (local.set $e (f32.sub (local.get $e) (local.get $mu))) (local.set $e (f32.mul (local.get $e) (local.get $e)))))
      (if (local.get $q)
        (then (local.set $e (f32.mul (local.get $e)
          (f32.mul (f32.sub (f32.load (i32.add (local.get $q) (i32.shl (local.get $i) (i32.const 2)))) (local.get $mu)) (local.get $inv))))))
      (local.set $s (f32.add (local.get $s) (local.get $e)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $tail)))
  (f64.promote_f32 (local.get $s)))

;; act(v) for activation kind `kind` on four lanes.
(func $act4 (param $v v128) (param $kind i32) (result v128)
  (if (i32.eq (local.get $kind) (i32.const @act.relu))
    (then (return (v128.and (local.get $v) (f32x4.gt (local.get $v) (v128.const f32x4 0 0 0 0))))))
  (if (i32.eq (local.get $kind) (i32.const @act.sigmoid)) (then (return (call $sigmoid4 (local.get $v)))))
  (if (i32.eq (local.get $kind) (i32.const @act.tanh)) (then (return (call $tanh4 (local.get $v)))))
  (local.get $v))

;; Stores the first n (1 … 3) lanes of v at p.
(func $storeLanes (param $v v128) (param $p i32) (param $n i32)
  (f32.store (local.get $p) (f32x4.extract_lane 0 (local.get $v)))
  (if (i32.gt_s (local.get $n) (i32.const 1)) (then (f32.store offset=4 (local.get $p) (f32x4.extract_lane 1 (local.get $v)))))
  (if (i32.gt_s (local.get $n) (i32.const 2)) (then (f32.store offset=8 (local.get $p) (f32x4.extract_lane 2 (local.get $v))))))

(func $op_batchnorm (param $op i32) (param $t i32) (param $step i32)
  (local $mode i32) (local $rows i32) (local $ch i32) (local $sp i32) (local $stride i32) (local $b i32) (local $b1 i32) (local $c i32)
  (local $x i32) (local $run i32) (local $sum f64) (local $n f64) (local $mu f32) (local $var f32) (local $inv f32) (local $m f32)
  (local $stats i32) (local $cp i32) (local $dbeta f64) (local $dgamma f64)
  (local.set $mode (i32.load offset=@batchnorm.mode (local.get $op)))
  (local.set $rows (i32.load offset=@batchnorm.rows (local.get $op)))
  (local.set $ch (i32.load offset=@batchnorm.channels (local.get $op)))
  (local.set $sp (i32.load offset=@batchnorm.spatial (local.get $op)))
  (local.set $stride (i32.shl (i32.load offset=@batchnorm.stride (local.get $op)) (i32.const 2)))
  (local.set $stats (i32.load offset=@batchnorm.stats (local.get $op)))
  (local.set $cp (i32.shl (i32.and (i32.add (local.get $ch) (i32.const 3)) (i32.const -4)) (i32.const 2)))
  (local.set $n (f64.convert_i32_u (i32.mul (local.get $rows) (local.get $sp))))
  (local.set $c (local.get $t))
  (if (i32.eqz (local.get $mode))
    (then
      (loop $mean
        (local.set $sum (f64.add (local.get $sum) (call $runSum (call $runAt (local.get $op) (local.get $b) (local.get $c)) (i32.const 0) (local.get $sp) (f32.const 0) (f32.const 0) (i32.const 0))))
        (br_if $mean (i32.lt_u (local.tee $b (i32.add (local.get $b) (i32.const 1))) (local.get $rows))))
      (local.set $mu (f32.demote_f64 (f64.div (local.get $sum) (local.get $n))))
      (local.set $sum (f64.const 0))
      (local.set $b (i32.const 0))
      (loop $variance
        (local.set $sum (f64.add (local.get $sum) (call $runSum (call $runAt (local.get $op) (local.get $b) (local.get $c)) (i32.const 0) (local.get $sp) (local.get $mu) (f32.const 0) (i32.const 1))))
        (br_if $variance (i32.lt_u (local.tee $b (i32.add (local.get $b) (i32.const 1))) (local.get $rows))))
      (local.set $var (f32.demote_f64 (f64.div (local.get $sum) (local.get $n))))
      (f32.store (i32.add (local.get $stats) (i32.shl (local.get $c) (i32.const 2))) (local.get $mu))
      (f32.store (i32.add (i32.add (local.get $stats) (local.get $cp)) (i32.shl (local.get $c) (i32.const 2)))
        (f32.demote_f64 (f64.div (f64.const 1) (f64.sqrt (f64.add (f64.promote_f32 (local.get $var)) (f64.promote_f32 (f32.load offset=@batchnorm.eps (local.get $op))))))))
      (local.set $m (f32.load offset=@batchnorm.momentum (local.get $op)))
      (local.set $run (i32.add (i32.load offset=@batchnorm.running (local.get $op)) (i32.shl (local.get $c) (i32.const 2))))
      (f32.store (local.get $run) (f32.add (f32.mul (f32.sub (f32.const 1) (local.get $m)) (f32.load (local.get $run))) (f32.mul (local.get $m) (local.get $mu))))
      (local.set $run (i32.add (local.get $run) (i32.load offset=@batchnorm.varOffset (local.get $op))))
      (f32.store (local.get $run) (f32.add (f32.mul (f32.sub (f32.const 1) (local.get $m)) (f32.load (local.get $run))) (f32.mul (local.get $m) (local.get $var))))
      (return)))
  (if (i32.eq (local.get $mode) (i32.const 3))
    (then
      (local.set $mu (f32.load (i32.add (local.get $stats) (i32.shl (local.get $c) (i32.const 2)))))
      (local.set $inv (f32.load (i32.add (i32.add (local.get $stats) (local.get $cp)) (i32.shl (local.get $c) (i32.const 2)))))
      (loop $sums
        (local.set $x (call $runAt (local.get $op) (local.get $b) (local.get $c)))
        (local.set $run (i32.add (i32.sub (local.get $x) (i32.load offset=@batchnorm.x (local.get $op))) (i32.load offset=@batchnorm.dy (local.get $op))))
        (local.set $dbeta (f64.add (local.get $dbeta) (call $runSum (local.get $run) (i32.const 0) (local.get $sp) (f32.const 0) (f32.const 0) (i32.const 0))))
        (local.set $dgamma (f64.add (local.get $dgamma) (call $runSum (local.get $run) (local.get $x) (local.get $sp) (local.get $mu) (local.get $inv) (i32.const 0))))
        (br_if $sums (i32.lt_u (local.tee $b (i32.add (local.get $b) (i32.const 1))) (local.get $rows))))
      (f32.store (i32.add (i32.load offset=@batchnorm.dbeta (local.get $op)) (i32.shl (local.get $c) (i32.const 2))) (f32.demote_f64 (local.get $dbeta)))
      (f32.store (i32.add (i32.load offset=@batchnorm.dgamma (local.get $op)) (i32.shl (local.get $c) (i32.const 2))) (f32.demote_f64 (local.get $dgamma)))
      (return)))
  ;; elementwise modes: rows [8t, 8t + 8)
  (local.set $b (i32.mul (local.get $t) (i32.const @tile.batchnorm)))
  (local.set $b1 (i32.add (local.get $b) (i32.const @tile.batchnorm)))
  (if (i32.gt_u (local.get $b1) (local.get $rows)) (then (local.set $b1 (local.get $rows))))
  (loop $examples
    (if (i32.eq (local.get $sp) (i32.const 1))
      (then (call $bnRowFlat (local.get $op) (local.get $b) (local.get $mode) (local.get $cp)))
      (else
        (local.set $c (i32.const 0))
        (loop $channels
          (call $bnRun (local.get $op) (local.get $b) (local.get $c) (local.get $mode) (local.get $cp))
          (br_if $channels (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $ch))))))
    (br_if $examples (i32.lt_u (local.tee $b (i32.add (local.get $b) (i32.const 1))) (local.get $b1)))))

;; Byte address of x's run of channel c in example b.
(func $runAt (param $op i32) (param $b i32) (param $c i32) (result i32)
  (i32.add (i32.load offset=@batchnorm.x (local.get $op))
    (i32.shl (i32.add (i32.mul (local.get $b) (i32.load offset=@batchnorm.stride (local.get $op)))
      (i32.mul (local.get $c) (i32.load offset=@batchnorm.spatial (local.get $op)))) (i32.const 2))))

;; The statistics of channel c as splats: μ, 1/√(σ² + ε) (batch: stats; running: computed here).
(func $bnMean (param $op i32) (param $c i32) (param $mode i32) (result f32)
  (if (result f32) (i32.eq (local.get $mode) (i32.const 2))
    (then (f32.load (i32.add (i32.load offset=@batchnorm.running (local.get $op)) (i32.shl (local.get $c) (i32.const 2)))))
    (else (f32.load (i32.add (i32.load offset=@batchnorm.stats (local.get $op)) (i32.shl (local.get $c) (i32.const 2)))))))

(func $bnInv (param $op i32) (param $c i32) (param $mode i32) (param $cp i32) (result f32)
  (if (result f32) (i32.eq (local.get $mode) (i32.const 2))
    (then (f32.div (f32.const 1) (f32.sqrt (f32.add
      (f32.load (i32.add (i32.add (i32.load offset=@batchnorm.running (local.get $op)) (i32.load offset=@batchnorm.varOffset (local.get $op))) (i32.shl (local.get $c) (i32.const 2))))
      (f32.load offset=@batchnorm.eps (local.get $op))))))
    (else (f32.load (i32.add (i32.add (i32.load offset=@batchnorm.stats (local.get $op)) (local.get $cp)) (i32.shl (local.get $c) (i32.const 2)))))))

;; One value of four lanes of the elementwise modes: normalise (modes 1, 2) or dX (mode 4).
(func $bnValue (param $op i32) (param $mode i32) (param $xv v128) (param $dyv v128) (param $mu v128) (param $inv v128)
  (param $gamma v128) (param $beta v128) (param $dgn v128) (param $dbn v128) (result v128)
  (local $v v128)
  (if (i32.eq (local.get $mode) (i32.const 4))
    (then
      ;; γ·inv·(dY − dβ/N − x̂·dγ/N), then the producer's activation from x
      (local.set $v (f32x4.mul (f32x4.mul (local.get $gamma) (local.get $inv))
        (f32x4.sub (f32x4.sub (local.get $dyv) (local.get $dbn))
          (f32x4.mul (f32x4.mul (f32x4.sub (local.get $xv) (local.get $mu)) (local.get $inv)) (local.get $dgn)))))
      (return (call $actGrad (local.get $v) (local.get $xv) (i32.load offset=@batchnorm.act (local.get $op))))))
  (call $act4 (f32x4.add (f32x4.mul (f32x4.mul (local.get $gamma) (f32x4.sub (local.get $xv) (local.get $mu))) (local.get $inv)) (local.get $beta))
    (i32.load offset=@batchnorm.act (local.get $op))))

;; Channel c's run of S values in example b (S > 1): whole vec4s, then the last 1–3 lanes stored one by one
;; (the next channel's run starts right after).
(func $bnRun (param $op i32) (param $b i32) (param $c i32) (param $mode i32) (param $cp i32)
  (local $off i32) (local $n i32) (local $i i32) (local $mu v128) (local $inv v128) (local $gamma v128) (local $beta v128)
  (local $dgn v128) (local $dbn v128) (local $v v128) (local $dst i32) (local $dyv v128) (local $at i32) (local $nf f32)
  (local.set $n (i32.load offset=@batchnorm.spatial (local.get $op)))
  (local.set $off (i32.shl (i32.add (i32.mul (local.get $b) (i32.load offset=@batchnorm.stride (local.get $op))) (i32.mul (local.get $c) (local.get $n))) (i32.const 2)))
  (local.set $mu (f32x4.splat (call $bnMean (local.get $op) (local.get $c) (local.get $mode))))
  (local.set $inv (f32x4.splat (call $bnInv (local.get $op) (local.get $c) (local.get $mode) (local.get $cp))))
  (local.set $gamma (v128.load32_splat (i32.add (i32.load offset=@batchnorm.gamma (local.get $op)) (i32.shl (local.get $c) (i32.const 2)))))
  (if (i32.eq (local.get $mode) (i32.const 4))
    (then
      (local.set $nf (f32.convert_i32_u (i32.mul (i32.load offset=@batchnorm.rows (local.get $op)) (local.get $n))))
      (local.set $dgn (f32x4.splat (f32.div (f32.load (i32.add (i32.load offset=@batchnorm.dgamma (local.get $op)) (i32.shl (local.get $c) (i32.const 2)))) (local.get $nf))))
      (local.set $dbn (f32x4.splat (f32.div (f32.load (i32.add (i32.load offset=@batchnorm.dbeta (local.get $op)) (i32.shl (local.get $c) (i32.const 2)))) (local.get $nf))))
      (local.set $dst (i32.load offset=@batchnorm.dx (local.get $op))))
    (else
      (local.set $beta (v128.load32_splat (i32.add (i32.load offset=@batchnorm.beta (local.get $op)) (i32.shl (local.get $c) (i32.const 2)))))
      (local.set $dst (i32.load offset=@batchnorm.y (local.get $op)))))
  (loop $vecs
    (local.set $at (i32.add (local.get $off) (i32.shl (local.get $i) (i32.const 2))))
    (if (i32.eq (local.get $mode) (i32.const 4)) (then (local.set $dyv (v128.load (i32.add (i32.load offset=@batchnorm.dy (local.get $op)) (local.get $at))))))
    (local.set $v (call $bnValue (local.get $op) (local.get $mode) (v128.load (i32.add (i32.load offset=@batchnorm.x (local.get $op)) (local.get $at))) (local.get $dyv)
      (local.get $mu) (local.get $inv) (local.get $gamma) (local.get $beta) (local.get $dgn) (local.get $dbn)))
    (if (i32.ge_s (i32.sub (local.get $n) (local.get $i)) (i32.const 4))
      (then (v128.store (i32.add (local.get $dst) (local.get $at)) (local.get $v)))
      (else (call $storeLanes (local.get $v) (i32.add (local.get $dst) (local.get $at)) (i32.sub (local.get $n) (local.get $i)))))
    (br_if $vecs (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 4))) (local.get $n)))))

;; BatchNorm1d (S = 1): example b's row, four channels at a time; padding lanes written 0.
(func $bnRowFlat (param $op i32) (param $b i32) (param $mode i32) (param $cp i32)
  (local $c i32) (local $ch i32) (local $at i32) (local $off i32) (local $mu v128) (local $inv v128) (local $v v128) (local $nf f32) (local $dst i32)
  (local $dyv v128) (local $beta v128) (local $dgn v128) (local $dbn v128) (local $run i32) (local $stats i32)
  (local.set $ch (i32.load offset=@batchnorm.channels (local.get $op)))
  (local.set $off (i32.shl (i32.mul (local.get $b) (i32.load offset=@batchnorm.stride (local.get $op))) (i32.const 2)))
  (local.set $nf (f32.convert_i32_u (i32.load offset=@batchnorm.rows (local.get $op))))
  (local.set $run (i32.load offset=@batchnorm.running (local.get $op)))
  (local.set $stats (i32.load offset=@batchnorm.stats (local.get $op)))
  (local.set $dst (select (i32.load offset=@batchnorm.dx (local.get $op)) (i32.load offset=@batchnorm.y (local.get $op)) (i32.eq (local.get $mode) (i32.const 4))))
  (loop $vecs
    (local.set $at (i32.shl (local.get $c) (i32.const 2)))
    (if (i32.eq (local.get $mode) (i32.const 2))
      (then
        (local.set $mu (v128.load (i32.add (local.get $run) (local.get $at))))
        (local.set $inv (f32x4.div (f32x4.splat (f32.const 1)) (f32x4.sqrt (f32x4.add
          (v128.load (i32.add (i32.add (local.get $run) (i32.load offset=@batchnorm.varOffset (local.get $op))) (local.get $at)))
          (f32x4.splat (f32.load offset=@batchnorm.eps (local.get $op))))))))
      (else
        (local.set $mu (v128.load (i32.add (local.get $stats) (local.get $at))))
        (local.set $inv (v128.load (i32.add (i32.add (local.get $stats) (local.get $cp)) (local.get $at))))))
    (if (i32.eq (local.get $mode) (i32.const 4))
      (then
        (local.set $dyv (v128.load (i32.add (i32.load offset=@batchnorm.dy (local.get $op)) (i32.add (local.get $off) (local.get $at)))))
        (local.set $dgn (f32x4.div (v128.load (i32.add (i32.load offset=@batchnorm.dgamma (local.get $op)) (local.get $at))) (f32x4.splat (local.get $nf))))
        (local.set $dbn (f32x4.div (v128.load (i32.add (i32.load offset=@batchnorm.dbeta (local.get $op)) (local.get $at))) (f32x4.splat (local.get $nf)))))
      (else (local.set $beta (v128.load (i32.add (i32.load offset=@batchnorm.beta (local.get $op)) (local.get $at))))))
    (local.set $v (call $bnValue (local.get $op) (local.get $mode) (v128.load (i32.add (i32.load offset=@batchnorm.x (local.get $op)) (i32.add (local.get $off) (local.get $at))))
      (local.get $dyv) (local.get $mu) (local.get $inv) (v128.load (i32.add (i32.load offset=@batchnorm.gamma (local.get $op)) (local.get $at)))
      (local.get $beta) (local.get $dgn) (local.get $dbn)))
    (v128.store (i32.add (local.get $dst) (i32.add (local.get $off) (local.get $at)))
      (v128.and (local.get $v) (call $lanesBelow (local.get $c) (local.get $ch))))
    (br_if $vecs (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 4))) (local.get $ch)))))
