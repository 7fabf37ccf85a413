;; Pooling over NCHW rows (src/reference/pool.ts, shaders/pool.wgsl), one example a tile. PyTorch's
;; floor mode; where a window overhangs into the padding, max ignores it and average counts it (÷ k²).
;;   mode 0 max:     y = the window's first maximum (row-major), argmax = its index iy·W + ix in the plane
;;   mode 1 average: y = Σ window / k²              mode 2 global average: y[c] = Σ plane / (H·W)
;;   modes 3, 4, 5:  their backward: dX = act'(Σ over windows of dY routed as the forward took it; x),
;;                   dX zeroed, then the outputs visited in order (the reference's order of sums), then
;;                   the producer's activation derivative applied from x (the pooling's input).
;; x, dx: (rows, xStride) floats; y, dy, argmax: (rows, yStride). Padding columns are written 0.

(func $op_pool (param $op i32) (param $t i32) (param $step i32)
  (local $mode i32) (local $ch i32) (local $h i32) (local $w i32) (local $oh i32) (local $ow i32) (local $k i32) (local $s i32) (local $pad i32)
  (local $x i32) (local $y i32) (local $arg i32) (local $dy i32) (local $dx i32) (local $c i32) (local $i i32) (local $j i32)
  (local $top i32) (local $left i32) (local $y0 i32) (local $y1 i32) (local $x0 i32) (local $x1 i32) (local $iy i32) (local $ix i32)
  (local $at i32) (local $best f32) (local $v f32) (local $sum f32) (local $k2 f32) (local $plane i32) (local $o i32) (local $n i32)
  (local $yStride i32) (local $xStride i32) (local $g f32)
  (local.set $mode (i32.load offset=@pool.mode (local.get $op)))
  (local.set $ch (i32.load offset=@pool.channels (local.get $op)))
  (local.set $h (i32.load offset=@pool.h (local.get $op)))
  (local.set $w (i32.load offset=@pool.w (local.get $op)))
  (local.set $oh (i32.load offset=@pool.oh (local.get $op)))
  (local.set $ow (i32.load offset=@pool.ow (local.get $op)))
  (local.set $k (i32.load offset=@pool.kernel (local.get $op)))
  (local.set $s (i32.load offset=@pool.stride (local.get $op)))
  (local.set $pad (i32.load offset=@pool.pad (local.get $op)))
  (local.set $xStride (i32.load offset=@pool.xStride (local.get $op)))
  (local.set $yStride (i32.load offset=@pool.yStride (local.get $op)))
  (local.set $plane (i32.mul (local.get $h) (local.get $w)))
  (local.set $k2 (f32.convert_i32_u (i32.mul (local.get $k) (local.get $k))))
  (local.set $x (i32.add (i32.load offset=@pool.x (local.get $op)) (i32.shl (i32.mul (local.get $t) (local.get $xStride)) (i32.const 2))))
  (local.set $y (i32.add (i32.load offset=@pool.y (local.get $op)) (i32.shl (i32.mul (local.get $t) (local.get $yStride)) (i32.const 2))))
  (local.set $dy (i32.add (i32.load offset=@pool.dy (local.get $op)) (i32.shl (i32.mul (local.get $t) (local.get $yStride)) (i32.const 2))))
  (local.set $dx (i32.add (i32.load offset=@pool.dx (local.get $op)) (i32.shl (i32.mul (local.get $t) (local.get $xStride)) (i32.const 2))))
  (local.set $arg (i32.add (i32.load offset=@pool.argmax (local.get $op)) (i32.shl (i32.mul (local.get $t) (local.get $yStride)) (i32.const 2))))
  (if (i32.eq (local.get $mode) (i32.const 2))
    (then
      ;; global average: y[c] = Σ plane / (H·W), in row-major order
      (loop $channels
        (local.set $sum (f32.const 0))
        (local.set $i (i32.const 0))
        (loop $sumPlane
          (local.set $sum (f32.add (local.get $sum) (f32.load (i32.add (local.get $x) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $plane)) (local.get $i)) (i32.const 2))))))
          (br_if $sumPlane (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $plane))))
        (f32.store (i32.add (local.get $y) (i32.shl (local.get $c) (i32.const 2))) (f32.div (local.get $sum) (f32.convert_i32_u (local.get $plane))))
        (br_if $channels (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $ch))))
      (call $zeroTail (local.get $y) (local.get $ch) (local.get $yStride))
      (return)))
  (if (i32.eq (local.get $mode) (i32.const 5))
    (then
      ;; global average backward: dX[c, ·] = dY[c] / (H·W)
      (loop $channels
        (local.set $g (f32.div (f32.load (i32.add (local.get $dy) (i32.shl (local.get $c) (i32.const 2)))) (f32.convert_i32_u (local.get $plane))))
        (local.set $i (i32.const 0))
        (loop $spread
          (f32.store (i32.add (local.get $dx) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $plane)) (local.get $i)) (i32.const 2))) (local.get $g))
          (br_if $spread (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $plane))))
        (br_if $channels (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $ch))))
      (call $zeroTail (local.get $dx) (i32.mul (local.get $ch) (local.get $plane)) (local.get $xStride))
      (call $applyActGrad (local.get $dx) (local.get $x) (local.get $xStride) (i32.load offset=@pool.act (local.get $op)))
      (return)))
  (if (i32.ge_u (local.get $mode) (i32.const 3))
    (then (memory.fill (local.get $dx) (i32.const 0) (i32.shl (local.get $xStride) (i32.const 2)))))
  ;; windows in output order: (c, i, j)
  (loop $channels
    (local.set $i (i32.const 0))
    (loop $outRows
      (local.set $top (i32.sub (i32.mul (local.get $i) (local.get $s)) (local.get $pad)))
      (local.set $y0 (select (local.get $top) (i32.const 0) (i32.gt_s (local.get $top) (i32.const 0))))
      (local.set $y1 (i32.add (local.get $top) (local.get $k)))
      (if (i32.gt_s (local.get $y1) (local.get $h)) (then (local.set $y1 (local.get $h))))
      (local.set $j (i32.const 0))
      (loop $outCols
        (local.set $left (i32.sub (i32.mul (local.get $j) (local.get $s)) (local.get $pad)))
        (local.set $x0 (select (local.get $left) (i32.const 0) (i32.gt_s (local.get $left) (i32.const 0))))
        (local.set $x1 (i32.add (local.get $left) (local.get $k)))
        (if (i32.gt_s (local.get $x1) (local.get $w)) (then (local.set $x1 (local.get $w))))
        (local.set $o (i32.add (i32.mul (i32.add (i32.mul (local.get $c) (local.get $oh)) (local.get $i)) (local.get $ow)) (local.get $j)))
        (block $window
          (if (i32.eqz (local.get $mode))
            (then
              ;; max: the first real element starts the search (padding never competes); strict > keeps the first maximum
              (local.set $at (i32.add (i32.mul (local.get $y0) (local.get $w)) (local.get $x0)))
              (local.set $best (f32.load (i32.add (local.get $x) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $plane)) (local.get $at)) (i32.const 2)))))
              (local.set $iy (local.get $y0))
              (loop $wy
                (local.set $ix (local.get $x0))
                (loop $wx
                  (local.set $v (f32.load (i32.add (local.get $x) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $plane)) (i32.add (i32.mul (local.get $iy) (local.get $w)) (local.get $ix))) (i32.const 2)))))
                  (if (f32.gt (local.get $v) (local.get $best))
                    (then (local.set $best (local.get $v)) (local.set $at (i32.add (i32.mul (local.get $iy) (local.get $w)) (local.get $ix)))))
                  (br_if $wx (i32.lt_s (local.tee $ix (i32.add (local.get $ix) (i32.const 1))) (local.get $x1))))
                (br_if $wy (i32.lt_s (local.tee $iy (i32.add (local.get $iy) (i32.const 1))) (local.get $y1))))
              (f32.store (i32.add (local.get $y) (i32.shl (local.get $o) (i32.const 2))) (local.get $best))
              (i32.store (i32.add (local.get $arg) (i32.shl (local.get $o) (i32.const 2))) (local.get $at))
              (br $window)))
          (if (i32.eq (local.get $mode) (i32.const 3))
            (then
              ;; max backward: dY to the recorded first maximum
              (local.set $at (i32.add (local.get $dx) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $plane))
                (i32.load (i32.add (local.get $arg) (i32.shl (local.get $o) (i32.const 2))))) (i32.const 2))))
              (f32.store (local.get $at) (f32.add (f32.load (local.get $at)) (f32.load (i32.add (local.get $dy) (i32.shl (local.get $o) (i32.const 2))))))
              (br $window)))
          ;; average (mode 1) and its backward (mode 4)
          (local.set $sum (f32.const 0))
          (local.set $g (f32.div (f32.load (i32.add (local.get $dy) (i32.shl (local.get $o) (i32.const 2)))) (local.get $k2)))
          (local.set $iy (local.get $y0))
          (loop $wy
            (local.set $ix (local.get $x0))
            (loop $wx
              (local.set $at (i32.shl (i32.add (i32.mul (local.get $c) (local.get $plane)) (i32.add (i32.mul (local.get $iy) (local.get $w)) (local.get $ix))) (i32.const 2)))
              (if (i32.eq (local.get $mode) (i32.const 1))
                (then (local.set $sum (f32.add (local.get $sum) (f32.load (i32.add (local.get $x) (local.get $at))))))
                (else (f32.store (i32.add (local.get $dx) (local.get $at)) (f32.add (f32.load (i32.add (local.get $dx) (local.get $at))) (local.get $g)))))
              (br_if $wx (i32.lt_s (local.tee $ix (i32.add (local.get $ix) (i32.const 1))) (local.get $x1))))
            (br_if $wy (i32.lt_s (local.tee $iy (i32.add (local.get $iy) (i32.const 1))) (local.get $y1))))
          (if (i32.eq (local.get $mode) (i32.const 1))
            (then (f32.store (i32.add (local.get $y) (i32.shl (local.get $o) (i32.const 2))) (f32.div (local.get $sum) (local.get $k2))))))
        (br_if $outCols (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $ow))))
      (br_if $outRows (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $oh))))
    (br_if $channels (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $ch))))
  (if (i32.lt_u (local.get $mode) (i32.const 3))
    (then (call $zeroTail (local.get $y) (i32.mul (local.get $ch) (i32.mul (local.get $oh) (local.get $ow))) (local.get $yStride)))
    (else (call $applyActGrad (local.get $dx) (local.get $x) (local.get $xStride) (i32.load offset=@pool.act (local.get $op))))))

;; Floats [n, stride) of the row at p set to 0.
(func $zeroTail (param $p i32) (param $n i32) (param $stride i32)
  (if (i32.lt_u (local.get $n) (local.get $stride))
    (then (memory.fill (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))) (i32.const 0) (i32.shl (i32.sub (local.get $stride) (local.get $n)) (i32.const 2))))))

;; row[j] ← row[j] · act'(y[j]) over a row of `stride` floats (a multiple of 4; y's padding is 0, and so is act'(0)·0).
(func $applyActGrad (param $row i32) (param $y i32) (param $stride i32) (param $kind i32)
  (local $j i32)
  (if (i32.eq (local.get $kind) (i32.const @act.none)) (then (return)))
  (loop $vecs
    (v128.store (local.get $row) (call $actGrad (v128.load (local.get $row)) (v128.load (local.get $y)) (local.get $kind)))
    (local.set $row (i32.add (local.get $row) (i32.const 16)))
    (local.set $y (i32.add (local.get $y) (i32.const 16)))
    (br_if $vecs (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 4))) (local.get $stride)))))
